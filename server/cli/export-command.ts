// `akkoord export --tenant ID [--out FILE]`: the tenant export of GET /v1/export,
// written to a file (with a progress bar) or stdout, in constant memory: each chunk
// waits for the file to take the previous one.
import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { appendAudit } from '../services/registers/audit.js';
import {
  chunkLines,
  countTenantRows,
  exportTenantLines,
} from '../services/tenants/tenant-export.js';
import { CliError, requireTenant, withContext, type Output } from './runtime.js';
import { CLI_ACTOR } from './tenant-commands.js';

async function write(stream: Writable, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

export async function exportCommand(
  out: Output,
  options: { tenant?: string; out?: string; personal?: boolean },
) {
  if (options.out && fs.existsSync(options.out))
    throw new CliError(`${options.out} exists; choose a new file name`);
  const result = await withContext(
    out,
    async (ctx) => {
      const tenant = await requireTenant(ctx, options.tenant);
      const personal = options.personal ?? true;
      const counts = await countTenantRows(ctx.db, tenant.id);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const at = ctx.clock.now().toISOString();
      await ctx.db.transaction().execute((trx) =>
        appendAudit(
          trx,
          tenant.id,
          {
            actor: CLI_ACTOR,
            action: 'tenant.exported',
            target: tenant.id,
            details: { personal },
          },
          at,
        ),
      );

      const target = options.out
        ? fs.createWriteStream(options.out, { flags: 'wx', mode: 0o600 })
        : out.io.stdout;
      if (options.out) await once(target, 'open');
      const bar = options.out ? out.progress(total, 'export') : out.progress(0, '');
      let lines = 0;
      try {
        for await (const chunk of chunkLines(
          exportTenantLines(ctx, tenant.id, {
            personal,
            counts: { ...counts },
            onProgress: (n) => (lines = n),
          }),
        )) {
          await write(target, chunk);
          bar.update(lines);
        }
      } finally {
        bar.stop();
        if (options.out) {
          target.end();
          await once(target, 'close');
        }
      }
      return {
        tenantId: tenant.id,
        path: options.out ?? null,
        rows: lines,
        counts,
        personal,
        bytes: options.out ? fs.statSync(options.out).size : null,
      };
    },
    { migrate: false },
  );
  // With stdout as the target the export itself is the output; the summary goes to stderr.
  if (options.out) {
    out.result(
      result,
      `Exported ${result.rows} rows of ${result.tenantId} to ${result.path} (${((result.bytes ?? 0) / 1_048_576).toFixed(1)} MiB)`,
    );
  } else {
    out.note(`Exported ${result.rows} rows of ${result.tenantId}`);
  }
}
