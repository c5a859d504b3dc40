// Measures what a user with an empty npm cache waits for: `npx --package <tarball> connector-setup --version`,
// next to the same for a one-file package with no dependencies (the floor: npm's own start-up and unpacking).
// Each run gets a fresh --cache directory, so the keyring is fetched from whatever registry npm is configured
// with, as on a new laptop or CI runner. Run alone (`node scripts/bench-cold-install.mjs`) or call
// benchColdInstall() from scripts/bench.mjs. Needs a built dist/ and access to the registry.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// npm's own launchers are .cmd files on Windows, which Node runs only through a shell.
const onWindows = process.platform === 'win32';
const npmCommand = (name, args, options) =>
  execFileSync(onWindows ? `${name}.cmd` : name, args, { shell: onWindows, encoding: 'utf8', ...options });

/** Packs a directory into `destination`; returns the tarball's path and npm's figures for it. */
export function pack(directory, destination) {
  const [packed] = JSON.parse(npmCommand('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: directory, stdio: ['ignore', 'pipe', 'ignore'] }));
  return { ...packed, file: path.join(destination, packed.filename) };
}

/** Every package directory under a node_modules tree, nested ones included. */
export function installedPackages(modules) {
  const packages = [];
  const walk = (directory) => {
    let entries;
    try {
      entries = readdirSync(directory);
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(directory, entry);
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) walk(full);
      else if (statSync(full).isDirectory()) {
        packages.push(full);
        walk(path.join(full, 'node_modules'));
      }
    }
  };
  walk(modules);
  return packages;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** One `npx` run with a cache directory of its own; returns its time and the packages npx installed. */
function coldRun(scratch, tarball, command) {
  const cache = mkdtempSync(path.join(scratch, 'cache-'));
  const started = process.hrtime.bigint();
  const output = npmCommand('npx', ['--yes', '--cache', cache, '--package', tarball, command, '--version'], {
    cwd: scratch,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const npxDirectory = path.join(cache, '_npx');
  const packages = readdirSync(npxDirectory).flatMap((hash) => installedPackages(path.join(npxDirectory, hash, 'node_modules')));
  rmSync(cache, { recursive: true, force: true });
  return { ms, packages: packages.length, output: output.trim() };
}

export async function benchColdInstall({ runs = Number(process.env.BENCH_COLD_RUNS ?? 5) } = {}) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'connector-setup-cold-'));
  try {
    const tarballs = path.join(scratch, 'tarballs');
    mkdirSync(tarballs);
    const packed = pack(root, tarballs);
    const floorDirectory = path.join(scratch, 'floor');
    mkdirSync(floorDirectory);
    writeFileSync(
      path.join(floorDirectory, 'package.json'),
      JSON.stringify({ name: 'cold-install-floor', version: '1.0.0', bin: { 'cold-install-floor': 'cli.js' } }),
    );
    writeFileSync(path.join(floorDirectory, 'cli.js'), "#!/usr/bin/env node\nconsole.log('1.0.0');\n");
    const floor = pack(floorDirectory, tarballs);

    const cli = () => coldRun(scratch, packed.file, 'connector-setup');
    const bare = () => coldRun(scratch, floor.file, 'cold-install-floor');
    const ratios = [];
    const cliTimes = [];
    const floorTimes = [];
    let cliPackages = 0;
    let floorPackages = 0;
    // Alternating pairs, as in bench.mjs, so drift in the machine's or the network's load hits both sides.
    for (let index = 0; index < runs; index += 1) {
      const [a, b] = index % 2 === 0 ? [cli(), bare()] : (([f, c]) => [c, f])([bare(), cli()]);
      if (!/^\d+\.\d+\.\d+/.test(a.output)) throw new Error(`connector-setup --version printed ${JSON.stringify(a.output)}`);
      ratios.push(a.ms / b.ms);
      cliTimes.push(a.ms);
      floorTimes.push(b.ms);
      cliPackages = Math.max(cliPackages, a.packages);
      floorPackages = Math.max(floorPackages, b.packages);
    }
    return { runs, tarballKiB: packed.size / 1024, cliMs: median(cliTimes), floorMs: median(floorTimes), ratio: median(ratios), cliPackages, floorPackages };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export const COLD_INSTALL_TARGET = { ratio: 1.5, packages: 4 };

export function formatColdInstall(result) {
  const met = result.ratio <= COLD_INSTALL_TARGET.ratio && result.cliPackages <= COLD_INSTALL_TARGET.packages;
  return [
    `cold install (npx --package <tarball> with an empty cache, median of ${result.runs} alternating pairs; registry: ${registry()}):`,
    `  connector-setup --version   ${result.cliMs.toFixed(0).padStart(6)} ms, ${result.cliPackages} package${result.cliPackages === 1 ? '' : 's'} installed (tarball ${result.tarballKiB.toFixed(1)} KiB)`,
    `  one-file package (floor)    ${result.floorMs.toFixed(0).padStart(6)} ms, ${result.floorPackages} package installed`,
    `  ratio ${result.ratio.toFixed(2)}x (target <= ${COLD_INSTALL_TARGET.ratio}x, <= ${COLD_INSTALL_TARGET.packages} packages): ${met ? 'met' : 'NOT met'}`,
  ].join('\n');
}

function registry() {
  return npmCommand('npm', ['config', 'get', 'registry'], { stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(formatColdInstall(await benchColdInstall()));
