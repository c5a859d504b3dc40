// Measures `npm test` as CI and a new contributor meet it: in a fresh clone of HEAD, with nothing built and no
// .tmp/ left from an earlier run. node_modules is hard-linked from this checkout (what `npm ci` would put there,
// without the network), so only the test command is timed. Reports wall time and the CPU time of everything it
// ran (on Linux), and where that CPU went: every Node process of the run records its own at exit
// (scripts/bench-suite-process.cjs), so the bench can say what Jest's workers used, what the processes the tests start
// (the CLI in a terminal, completion, stand-in tools) used, and so the least wall time those processes alone allow on
// this machine's cores. Run alone (`node scripts/bench-suite.mjs`) or from scripts/bench.mjs; BENCH_SUITE=0 skips it
// there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TARGET_S = 20;
const cores = os.availableParallelism?.() ?? os.cpus().length;

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
    const record = path.join(scratch, 'processes.jsonl');
    const preload = path.join(root, 'scripts', 'bench-suite-process.cjs');
    const cpuBefore = childrenCpuSeconds();
    const started = process.hrtime.bigint();
    const run = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['test'], {
      cwd: clone,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
      env: {
        ...process.env,
        CI: 'true',
        BENCH_SUITE_RECORD: record,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(preload)}`.trim(),
      },
    });
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuAfter = childrenCpuSeconds();
    const summary = run.stdout.trim().split('\n').at(-1) ?? '';
    return {
      commit,
      wallS,
      cpuS: cpuBefore === undefined ? undefined : cpuAfter - cpuBefore,
      summary,
      ok: run.status === 0,
      processes: existsSync(record) ? whereTheCpuWent(readFileSync(record, 'utf8')) : undefined,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The recorded Node processes in three groups: Jest's workers (jest-worker's processChild.js), the test command's own
 * (`npm test`, scripts/test.mjs and build.mjs, tsc, Jest's parent), and the rest, which the tests started: among them
 * the CLI (bin/connector-setup.js, or the bundle in dist/ run directly), and others such as stand-in tools and the
 * tarball test's npm pack and install.
 */
function whereTheCpuWent(lines) {
  const groups = { workers: { count: 0, cpuS: 0 }, command: { count: 0, cpuS: 0 }, cli: { count: 0, cpuS: 0 }, other: { count: 0, cpuS: 0 } };
  for (const line of lines.split('\n')) {
    if (!line) continue;
    const { script, npmCommand, cpuS } = JSON.parse(line);
    const file = script.replaceAll('\\', '/');
    const group = file.endsWith('/processChild.js')
      ? groups.workers
      : (/\/npm(-cli\.js)?$/.test(file) && npmCommand === 'test') || /\/(scripts\/test\.mjs|scripts\/build\.mjs|jest\/bin\/jest\.js|typescript\/bin\/tsc)$/.test(file)
        ? groups.command
        : /(\/bin\/connector-setup(\.js)?|\/dist\/[^/]+\.js)$/.test(file)
          ? groups.cli
          : groups.other;
    group.count += 1;
    group.cpuS += cpuS;
  }
  return groups;
}

export function formatSuite(result) {
  const cpu = result.cpuS === undefined ? '' : `, ${result.cpuS.toFixed(0)} CPU-s (${(result.cpuS / result.wallS).toFixed(2)} of ${cores} cores busy)`;
  return [
    `npm test in a fresh clone of ${result.commit} (CI=true; node_modules hard-linked from this checkout):`,
    `  ${result.summary}${result.ok ? '' : ' (the suite did not pass: the time says little)'}`,
    `  wall ${result.wallS.toFixed(1)} s${cpu}; target under ${TARGET_S} s: ${result.ok && result.wallS < TARGET_S ? 'yes' : 'NO'}`,
    ...formatProcesses(result.processes),
  ].join('\n');
}

/** Where the CPU went, and the least wall time the processes the tests start allow on this machine's cores. */
function formatProcesses(groups) {
  if (!groups) return [];
  const { workers, command, cli, other } = groups;
  const started = { count: cli.count + other.count, cpuS: cli.cpuS + other.cpuS };
  const cpu = (group) => `${group.cpuS.toFixed(1)} CPU-s`;
  return [
    '  where the CPU of its Node processes went (each recorded at its exit):',
    `    Jest's ${workers.count} worker process${workers.count === 1 ? '' : 'es'} (the tests that run in-process, and Jest itself): ${cpu(workers)}`,
    `    ${started.count} Node processes the tests started: ${cpu(started)}, of them ${cli.count} runs of the CLI ${cpu(cli)} and ${other.count} others (stand-in tools, npm pack and install) ${cpu(other)}`,
    `    the test command's own (npm test, the build, tsc, Jest's parent): ${cpu(command)}`,
    `  floor: the processes the tests start need ${cpu(started)}; on ${cores} cores no run can take less than ${(started.cpuS / cores).toFixed(1)} s,`,
    '  even with a test runner that cost nothing (shells, gpg and D-Bus, not Node, are not counted: the floor is low if anything)',
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(formatSuite(benchSuite()));
