// Measures `npm test` as CI and a new contributor meet it: in a fresh clone of HEAD, with nothing built and no
// .tmp/ left from an earlier run. node_modules is hard-linked from this checkout (what `npm ci` would put there,
// without the network), so only the test command is timed. Reports wall time and the CPU time of everything it
// ran (on Linux). Run alone (`node scripts/bench-suite.mjs`) or from scripts/bench.mjs; BENCH_SUITE=0 skips it there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TARGET_S = 20;

/** The kernel's clock ticks per second, in which /proc reports CPU time. */
function ticksPerSecond() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** CPU seconds of this process's children that have been waited for (Linux: utime and stime of /proc/self/stat). */
function childrenCpuSeconds() {
  if (!existsSync('/proc/self/stat')) return undefined;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command's closing parenthesis; cutime and cstime are the 16th and 17th of the line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond();
}

export function benchSuite() {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'connector-setup-suite-'));
  const clone = path.join(scratch, 'clone');
  try {
    execFileSync('git', ['clone', '--quiet', '--no-local', root, clone], { stdio: 'ignore' });
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim();
    execFileSync('cp', ['-al', path.join(root, 'node_modules'), path.join(clone, 'node_modules')]);
    const cpuBefore = childrenCpuSeconds();
    const started = process.hrtime.bigint();
    const run = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['test'], {
      cwd: clone,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
      env: { ...process.env, CI: 'true' },
    });
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuAfter = childrenCpuSeconds();
    const summary = run.stdout.trim().split('\n').at(-1) ?? '';
    return { commit, wallS, cpuS: cpuBefore === undefined ? undefined : cpuAfter - cpuBefore, summary, ok: run.status === 0 };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatSuite(result) {
  const cpu = result.cpuS === undefined ? '' : `, ${result.cpuS.toFixed(0)} CPU-s (${(result.cpuS / result.wallS).toFixed(2)} of ${os.cpus().length} cores busy)`;
  return [
    `npm test in a fresh clone of ${result.commit} (CI=true; node_modules hard-linked from this checkout):`,
    `  ${result.summary}${result.ok ? '' : ' (the suite did not pass: the time says little)'}`,
    `  wall ${result.wallS.toFixed(1)} s${cpu}; target under ${TARGET_S} s: ${result.ok && result.wallS < TARGET_S ? 'yes' : 'NO'}`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(formatSuite(benchSuite()));
