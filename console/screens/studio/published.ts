// A published configuration version as the history and publish screens receive it.
import type { Draft } from './draft';

export interface Published {
  version: number;
  materialVersion: number;
  publishedAt: string;
  config: Draft;
}
