// The compliance lint's rules for data kept by law (Art. 17(3)(b)): the person is told on what
// basis and until when, so the basis must be named and the term must be a legal term, and no
// other retention rule may delete the data before the law allows.
import type { TenantConfig } from '../schemas/config.js';
import { MAX_KEPT_BY_LAW_DAYS } from './limits.js';

type Add = (
  rule: 'KEPT_BY_LAW_WITHOUT_BASIS' | 'KEPT_BY_LAW_TOO_LONG' | 'KEPT_BY_LAW_CONFLICT',
  path: string,
  message: string,
) => void;

/** A basis shorter than this names no law ("law", "tax"). */
const MIN_BASIS_LENGTH = 5;

export function lintKeptByLaw(config: TenantConfig, add: Add): void {
  for (const [dataset, kept] of Object.entries(config.retention?.keptByLaw ?? {})) {
    const at = `retention.keptByLaw.${dataset}`;
    if (kept.basis.trim().length < MIN_BASIS_LENGTH) {
      add(
        'KEPT_BY_LAW_WITHOUT_BASIS',
        `${at}.basis`,
        `Data set "${dataset}" is kept by law without naming the law (e.g. "art. 52 AWR (Dutch tax law)")`,
      );
    }
    if (kept.days > MAX_KEPT_BY_LAW_DAYS) {
      add(
        'KEPT_BY_LAW_TOO_LONG',
        `${at}.days`,
        `Data set "${dataset}": a legal duty to keep may be at most ${MAX_KEPT_BY_LAW_DAYS} days (20 years) here`,
      );
    }
    const deleteAfter = config.retention?.records?.[dataset];
    if (deleteAfter !== undefined && deleteAfter < kept.days) {
      add(
        'KEPT_BY_LAW_CONFLICT',
        `retention.records.${dataset}`,
        `Data set "${dataset}" is deleted after ${deleteAfter} days but the law keeps it ${kept.days} days`,
      );
    }
  }
}
