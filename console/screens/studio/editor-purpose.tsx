// One purpose's fieldset: its key and legal basis, what the banner and the notice say of it
// (Art. 13: data categories, recipients, retention), its Consent Mode signals and channels,
// and its texts per language, including the interest a legitimate-interest purpose pursues.
import { consentModeTypes, legalBases } from '../../../shared/config/vocabulary';
import { fill } from '../../i18n';
import { type Change, type Draft, listOf, numberOf } from './draft';
import { CheckField, type FieldContext, SelectField, SetField, TextField } from './fields';
import type { StudioWords } from './words';

type Purpose = Draft['purposes'][number];

/** Only a purpose one may object to pursues an interest it must name; an old text stays editable. */
const hasInterest = (purpose: Purpose, locale: string) =>
  purpose.legalBasis === 'legitimate_interest' ||
  purpose.legalBasis === 'public_task' ||
  Boolean(purpose.text[locale]?.interest);

interface PurposeProps {
  purpose: Purpose;
  i: number;
  locales: string[];
  w: StudioWords;
  ctx: FieldContext;
  edit(change: Change): void;
}

export function PurposeFields({ purpose, i, locales, w, ctx, edit }: PurposeProps) {
  const at = `purposes.${i}`;
  const set = (change: (p: Purpose) => void) => edit((d) => change(d.purposes[i]));
  const text = (locale: string, change: (t: Purpose['text'][string]) => void) =>
    set((p) => change((p.text[locale] ??= { name: '' })));
  return (
    <fieldset class="stack">
      <legend>{fill(w.purpose, { key: purpose.key })}</legend>
      <TextField
        ctx={ctx}
        path={`${at}.key`}
        label={w.key}
        value={purpose.key}
        onInput={(v) =>
          set((p) => {
            p.key = v;
          })
        }
      />
      <SelectField
        ctx={ctx}
        path={`${at}.legalBasis`}
        label={w.legalBasis}
        value={purpose.legalBasis}
        options={legalBases}
        onChange={(v) =>
          set((p) => {
            p.legalBasis = v as Purpose['legalBasis'];
          })
        }
      />
      <CheckField
        ctx={ctx}
        path={`${at}.required`}
        label={w.required}
        checked={purpose.required ?? false}
        onChange={(v) =>
          set((p) => {
            p.required = v || undefined;
          })
        }
      />
      <CheckField
        ctx={ctx}
        path={`${at}.default`}
        label={w.default}
        checked={purpose.default ?? false}
        onChange={(v) =>
          set((p) => {
            p.default = v || undefined;
          })
        }
      />
      <CheckField
        ctx={ctx}
        path={`${at}.marketing`}
        label={w.marketing}
        checked={purpose.marketing ?? false}
        onChange={(v) =>
          set((p) => {
            p.marketing = v || undefined;
          })
        }
      />
      <SetField
        ctx={ctx}
        path={`${at}.googleConsentMode`}
        legend={w.signals}
        values={purpose.googleConsentMode ?? []}
        options={consentModeTypes}
        onChange={(v) =>
          set((p) => {
            p.googleConsentMode = v.length > 0 ? (v as Purpose['googleConsentMode']) : undefined;
          })
        }
      />
      <TextField
        ctx={ctx}
        path={`${at}.channels`}
        label={w.channels}
        value={(purpose.channels ?? []).join(', ')}
        onInput={(v) =>
          set((p) => {
            p.channels = listOf(v).length > 0 ? listOf(v) : undefined;
          })
        }
      />
      <TextField
        ctx={ctx}
        path={`${at}.dataCategories`}
        label={w.categories}
        value={(purpose.dataCategories ?? []).join(', ')}
        onInput={(v) =>
          set((p) => {
            p.dataCategories = listOf(v);
          })
        }
      />
      <TextField
        ctx={ctx}
        path={`${at}.recipients`}
        label={w.recipients}
        value={(purpose.recipients ?? []).join(', ')}
        onInput={(v) =>
          set((p) => {
            p.recipients = listOf(v);
          })
        }
      />
      <TextField
        ctx={ctx}
        path={`${at}.retentionDays`}
        type="number"
        label={w.retentionDays}
        value={purpose.retentionDays}
        onInput={(v) =>
          set((p) => {
            p.retentionDays = numberOf(v);
          })
        }
      />
      <TextField
        ctx={ctx}
        path={`${at}.ttlDays`}
        type="number"
        label={w.ttlDays}
        value={purpose.ttlDays}
        onInput={(v) =>
          set((p) => {
            p.ttlDays = numberOf(v);
          })
        }
      />
      {locales.map((locale) => (
        <div class="stack" key={locale}>
          <TextField
            ctx={ctx}
            path={`${at}.text.${locale}.name`}
            label={fill(w.name, { locale })}
            value={purpose.text[locale]?.name}
            onInput={(v) =>
              text(locale, (t) => {
                t.name = v;
              })
            }
          />
          <TextField
            ctx={ctx}
            path={`${at}.text.${locale}.description`}
            long
            label={fill(w.description, { locale })}
            value={purpose.text[locale]?.description}
            onInput={(v) =>
              text(locale, (t) => {
                t.description = v;
              })
            }
          />
          {hasInterest(purpose, locale) && (
            <TextField
              ctx={ctx}
              path={`${at}.text.${locale}.interest`}
              long
              label={fill(w.interest, { locale })}
              value={purpose.text[locale]?.interest}
              onInput={(v) =>
                text(locale, (t) => {
                  t.interest = v || undefined;
                })
              }
            />
          )}
        </div>
      ))}
      <div class="actions">
        <button
          type="button"
          class="secondary"
          onClick={() =>
            edit((d) => {
              d.purposes.splice(i, 1);
            })
          }
        >
          {fill(w.removePurpose, { key: purpose.key })}
        </button>
      </div>
    </fieldset>
  );
}
