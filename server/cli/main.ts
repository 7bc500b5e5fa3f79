// The `akkoord` process: runs the command line on the process's own streams and exits
// with the command's code (program.ts defines the commands).
import { processIo } from './output.js';
import { runAkkoord } from './program.js';

const code = await runAkkoord(process.argv, processIo);
// A failure ends at once; a success ends when the command's work has drained.
if (code !== 0) process.exit(code);
