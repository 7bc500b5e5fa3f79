// The `akkoord` command's verbs: sets up tenants and keys, publishes
// configs, verifies ledgers, runs retention, backs up and restores (the database with
// its secret), imports consents and exports a tenant, against the database of
// DATABASE_URL.
// Each subcommand's module is imported only when it runs: --help and a usage error
// load commander alone, and a command loads the database code it needs.
import { Command, CommanderError, Option } from 'commander';
import { ApiError } from '../errors.js';
import type { BackupOptions } from './backup-commands.js';
import { CliError, createOutput, type CliIo, type Output } from './output.js';

const tenantCommands = () => import('./tenant-commands.js');
const opsCommands = () => import('./ops-commands.js');
const originCommands = () => import('./origin-commands.js');
const backupCommands = () => import('./backup-commands.js');
const staffCommands = () => import('./staff-commands.js');

/** The command line's grammar, printing to io; the chosen command's Output lands in run. */
function defineProgram(io: CliIo, run: { output?: Output }): Command {
  const program = new Command('akkoord')
    .description(
      'Operate an Akkoord consent platform. The database comes from DATABASE_URL (default sqlite:./data/akkoord.db).',
    )
    .option('--json', 'print the result as JSON, for scripts')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  // One command runs per call; its Output carries the exit code it chose.
  const output = (command: Command): Output =>
    (run.output = createOutput(Boolean(command.optsWithGlobals().json), io));
  const tenantOption = () =>
    new Option('-t, --tenant <id>', 'the tenant (ten_...)').makeOptionMandatory();

  const tenant = program.command('tenant').description('create and list tenants');
  tenant
    .command('create <name>')
    .description(
      'create a tenant; prints its public key and a secret key with every scope (shown once)',
    )
    .option(
      '-o, --origin <origin...>',
      'origins allowed to call the public endpoints, e.g. https://shop.example',
      [],
    )
    .action((name: string, opts: { origin: string[] }, cmd: Command) =>
      tenantCommands().then((m) => m.createTenantCommand(output(cmd), name, opts.origin)),
    );
  tenant
    .command('list')
    .description('list the tenants')
    .action((_opts, cmd: Command) =>
      tenantCommands().then((m) => m.listTenantsCommand(output(cmd))),
    );
  const origins = tenant
    .command('origins')
    .description(
      'the web pages allowed to use the public key: origins such as https://shop.example, or https://*.shop.example for every subdomain (never a bare *)',
    );
  origins
    .command('list')
    .description('list the allowed origins')
    .addOption(tenantOption())
    .action((opts: { tenant: string }, cmd: Command) =>
      originCommands().then((m) => m.listOriginsCommand(output(cmd), opts.tenant)),
    );
  origins
    .command('add <origin...>')
    .description('allow these origins (effective within a second; audit-logged)')
    .addOption(tenantOption())
    .action((entries: string[], opts: { tenant: string }, cmd: Command) =>
      originCommands().then((m) =>
        m.changeOriginsCommand(output(cmd), opts.tenant, entries, 'add'),
      ),
    );
  origins
    .command('remove <origin...>')
    .description('stop allowing these origins (effective within a second; audit-logged)')
    .addOption(tenantOption())
    .action((entries: string[], opts: { tenant: string }, cmd: Command) =>
      originCommands().then((m) =>
        m.changeOriginsCommand(output(cmd), opts.tenant, entries, 'remove'),
      ),
    );

  const key = program.command('key').description('create and revoke secret keys');
  key
    .command('create')
    .description('create a secret key (shown once)')
    .addOption(tenantOption())
    .requiredOption('-s, --scopes <list>', 'comma-separated scopes, e.g. feed:read,subjects:read')
    .action((opts: { tenant: string; scopes: string }, cmd: Command) =>
      tenantCommands().then((m) => m.createKeyCommand(output(cmd), opts.tenant, opts.scopes)),
    );
  key
    .command('revoke <keyId>')
    .description('revoke a key at once')
    .addOption(tenantOption())
    .action((keyId: string, opts: { tenant: string }, cmd: Command) =>
      tenantCommands().then((m) => m.revokeKeyCommand(output(cmd), opts.tenant, keyId)),
    );

  program
    .command('staff')
    .description('console staff accounts')
    .command('invite')
    .description(
      'give a person a console role at a tenant and mail them a sign-in link (also printed)',
    )
    .addOption(tenantOption())
    .requiredOption('-e, --email <address>', "the person's e-mail address")
    .requiredOption('-r, --role <role>', 'owner, privacy_officer, marketer, developer or viewer')
    .option('-n, --name <name>', "the name the console's audit log shows")
    .option('-l, --locale <locale>', 'the language of the mail: nl or en', 'nl')
    .action(
      (
        opts: { tenant: string; email: string; role: string; name?: string; locale?: string },
        cmd: Command,
      ) => staffCommands().then((m) => m.inviteStaffCommand(output(cmd), opts)),
    );

  program
    .command('config')
    .description('tenant configuration')
    .command('publish <file>')
    .description(
      'publish a configuration (JSON; every field is described in docs/configuration.md) as the next version',
    )
    .addOption(tenantOption())
    .action((file: string, opts: { tenant: string }, cmd: Command) =>
      tenantCommands().then((m) => m.publishConfigCommand(output(cmd), opts.tenant, file)),
    );

  program
    .command('verify')
    .description(
      'verify the hash chain of the consent ledger (every tenant, or one); exit code 3 when one is broken',
    )
    .option('-t, --tenant <id>', 'only this tenant')
    .action((opts: { tenant?: string }, cmd: Command) =>
      opsCommands().then((m) => m.verifyCommand(output(cmd), opts.tenant)),
    );

  program
    .command('purge')
    .description(
      'run the retention rules now (the proof retention too) and delete offboarded tenants whose grace period is over',
    )
    .option('-t, --tenant <id>', 'only this tenant')
    .action((opts: { tenant?: string }, cmd: Command) =>
      opsCommands().then((m) => m.purgeCommand(output(cmd), opts.tenant)),
    );

  const passphraseOption = () =>
    new Option(
      '--passphrase-file <file>',
      'read the passphrase from the first line of FILE (else AKKOORD_BACKUP_PASSPHRASE)',
    );

  program
    .command('backup <path>')
    .description(
      'copy the live SQLite database to PATH (consistent while the server writes) with the root secret sealed by a passphrase, then verify the copy',
    )
    .option('-f, --force', 'overwrite PATH if it exists')
    .addOption(passphraseOption())
    .action((target: string, opts: BackupOptions, cmd: Command) =>
      backupCommands().then((m) => m.backupCommand(output(cmd), target, opts)),
    );

  program
    .command('restore <backup>')
    .description(
      "put a backup's database at DATABASE_URL and its secret in AKKOORD_DATA_DIR, then verify them (stop the server first)",
    )
    .option('-f, --force', 'replace an existing database and secret')
    .addOption(passphraseOption())
    .action((source: string, opts: BackupOptions, cmd: Command) =>
      backupCommands().then((m) => m.restoreCommand(output(cmd), source, opts)),
    );

  program
    .command('import')
    .description('bring data collected elsewhere into Akkoord')
    .command('consents <file>')
    .description(
      'import consents from CSV: externalId,purpose,channel,decision,capturedAt[,source,locale,configVersion]. ' +
        'decision is granted, denied or withdrawn; capturedAt an ISO 8601 time with a zone; channel empty for website purposes; ' +
        'source (a label for where it was collected, e.g. paper-form-2025) is kept with the ledger event. Every row is checked first; nothing is imported if one is bad.',
    )
    .addOption(tenantOption())
    .option('--skip-invalid', 'import the valid rows and report the invalid ones')
    .action((file: string, opts: { tenant: string; skipInvalid?: boolean }, cmd: Command) =>
      import('./import-consents.js').then((m) => m.importConsentsCommand(output(cmd), file, opts)),
    );

  program
    .command('export')
    .description(
      'export the whole tenant as NDJSON (the format of GET /v1/export), to stdout or --out FILE',
    )
    .addOption(tenantOption())
    .option('-o, --out <file>', 'write to this new file, with a progress bar')
    .option('--no-personal', 'leave out decrypted personal fields')
    .action((opts: { tenant: string; out?: string; personal: boolean }, cmd: Command) =>
      import('./export-command.js').then((m) => m.exportCommand(output(cmd), opts)),
    );

  return program;
}

/**
 * Runs one `akkoord` command line (argv as process.argv: node, script, arguments) and
 * returns its exit code: 0 done, 1 bad input or a refused operation, 2 a usage error,
 * 3 a ledger that does not verify. Failures are printed to io.stderr.
 */
export async function runAkkoord(argv: string[], io: CliIo): Promise<number> {
  const run: { output?: Output } = {};
  const program = defineProgram(io, run);
  try {
    await program.parseAsync(argv);
    return run.output?.exitCode ?? 0;
  } catch (error) {
    // Commander has printed its message already; --help and --version end here too.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const fail = (message: string, details: string[]) => {
      if (argv.includes('--json'))
        io.stderr.write(JSON.stringify({ error: { message, details } }) + '\n');
      else
        io.stderr.write([`akkoord: ${message}`, ...details.map((d) => `  ${d}`)].join('\n') + '\n');
    };
    if (error instanceof CliError) {
      fail(error.message, error.details);
      return error.exitCode;
    }
    if (error instanceof ApiError) {
      fail(
        error.message,
        (error.issues ?? []).map((i) => `${i.path}: ${i.message}`),
      );
      return 1;
    }
    fail(`unexpected error: ${(error as Error).message ?? String(error)}`, []);
    return 1;
  }
}
