// The studio's form: every field of the configuration, each with the lint's problems beside it.
// The look and Consent Mode (editor-banner.tsx) and each purpose (editor-purpose.tsx) have files of their own.
import { fill } from '../../i18n';
import { type Change, type Draft, listOf, newPurpose, numberOf } from './draft';
import { ConsentModeFields, LookFields } from './editor-banner';
import { PurposeFields } from './editor-purpose';
import { CheckField, type FieldContext, TextField, SelectField } from './fields';
import type { StudioWords } from './words';

interface EditorProps {
  draft: Draft;
  w: StudioWords;
  ctx: FieldContext;
  edit(change: Change): void;
}

const recordsText = (records: Record<string, number> = {}) =>
  Object.entries(records)
    .map(([name, days]) => `${name}=${days}`)
    .join('\n');
const recordsOf = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.split('=').map((part) => part.trim()))
      .filter(([name, days]) => name && days)
      .map(([name, days]) => [name, Number(days)]),
  );

type KeptByLaw = NonNullable<NonNullable<Draft['retention']>['keptByLaw']>;

/** One data set per line: its name, `=`, the days the law keeps it, then the law ("invoices=2557 art. 52 AWR"). */
const keptByLawText = (kept: KeptByLaw = {}) =>
  Object.entries(kept)
    .map(([name, { days, basis }]) => `${name}=${days} ${basis}`.trim())
    .join('\n');
const keptByLawOf = (text: string): KeptByLaw =>
  Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^\s*([^=\s]+)\s*=\s*(\d+)\s*(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map(([, name, days, basis]) => [name, { days: Number(days), basis: basis.trim() }]),
  );

type BannerText = NonNullable<NonNullable<Draft['theme']>['text']>[string];

/** Sets one of a language's banner texts; a language left without texts is dropped, so a stray one can be cleared. */
const setBannerText = (d: Draft, locale: string, field: keyof BannerText, value: string) => {
  const texts = ((d.theme ??= {}).text ??= {});
  const text = (texts[locale] ??= {});
  text[field] = value || undefined;
  if (!text.title && !text.intro) delete texts[locale];
};

export function Editor({ draft, w, ctx, edit }: EditorProps) {
  // Languages with banner texts but no longer listed stay visible, so their texts can be removed.
  const textLocales = [...new Set([...draft.locales, ...Object.keys(draft.theme?.text ?? {})])];
  return (
    <div class="stack">
      <fieldset class="stack">
        <legend>{w.general}</legend>
        <TextField
          ctx={ctx}
          path="locales"
          label={w.locales}
          value={draft.locales.join(', ')}
          onInput={(v) =>
            edit((d) => {
              d.locales = listOf(v);
            })
          }
        />
        <SelectField
          ctx={ctx}
          path="defaultLocale"
          label={w.defaultLocale}
          value={draft.defaultLocale}
          options={draft.locales}
          onChange={(v) =>
            edit((d) => {
              d.defaultLocale = v;
            })
          }
        />
        <TextField
          ctx={ctx}
          path="controller.name"
          label={w.controllerName}
          value={draft.controller.name}
          onInput={(v) =>
            edit((d) => {
              d.controller.name = v;
            })
          }
        />
        <TextField
          ctx={ctx}
          path="controller.contact"
          label={w.controllerContact}
          value={draft.controller.contact}
          onInput={(v) =>
            edit((d) => {
              d.controller.contact = v;
            })
          }
        />
        <TextField
          ctx={ctx}
          path="consentTtlDays"
          type="number"
          label={w.consentTtl}
          value={draft.consentTtlDays}
          onInput={(v) =>
            edit((d) => {
              d.consentTtlDays = numberOf(v) ?? 365;
            })
          }
        />
        <TextField
          ctx={ctx}
          path="digitalConsentAge"
          type="number"
          label={w.consentAge}
          value={draft.digitalConsentAge}
          onInput={(v) =>
            edit((d) => {
              d.digitalConsentAge = numberOf(v);
            })
          }
        />
        <TextField
          ctx={ctx}
          path="retention.inactiveSubjectDays"
          type="number"
          label={w.inactiveDays}
          value={draft.retention?.inactiveSubjectDays}
          onInput={(v) =>
            edit((d) => {
              (d.retention ??= {}).inactiveSubjectDays = numberOf(v);
            })
          }
        />
        <TextField
          ctx={ctx}
          path="retention.records"
          long
          label={w.records}
          value={recordsText(draft.retention?.records)}
          onInput={(v) =>
            edit((d) => {
              (d.retention ??= {}).records = recordsOf(v);
            })
          }
        />
        <TextField
          ctx={ctx}
          path="retention.keptByLaw"
          long
          label={w.keptByLaw}
          value={keptByLawText(draft.retention?.keptByLaw)}
          onInput={(v) =>
            edit((d) => {
              const kept = keptByLawOf(v);
              const retention = (d.retention ??= {});
              if (Object.keys(kept).length > 0) retention.keptByLaw = kept;
              else delete retention.keptByLaw;
            })
          }
        />
        <TextField
          ctx={ctx}
          path="resyncHours"
          type="number"
          label={w.resyncHours}
          value={draft.resyncHours}
          onInput={(v) =>
            edit((d) => {
              d.resyncHours = numberOf(v);
            })
          }
        />
        <CheckField
          ctx={ctx}
          path="gpcAsObjection"
          label={w.gpcAsObjection}
          checked={draft.gpcAsObjection ?? false}
          onChange={(v) =>
            edit((d) => {
              d.gpcAsObjection = v || undefined;
            })
          }
        />
        <CheckField
          ctx={ctx}
          path="reloadOnWithdrawal"
          label={w.reloadOnWithdrawal}
          checked={draft.reloadOnWithdrawal ?? false}
          onChange={(v) =>
            edit((d) => {
              d.reloadOnWithdrawal = v || undefined;
            })
          }
        />
      </fieldset>
      <LookFields draft={draft} w={w} ctx={ctx} edit={edit} />
      <ConsentModeFields draft={draft} w={w} ctx={ctx} edit={edit} />
      {textLocales.map((locale) => (
        <fieldset class="stack" key={locale}>
          <legend>{locale}</legend>
          {draft.locales.includes(locale) && (
            <TextField
              ctx={ctx}
              path={`privacyNoticeUrl.${locale}`}
              type="url"
              label={fill(w.noticeUrl, { locale })}
              value={draft.privacyNoticeUrl[locale]}
              onInput={(v) =>
                edit((d) => {
                  d.privacyNoticeUrl[locale] = v;
                })
              }
            />
          )}
          <TextField
            ctx={ctx}
            path={`theme.text.${locale}.title`}
            label={fill(w.bannerTitle, { locale })}
            value={draft.theme?.text?.[locale]?.title}
            onInput={(v) => edit((d) => setBannerText(d, locale, 'title', v))}
          />
          <TextField
            ctx={ctx}
            path={`theme.text.${locale}.intro`}
            long
            label={fill(w.bannerIntro, { locale })}
            value={draft.theme?.text?.[locale]?.intro}
            onInput={(v) => edit((d) => setBannerText(d, locale, 'intro', v))}
          />
        </fieldset>
      ))}
      <h3>{w.purposes}</h3>
      {draft.purposes.map((purpose, i) => (
        <PurposeFields
          key={i}
          purpose={purpose}
          i={i}
          locales={draft.locales}
          w={w}
          ctx={ctx}
          edit={edit}
        />
      ))}
      <div class="actions">
        <button
          type="button"
          class="secondary"
          onClick={() =>
            edit((d) => {
              d.purposes.push(newPurpose(d.locales, d.purposes.length + 1));
            })
          }
        >
          {w.addPurpose}
        </button>
      </div>
    </div>
  );
}
