// `npm test`: build the CLI, transpile the tests (and the sources they import) into build/, make a throwaway CA,
// run Jest on the compiled tests (native ES modules) while tsc type-checks everything beside it, and end with one
// plain summary line. A type error fails the run like a failing test.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { makeTestCertificates } from './test-certificates.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const run = (command, args, env = process.env) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

/** Every .ts file under a directory, as paths relative to the root. */
function typeScriptFiles(directory) {
  return readdirSync(path.join(root, directory), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

run(process.execPath, ['scripts/build.mjs']);
rmSync(path.join(root, 'build'), { recursive: true, force: true });
// One file in, one file out, types stripped: what tsc would emit (tsconfig's isolatedModules and
// verbatimModuleSyntax guarantee a file compiles alone), in a fraction of the time. tsc checks the types below.
await build({
  absWorkingDir: root,
  entryPoints: [...typeScriptFiles('src'), ...typeScriptFiles('tests')],
  outdir: path.join(root, 'build'),
  outbase: root,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
  logLevel: 'warning',
  // As the bundle has it (scripts/build.mjs), so a run in-process prints the same version as bin/.
  define: { __VERSION__: JSON.stringify(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version) },
});
const typeCheck = new Promise((resolve) => {
  const tsc = spawn(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  tsc.stdout.on('data', (chunk) => (output += chunk));
  tsc.stderr.on('data', (chunk) => (output += chunk));
  tsc.on('close', (code) => resolve({ ok: code === 0, output }));
});

const scratch = path.join(root, '.tmp');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
// What the tests write (config directories, keyrings, sockets) goes to a RAM file system when the machine has one,
// one directory per checkout: every profile save fsyncs, and on this machine's disk an fsync waits ~3 ms
// (hostile-echo alone made 1,062 of them); nothing in the tests is about what reaches the disk. The name is short:
// terminal tests expect a config directory's path to fit on a 60-column row.
const ramDisk = '/dev/shm';
const testFiles = existsSync(ramDisk)
  ? path.join(ramDisk, `cs-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`)
  : path.join(scratch, 'files');
rmSync(testFiles, { recursive: true, force: true });
mkdirSync(testFiles, { recursive: true });
const certificates = makeTestCertificates(path.join(scratch, 'certs'));
const resultsFile = path.join(scratch, 'jest-results.json');

const jest = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--no-warnings=ExperimentalWarning',
      path.join(root, 'node_modules/jest/bin/jest.js'),
      '--json',
      `--outputFile=${resultsFile}`,
      ...process.argv.slice(2),
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: certificates.caFile,
        TEST_CERT_DIR: certificates.directory,
        TEST_SCRATCH_DIR: testFiles,
      },
    },
  );
  child.on('close', (status) => resolve({ status }));
});
const types = await typeCheck;
// The RAM file system is memory: nothing the tests wrote is left there after the run (the disk fallback stays for a look).
if (testFiles.startsWith(ramDisk)) {
  try {
    rmSync(testFiles, { recursive: true, force: true });
  } catch (error) {
    process.stderr.write(`Could not remove ${testFiles}: ${error.message}\n`);
  }
}
if (!types.ok) process.stdout.write(`\nType check (tsc --noEmit) failed:\n${types.output}`);
/**
 * Passed and failed counts for the summary line. A test file that failed to run (its suite threw while loading,
 * a helper crashed) has no assertions of its own, so it counts as one failure: the line must never read
 * "0 failed" when Jest did not pass.
 */
function summarise(results, jestPassed) {
  const filesThatDidNotRun = results.testResults.filter(
    (file) => file.failureMessage && file.assertionResults.every((test) => test.status !== 'failed'),
  ).length;
  const failed = results.numFailedTests + Math.max(filesThatDidNotRun, results.numRuntimeErrorTestSuites ?? 0);
  return { passed: results.numPassedTests, failed: failed === 0 && !jestPassed ? 1 : failed };
}

let summary;
try {
  summary = summarise(JSON.parse(readFileSync(resultsFile, 'utf8')), jest.status === 0);
} catch {
  summary = { passed: 0, failed: 1 };
}
if (!types.ok) summary.failed += 1;
console.log(`${summary.passed} passed, ${summary.failed} failed`);
process.exit(jest.status === 0 && summary.failed === 0 ? 0 : (jest.status || 1));
