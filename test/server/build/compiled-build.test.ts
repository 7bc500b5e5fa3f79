// `npm run build` compiles the server and the `akkoord` command into dist/server, and the
// compiled code runs with node alone: the server finds the banner and preference-center
// bundles from there, and the command answers --help and runs a subcommand.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../../package.json';
import { TEST_SECRET } from '../../helpers/app.js';
import { ensurePreferenceCenterBuilt } from '../../helpers/preference-center-build.js';
import { startServerProcess, type ServerProcess } from '../../helpers/process.js';
import { ensureServerBuilt } from '../../helpers/server-build.js';
import { ensureWidgetBuilt } from '../../helpers/widget-build.js';

describe('the compiled server and command', () => {
  let dir: string;
  let server: ServerProcess;
  beforeAll(async () => {
    await Promise.all([ensureWidgetBuilt(), ensurePreferenceCenterBuilt()]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-compiled-'));
    server = await startServerProcess(
      { DATABASE_URL: `sqlite:${dir}/akkoord.db`, AKKOORD_SECRET: TEST_SECRET, LOG_LEVEL: 'info' },
      20_000,
      { compiled: true },
    );
  });
  afterAll(async () => {
    await server?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the demo shop, the banner and the preference center from dist/', async () => {
    const publicKey = /public key:\s+(pk_\S+)/.exec(server.output())?.[1];
    const tenantId = /demo tenant:\s+(ten_\S+)/.exec(server.output())?.[1];
    expect(publicKey).toBeDefined();
    const widget = await fetch(`${server.url}/widget.js?key=${publicKey}`);
    expect(widget.status).toBe(200);
    expect(await widget.text()).toContain('akkoord');
    const page = await (await fetch(`${server.url}/p/${tenantId}`)).text();
    const asset = /\/p\/assets\/[^"]+\.js/.exec(page)?.[0];
    expect(asset).toBeDefined();
    expect((await fetch(`${server.url}${asset}`)).status).toBe(200);
  });

  it('imports at run time only production dependencies, so it runs after `npm prune --omit=dev`', () => {
    const dist = path.dirname(ensureServerBuilt());
    const imported = new Set<string>();
    for (const file of fs.readdirSync(dist).filter((name) => name.endsWith('.js'))) {
      const code = fs.readFileSync(path.join(dist, file), 'utf8');
      // Static imports; dynamic ones are the tool paths a checkout uses (tsx, esbuild), each guarded.
      for (const [, spec] of code.matchAll(/^import\s[^'"]*?["']([^"'.][^"']*)["']/gm)) {
        const name = spec.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : spec.split('/')[0];
        if (!name.startsWith('node:') && !builtinModules.includes(name)) imported.add(name);
      }
    }
    expect(imported.size).toBeGreaterThan(5);
    expect([...imported].filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });

  it('the command runs compiled: --help without loading a subcommand, and a subcommand on demand', () => {
    const cli = path.join(ensureServerBuilt(), '../cli.js');
    const help = execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    expect(help).toMatch(/Usage: akkoord/);
    // Each subcommand is its own chunk, loaded by a dynamic import: cli.js does not import them up front.
    const entry = fs.readFileSync(cli, 'utf8');
    expect(entry).toMatch(/import\("\.\/tenant-commands-[A-Z0-9]+\.js"\)/);
    expect(entry).not.toMatch(/^import .*tenant-commands/m);
    const list = execFileSync(process.execPath, [cli, 'tenant', 'list', '--json'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${dir}/akkoord.db`,
        AKKOORD_SECRET: TEST_SECRET,
      },
    });
    expect(JSON.parse(list).tenants).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Demowinkel BV' })]),
    );
  });
});
