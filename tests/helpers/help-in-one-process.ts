// `connector-setup ARGS` for several command lines in one process, for the pages that are printed without the
// command table (--help): the built entry (dist/cli.js, what bin/ loads) runs afresh for each line, as a module
// loaded under a new URL does, with what it writes collected. Starting a process per page costs a Node start each.
// Argument: the lines as a JSON list of argument lists. Output: a JSON list of what each line printed.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const entry = pathToFileURL(path.join(root, 'dist/cli.js')).href;
const lines = JSON.parse(process.argv[2] ?? '[]') as string[][];
const bin = path.join(root, 'bin/connector-setup.js');
const write = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
const printed: { args: string[]; stdout: string; stderr: string }[] = [];
for (const [index, args] of lines.entries()) {
  const line = { args, stdout: '', stderr: '' };
  process.stdout.write = ((chunk: string | Uint8Array) => ((line.stdout += Buffer.from(chunk).toString('utf8')), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((line.stderr += Buffer.from(chunk).toString('utf8')), true)) as typeof process.stderr.write;
  process.argv = [process.execPath, bin, ...args];
  await import(`${entry}?line=${index}`);
  // What the entry added to stdout (its error listener) goes, so each line starts as a new process would.
  process.stdout.removeAllListeners('error');
  printed.push(line);
}
process.stdout.write = write.stdout;
process.stderr.write = write.stderr;
process.stdout.write(JSON.stringify(printed));
