// Runs the `akkoord` command against a test database: in this process by default (the same
// command line, environment and streams, without starting node twice per call), or as the
// real installed command in a child process (server/cli/bin.js), the way an operator or a
// script runs it, for what only a process shows: its exit status, the build it picks, the
// heap flags it restarts itself with.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runAkkoord } from '../../server/cli/program.js';
import { TEST_SECRET } from './app.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs); throws when it is not JSON. */
  json<T = any>(): T;
}

const commandEnv = (env: Record<string, string>) => ({
  ...process.env,
  AKKOORD_SECRET: TEST_SECRET,
  NO_COLOR: '1',
  ...env,
});

/** The command in this process, on captured streams. */
export async function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  const code = await runAkkoord(['node', 'akkoord', ...args], {
    env: commandEnv(env),
    stdout: stdout.stream,
    stderr: stderr.stream,
  });
  return result(code, stdout.text(), stderr.text());
}

/** The installed command in a child process. */
export function runCliProcess(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve('server/cli/bin.js'), ...args], {
      env: commandEnv(env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve(result(code ?? -1, stdout, stderr)));
  });
}

function capture() {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

function result(code: number, stdout: string, stderr: string): CliRun {
  return {
    code,
    stdout,
    stderr,
    json: () => {
      try {
        return JSON.parse(stdout);
      } catch (error) {
        // Say what was printed: a bare "Unexpected token" tells nobody what went wrong.
        throw new Error(
          `${(error as Error).message}; stdout: ${stdout.slice(0, 2000)}; stderr: ${stderr.slice(0, 1000)}`,
          { cause: error },
        );
      }
    },
  };
}
