#!/usr/bin/env node
// The `akkoord` command: runs the TypeScript entry through tsx, so it needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
