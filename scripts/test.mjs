// `npm test`: build the CLI, compile the tests, make a throwaway CA, run Jest on the compiled tests
// (native ES modules), and end with one plain summary line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestCertificates } from './test-certificates.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const run = (command, args, env = process.env) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run(process.execPath, ['scripts/build.mjs']);
rmSync(path.join(root, 'build'), { recursive: true, force: true });
run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);

const scratch = path.join(root, '.tmp');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
const certificates = makeTestCertificates(path.join(scratch, 'certs'));
const resultsFile = path.join(scratch, 'jest-results.json');

const jest = spawnSync(
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
      TEST_SCRATCH_DIR: scratch,
    },
  },
);
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed`);
} catch {
  console.log('0 passed, 1 failed');
}
process.exit(jest.status ?? 1);
