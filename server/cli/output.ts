// What the `akkoord` command prints and how it fails, kept apart from the database
// runtime so that parsing the command line (and --help) loads nothing else.
import cliProgress from 'cli-progress';

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
  /** A result: `human` for a terminal, `data` as one JSON document with --json. */
  result(data: unknown, human: string): void;
  /** A note for people; silent with --json (stdout is then only the result). */
  note(text: string): void;
  progress(total: number, label: string): Progress;
}

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function createOutput(json: boolean): Output {
  return {
    json,
    result(data, human) {
      process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : human + '\n');
    },
    note(text) {
      if (!json) process.stderr.write(text + '\n');
    },
    progress(total, label) {
      // A bar only where a person watches: not in scripts, pipes or --json.
      if (json || !process.stderr.isTTY) return silent;
      const bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
          stream: process.stderr,
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
