// The banner's look (colours held to WCAG AA by the lint, position, font, logo, the floating
// button's label) and Google Consent Mode (basic or advanced with its risk accepted, the regions
// that start denied, the default elsewhere).
import { fill } from '../../i18n';
import { type Change, type Draft, listOf } from './draft';
import { CheckField, type FieldContext, SelectField, TextField } from './fields';
import type { StudioWords } from './words';

interface SectionProps {
  draft: Draft;
  w: StudioWords;
  ctx: FieldContext;
  edit(change: Change): void;
}

const COLOURS = ['background', 'text', 'buttonBackground', 'buttonText', 'link'] as const;

type Theme = NonNullable<Draft['theme']>;
const POSITIONS = ['bar', 'box', 'corner'] as const satisfies ReadonlyArray<Theme['position']>;
const theme = (d: Draft): Theme => (d.theme ??= {});

export function LookFields({ draft, w, ctx, edit }: SectionProps) {
  const look = draft.theme ?? {};
  return (
    <fieldset class="stack">
      <legend>{w.look}</legend>
      {COLOURS.map((name) => (
        <TextField
          key={name}
          ctx={ctx}
          path={`theme.colors.${name}`}
          label={fill(w.colour, { name })}
          value={look.colors?.[name]}
          onInput={(v) =>
            edit((d) => {
              const colors = (theme(d).colors ??= {});
              if (v) colors[name] = v;
              else delete colors[name];
            })
          }
        />
      ))}
      <SelectField
        ctx={ctx}
        path="theme.position"
        label={w.position}
        value={look.position ?? 'bar'}
        options={POSITIONS}
        onChange={(v) =>
          edit((d) => {
            theme(d).position = v as Theme['position'];
          })
        }
      />
      <CheckField
        ctx={ctx}
        path="theme.inheritFont"
        label={w.inheritFont}
        checked={look.inheritFont ?? false}
        onChange={(v) =>
          edit((d) => {
            theme(d).inheritFont = v || undefined;
          })
        }
      />
      <CheckField
        ctx={ctx}
        path="theme.floatingLabel"
        label={w.floatingLabel}
        checked={look.floatingLabel ?? true}
        onChange={(v) =>
          edit((d) => {
            theme(d).floatingLabel = v ? undefined : false;
          })
        }
      />
      <TextField
        ctx={ctx}
        path="theme.logoUrl"
        type="url"
        label={w.logoUrl}
        value={look.logoUrl}
        onInput={(v) =>
          edit((d) => {
            theme(d).logoUrl = v || undefined;
          })
        }
      />
    </fieldset>
  );
}

type ConsentMode = NonNullable<Draft['consentMode']>;
const consentMode = (d: Draft): ConsentMode =>
  (d.consentMode ??= { mode: 'basic', elsewhere: 'denied' });

export function ConsentModeFields({ draft, w, ctx, edit }: SectionProps) {
  const mode = draft.consentMode;
  return (
    <fieldset class="stack">
      <legend>{w.consentMode}</legend>
      <SelectField
        ctx={ctx}
        path="consentMode.mode"
        label={w.consentModeMode}
        value={mode?.mode ?? 'basic'}
        options={['basic', 'advanced']}
        onChange={(v) =>
          edit((d) => {
            consentMode(d).mode = v as ConsentMode['mode'];
          })
        }
      />
      <CheckField
        ctx={ctx}
        path="consentMode.advancedRiskAccepted"
        label={w.advancedRisk}
        checked={mode?.advancedRiskAccepted ?? false}
        onChange={(v) =>
          edit((d) => {
            consentMode(d).advancedRiskAccepted = v || undefined;
          })
        }
      />
      <TextField
        ctx={ctx}
        path="consentMode.deniedRegions"
        label={w.deniedRegions}
        value={(mode?.deniedRegions ?? []).join(', ')}
        onInput={(v) =>
          edit((d) => {
            consentMode(d).deniedRegions = listOf(v).length > 0 ? listOf(v) : undefined;
          })
        }
      />
      <SelectField
        ctx={ctx}
        path="consentMode.elsewhere"
        label={w.elsewhere}
        value={mode?.elsewhere ?? 'denied'}
        options={['denied', 'granted']}
        onChange={(v) =>
          edit((d) => {
            consentMode(d).elsewhere = v as ConsentMode['elsewhere'];
          })
        }
      />
    </fieldset>
  );
}
