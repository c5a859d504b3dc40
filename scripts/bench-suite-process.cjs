// Loaded into every Node process of a timed `npm test` (NODE_OPTIONS=--require, set by scripts/bench-suite.mjs only):
// at exit each one appends one line to BENCH_SUITE_RECORD with what it ran and the CPU it used, all its threads
// included. A process killed by a signal writes nothing, and processes that are not Node (shells, gpg, dbus) are not
// seen, so what the bench adds up is a floor, never more than what was spent. A line holds the script's path and the
// CPU seconds, and for npm its command (`test` is the run itself; `pack` and `install` are the tarball test's): no
// other argument and no environment.
'use strict';
const { appendFileSync } = require('node:fs');

const record = process.env.BENCH_SUITE_RECORD;
if (record) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    const script = process.argv[1] ?? '';
    const npmCommand = /[\\/]npm(-cli\.js)?$/.test(script) ? process.argv[2] : undefined;
    const line = JSON.stringify({ script, npmCommand, cpuS: (user + system) / 1e6 });
    try {
      appendFileSync(record, `${line}\n`);
    } catch {
      // A process whose exit cannot be recorded is left out: the sum stays a floor.
    }
  });
}
