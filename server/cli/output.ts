// What the `akkoord` command prints and how it fails, kept apart from the database
// runtime so that parsing the command line (and --help) loads nothing else.
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';

/**
 * Where a command runs: its environment and its two streams. The process's own for the
 * installed command; the tests run commands in their own process with a captured pair.
 */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
}

export const processIo: CliIo = {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
};

/** An expected failure: bad input, an unknown id, a refused operation. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface Output {
  json: boolean;
  io: CliIo;
  /** A result: `human` for a terminal, `data` as one JSON document with --json. */
  result(data: unknown, human: string): void;
  /** A note for people; silent with --json (stdout is then only the result). */
  note(text: string): void;
  progress(total: number, label: string): Progress;
  /** The exit code the command ends with when it throws nothing (0 unless set). */
  exitCode: number;
}

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function createOutput(json: boolean, io: CliIo): Output {
  return {
    json,
    io,
    exitCode: 0,
    result(data, human) {
      io.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : human + '\n');
    },
    note(text) {
      if (!json) io.stderr.write(text + '\n');
    },
    progress(total, label) {
      // A bar only where a person watches: not in scripts, pipes or --json.
      if (json || !io.stderr.isTTY) return silent;
      const bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
          stream: io.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0);
      return {
        update: (done) => bar.update(Math.min(done, Math.max(total, 1))),
        stop: () => bar.stop(),
      };
    },
  };
}
