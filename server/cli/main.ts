// The `akkoord` command (CONTRACT.md §11): sets up tenants and keys, publishes
// configs, verifies ledgers, runs retention, backs up, imports consents and exports
// a tenant, against the database of DATABASE_URL. Exit codes: 0 done, 1 bad input
// or a refused operation, 2 a usage error, 3 a ledger that does not verify.
import { Command, CommanderError, Option } from 'commander';
import { ApiError } from '../errors.js';
import { exportCommand } from './export-command.js';
import { importConsentsCommand } from './import-consents.js';
import { backupCommand, purgeCommand, verifyCommand } from './ops-commands.js';
import { CliError, createOutput, type Output } from './runtime.js';
import { createKeyCommand, createTenantCommand, listTenantsCommand, publishConfigCommand, revokeKeyCommand } from './tenant-commands.js';

const program = new Command('akkoord')
  .description('Operate an Akkoord consent platform. The database comes from DATABASE_URL (default sqlite:./data/akkoord.db).')
  .option('--json', 'print the result as JSON, for scripts')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const output = (command: Command): Output => createOutput(Boolean(command.optsWithGlobals().json));
const tenantOption = () => new Option('-t, --tenant <id>', 'the tenant (ten_...)').makeOptionMandatory();

const tenant = program.command('tenant').description('create and list tenants');
tenant.command('create <name>')
  .description('create a tenant; prints its public key and a secret key with every scope (shown once)')
  .option('-o, --origin <origin...>', 'origins allowed to call the public endpoints, e.g. https://shop.example', [])
  .action((name: string, opts: { origin: string[] }, cmd: Command) => createTenantCommand(output(cmd), name, opts.origin));
tenant.command('list').description('list the tenants').action((_opts, cmd: Command) => listTenantsCommand(output(cmd)));

const key = program.command('key').description('create and revoke secret keys');
key.command('create')
  .description('create a secret key (shown once)')
  .addOption(tenantOption())
  .requiredOption('-s, --scopes <list>', 'comma-separated scopes, e.g. feed:read,subjects:read')
  .action((opts: { tenant: string; scopes: string }, cmd: Command) => createKeyCommand(output(cmd), opts.tenant, opts.scopes));
key.command('revoke <keyId>')
  .description('revoke a key at once')
  .addOption(tenantOption())
  .action((keyId: string, opts: { tenant: string }, cmd: Command) => revokeKeyCommand(output(cmd), opts.tenant, keyId));

program.command('config').description('tenant configuration')
  .command('publish <file>')
  .description('publish a configuration (JSON, CONTRACT.md §3) as the next version')
  .addOption(tenantOption())
  .action((file: string, opts: { tenant: string }, cmd: Command) => publishConfigCommand(output(cmd), opts.tenant, file));

program.command('verify')
  .description('verify the hash chain of the consent ledger (every tenant, or one); exit code 3 when one is broken')
  .option('-t, --tenant <id>', 'only this tenant')
  .action((opts: { tenant?: string }, cmd: Command) => verifyCommand(output(cmd), opts.tenant));

program.command('purge')
  .description('run the retention rules now and delete offboarded tenants whose grace period is over')
  .option('-t, --tenant <id>', 'only this tenant')
  .action((opts: { tenant?: string }, cmd: Command) => purgeCommand(output(cmd), opts.tenant));

program.command('backup <path>')
  .description('copy the live SQLite database to PATH (consistent while the server writes), then open and verify the copy')
  .option('-f, --force', 'overwrite PATH if it exists')
  .action((target: string, opts: { force?: boolean }, cmd: Command) => backupCommand(output(cmd), target, opts));

program.command('import').description('bring data collected elsewhere into Akkoord')
  .command('consents <file>')
  .description('import consents from CSV: externalId,purpose,channel,decision,capturedAt[,source,locale,configVersion]. ' +
    'decision is granted, denied or withdrawn; capturedAt an ISO 8601 time with a zone; channel empty for website purposes; ' +
    'source (a label for where it was collected, e.g. paper-form-2025) is kept with the ledger event. Every row is checked first; nothing is imported if one is bad.')
  .addOption(tenantOption())
  .option('--skip-invalid', 'import the valid rows and report the invalid ones')
  .action((file: string, opts: { tenant: string; skipInvalid?: boolean }, cmd: Command) => importConsentsCommand(output(cmd), file, opts));

program.command('export')
  .description('export the whole tenant as NDJSON (the format of GET /v1/export), to stdout or --out FILE')
  .addOption(tenantOption())
  .option('-o, --out <file>', 'write to this new file, with a progress bar')
  .option('--no-personal', 'leave out decrypted personal fields')
  .action((opts: { tenant: string; out?: string; personal: boolean }, cmd: Command) => exportCommand(output(cmd), opts));

function fail(message: string, details: string[], exitCode: number): never {
  const json = process.argv.includes('--json');
  if (json) process.stderr.write(JSON.stringify({ error: { message, details } }) + '\n');
  else process.stderr.write([`akkoord: ${message}`, ...details.map((d) => `  ${d}`)].join('\n') + '\n');
  process.exit(exitCode);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed its message already; --help and --version end here too.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof CliError) fail(error.message, error.details, error.exitCode);
  if (error instanceof ApiError) fail(error.message, (error.issues ?? []).map((i) => `${i.path}: ${i.message}`), 1);
  fail(`unexpected error: ${(error as Error).message ?? String(error)}`, [], 1);
}
