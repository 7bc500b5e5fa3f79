// Runs the real `akkoord` command (server/cli/bin.js) in a child process against a
// test database, the way an operator or a script would.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { TEST_SECRET } from './app.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs); throws when it is not JSON. */
  json<T = any>(): T;
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve('server/cli/bin.js'), ...args], {
      env: { ...process.env, AKKOORD_SECRET: TEST_SECRET, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
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
      }),
    );
  });
}
