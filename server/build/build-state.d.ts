// Types for build-state.js, which stays plain JavaScript so it runs before any build.
export declare const root: string;
export declare const parts: Record<
  'server' | 'widget' | 'preferenceCenter',
  { outputs: string[]; sources: string[] }
>;
export declare function isStaleIn(
  base: string,
  names: Array<'server' | 'widget' | 'preferenceCenter'>,
): boolean;
export declare function isStale(...names: Array<'server' | 'widget' | 'preferenceCenter'>): boolean;
