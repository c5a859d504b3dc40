// Tests are transpiled into build/ first (scripts/test.mjs), then run as native ES modules.
export default {
  rootDir: 'build',
  testMatch: ['<rootDir>/tests/**/*.test.js'],
  transform: {},
  // Node's, with an ordinary global object: reads of globals in the code under test cost what they cost outside Jest.
  testEnvironment: '<rootDir>/../scripts/jest-environment.mjs',
  testTimeout: 60000,
  // One worker per core: the suite is CPU-bound (1.8 of this machine's 2 cores busy), so a third worker here gained
  // nothing (measured 2026-12-07), and a fixed 2 would leave half of a 4-core runner idle. Four workers on 2 cores
  // passed too, so the tests do not lean on how many run at once.
  maxWorkers: '100%',
  // A worker that has finished takes a while to be gone when the machine is loaded: measured 2026-11-24 under a
  // second full run, a worker's exit event came 1-12 ms after Jest told it to end (nothing kept it alive), but the
  // process was gone only after 360-800 ms, past Jest's 500 ms, which Jest then reports as a leak. A real leak
  // (a handle keeping a worker alive) is still reported, after 5 s.
  workerGracefulExitTimeout: 5000,
};
