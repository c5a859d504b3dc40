// `npm run bench`: start-up and verify speed of the built CLI next to a bare `node` process doing the same
// work, measured side by side in one run (warm-up, then alternating A/B pairs; medians of per-pair ratios).
// Then the cold install through npx next to a one-file package, and the package's size. Prints; asserts nothing.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchColdInstall, formatColdInstall, installedPackages, pack } from './bench-cold-install.mjs';
import { makeTestCertificates } from './test-certificates.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = path.join(root, 'bin/connector-setup.js');
const rssHook = path.join(root, 'scripts/bench-rss.mjs');
const PAIRS = Number(process.env.BENCH_PAIRS ?? 15);
const WARMUP = 3;

// Measure what the sources say now, not a stale dist/.
execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit' });

const scratch = mkdtempSync(path.join(os.tmpdir(), 'connector-setup-bench-'));
const certificates = makeTestCertificates(path.join(scratch, 'certs'));
const ENVIRONMENT_ID = 'cd91070f-c371-480e-80b2-753c735f8aa1';
const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
const CLIENT_SECRET = 'FAKE-bench-secret-0001';

/** A token endpoint answering as PingOne does on success, after `delayMs`. */
function startTokenServer(delayMs = 0) {
  const server = https.createServer(
    {
      key: readFileSync(path.join(certificates.directory, 'trusted-server.key')),
      cert: readFileSync(path.join(certificates.directory, 'trusted-server.pem')),
    },
    (request, response) => {
      request.resume();
      request.on('end', () =>
        setTimeout(() => {
          const body = JSON.stringify({ access_token: 'FAKE-bench-token', token_type: 'Bearer', expires_in: 3600 });
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          response.end(body);
        }, delayMs),
      );
    },
  );
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function run(args, env = {}) {
  const rssFile = path.join(scratch, `rss-${process.hrtime.bigint()}`);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', rssHook, ...args], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certificates.caFile, NO_COLOR: '1', BENCH_RSS_FILE: rssFile, ...env },
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      let rssKiB = NaN;
      try {
        rssKiB = Number(readFileSync(rssFile, 'utf8').trim());
        rmSync(rssFile);
      } catch {}
      resolve({ code, ms, rssKiB });
    });
  });
}

/**
 * A process started as a user starts it: no --import memory probe (its ESM loader adds ~10-15 ms to each start) and
 * no NODE_EXTRA_CA_CERTS, unless `withCa`: on Node 20 any extra CA file costs ~20 ms at start-up, since Node builds
 * its root store eagerly then, and a command that opens no TLS connection has no use for it.
 */
function runAsUser(args, env = {}, { withCa = false } = {}) {
  const started = process.hrtime.bigint();
  const { NODE_EXTRA_CA_CERTS: _ignored, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...inherited, NO_COLOR: '1', ...env, ...(withCa ? { NODE_EXTRA_CA_CERTS: certificates.caFile } : {}) },
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Alternating pairs (A/B, then B/A) so drift in the machine's load hits both sides alike. */
async function compare(name, floorName, target, cli, floor, { memoryTarget } = {}) {
  for (let index = 0; index < WARMUP; index += 1) {
    await cli();
    await floor();
  }
  const timeRatios = [];
  const memoryRatios = [];
  const cliTimes = [];
  const floorTimes = [];
  for (let index = 0; index < PAIRS; index += 1) {
    const [a, b] = index % 2 === 0 ? [await cli(), await floor()] : (([f, c]) => [c, f])([await floor(), await cli()]);
    if (a.code !== 0 || b.code !== 0) throw new Error(`${name}: exit codes ${a.code} / ${b.code}`);
    timeRatios.push(a.ms / b.ms);
    memoryRatios.push(a.rssKiB / b.rssKiB);
    cliTimes.push(a.ms);
    floorTimes.push(b.ms);
  }
  const rows = [
    {
      what: name,
      floor: floorName,
      cli: `${median(cliTimes).toFixed(1)} ms`,
      base: `${median(floorTimes).toFixed(1)} ms`,
      ratio: median(timeRatios),
      target,
    },
  ];
  if (memoryTarget) {
    rows.push({ what: `${name} (peak memory)`, floor: floorName, cli: '', base: '', ratio: median(memoryRatios), target: memoryTarget });
  }
  return rows;
}

function printTable(rows) {
  const lines = [['what', 'compared with', 'CLI', 'floor', 'ratio (median)', 'target', 'met']];
  for (const row of rows) {
    lines.push([row.what, row.floor, row.cli, row.base, `${row.ratio.toFixed(2)}x`, `<= ${row.target}x`, row.ratio <= row.target ? 'yes' : 'NO']);
  }
  const widths = lines[0].map((_, column) => Math.max(...lines.map((line) => line[column].length)));
  for (const line of lines) console.log(line.map((cell, column) => cell.padEnd(widths[column])).join('  '));
}

const baselineFetch = path.join(scratch, 'baseline-fetch.mjs');
writeFileSync(
  baselineFetch,
  `const [url, id] = process.argv.slice(2);
const response = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: process.env.PINGONE_CLIENT_SECRET }),
});
const body = await response.json();
console.log(JSON.stringify({ ok: response.ok && typeof body.access_token === 'string' }));
`,
);

const server = await startTokenServer();
const hostPort = `127.0.0.1:${server.address().port}`;
const configDir = path.join(scratch, 'config');
const verifyEnv = {
  PINGONE_CLIENT_SECRET: CLIENT_SECRET,
  PINGONE_CLIENT_ID: CLIENT_ID,
  PINGONE_AUTH_DOMAIN: hostPort,
  PINGONE_ENVIRONMENT_ID: ENVIRONMENT_ID,
  CONNECTOR_SETUP_CONFIG_DIR: configDir,
};
const bare = () => run(['-e', '0']);

console.log(`connector-setup bench: ${PAIRS} alternating pairs after ${WARMUP} warm-up runs each, node ${process.version}, ${os.cpus().length} cores\n`);
const rows = [
  ...(await compare('connector-setup --version', 'node -e 0', 1.3, () => run([bin, '--version']), bare)),
  ...(await compare('connector-setup --help', 'node -e 0', 1.2, () => run([bin, '--help']), bare)),
  ...(await compare('connector-setup pingone --help', 'node -e 0', 1.2, () => run([bin, 'pingone', '--help']), bare)),
  ...(await compare('connector-setup invenias --help', 'node -e 0', 1.2, () => run([bin, 'invenias', '--help']), bare)),
  ...(await compare(
    'pingone --verify --json',
    'node + fetch() script',
    1.3,
    () => run([bin, 'pingone', '--verify', '--json'], verifyEnv),
    () => run([baselineFetch, `https://${hostPort}/${ENVIRONMENT_ID}/as/token`, CLIENT_ID], verifyEnv),
    { memoryTarget: 1.3 },
  )),
];
server.close();
printTable(rows);
console.log();
console.log(
  'Profile store rows: each process as a user starts it, without the memory probe and without NODE_EXTRA_CA_CERTS (these commands open no TLS connection); the two indented rows set it to the bench CA, as the test suite does.',
);
printAbsolute(await benchProfileStore());
console.log();
const { benchVerifyAll, formatVerifyAll } = await import('./bench-verify-all.mjs');
console.log(formatVerifyAll(await benchVerifyAll()));
console.log();
console.log(formatColdInstall(await benchColdInstall()));
console.log();
reportPackageSize();
rmSync(scratch, { recursive: true, force: true });
if (process.env.BENCH_SUITE !== '0') {
  console.log();
  const { benchSuite, formatSuite } = await import('./bench-suite.mjs');
  console.log(formatSuite(benchSuite()));
}

/** What a user downloads: the tarball, and what a production install of it brings in. */
function reportPackageSize() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const packDir = path.join(scratch, 'pack');
  mkdirSync(packDir);
  const packed = pack(root, packDir);
  console.log(`npm pack: ${(packed.size / 1024).toFixed(1)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${packed.entryCount} files`);
  const installDir = path.join(scratch, 'install');
  mkdirSync(installDir);
  writeFileSync(path.join(installDir, 'package.json'), '{"name":"bench-install","private":true}');
  try {
    execFileSync(npm, ['install', '--omit=dev', '--no-audit', '--no-fund', packed.file], { cwd: installDir, stdio: 'ignore', shell: process.platform === 'win32' });
  } catch {
    console.log('production install: could not be measured (npm install failed)');
    return;
  }
  const modules = path.join(installDir, 'node_modules');
  const size = (target) => {
    const stat = statSync(target);
    return stat.isDirectory() ? readdirSync(target).reduce((sum, entry) => sum + size(path.join(target, entry)), 0) : stat.size;
  };
  const packages = installedPackages(modules);
  console.log(`production install: ${packages.length} package${packages.length === 1 ? '' : 's'}, ${(size(modules) / 1024 / 1024).toFixed(1)} MB in node_modules`);
  for (const directory of packages) {
    console.log(`  ${path.relative(modules, directory).padEnd(32)} ${(size(directory) / 1024).toFixed(0).padStart(6)} KiB`);
  }
}

/**
 * 1,000 saved profiles (700 PingOne, 300 Invenias): opening the store for one profile, `profiles list`, and a Tab
 * press completing a profile name in bash (through the script `completion bash` prints), each in wall time.
 */
async function benchProfileStore() {
  const directory = path.join(scratch, 'store-1000');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const now = new Date().toISOString();
  const record = (values, expiresOn = null) => ({ values, secretStore: 'file', createdAt: now, updatedAt: now, lastVerified: null, expiresOn });
  const profiles = { pingone: {}, invenias: {} };
  const secrets = { pingone: {}, invenias: {} };
  for (let index = 0; index < 701; index += 1) {
    const name = `customer-${String(index).padStart(4, '0')}`;
    profiles.pingone[name] = record({ clientId: `dddddddd-0000-4000-8000-${String(index).padStart(12, '0')}`, authDomain: 'auth.pingone.eu', environmentId: ENVIRONMENT_ID });
    secrets.pingone[name] = { clientSecret: `FAKE-bench-secret-${index}` };
  }
  for (let index = 0; index < 300; index += 1) {
    const name = `tenant-${String(index).padStart(4, '0')}`;
    profiles.invenias[name] = record({ subdomain: `tenant${index % 10}`, clientId: `9a0c4e1b-0d6f-4c3e-9a61-${String(index).padStart(12, '0')}`, username: `cyclr${index}@example.com`, serviceDomain: 'api.cyclr.com' }, '2031-01-01T00:00:00.000Z');
    secrets.invenias[name] = { clientSecret: `FAKE-bench-client-secret-${index}`, password: `FAKE-bench-password-${index}` };
  }
  writeFileSync(path.join(directory, 'profiles.json'), JSON.stringify({ schemaVersion: 1, profiles }, null, 2), { mode: 0o600 });
  writeFileSync(path.join(directory, 'secrets.json'), JSON.stringify({ schemaVersion: 1, secrets }, null, 2), { mode: 0o600 });
  const env = { CONNECTOR_SETUP_CONFIG_DIR: directory, CONNECTOR_SETUP_SECRET_STORE: 'file' };
  // A removal through the tool leaves 1,000 profiles and writes the names file as every save does.
  const removed = await run([bin, 'profiles', 'remove', 'pingone', 'customer-0700', '--yes'], env);
  if (removed.code !== 0) throw new Error('profiles remove failed in the bench');
  // `connector-setup` on PATH, as an installed package puts it there: what the script runs when it asks the tool.
  const shims = path.join(scratch, 'bin');
  mkdirSync(shims, { recursive: true });
  writeFileSync(path.join(shims, 'connector-setup'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} "$@"\n`, { mode: 0o755 });
  const script = path.join(scratch, 'completion.bash');
  writeFileSync(script, execFileSync(process.execPath, [bin, 'completion', 'bash'], { encoding: 'utf8' }));
  const bashRun = (body) => () =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const child = spawn('bash', ['--norc', '--noprofile', '-c', body], { stdio: 'ignore', env: { ...process.env, ...env, PATH: `${shims}${path.delimiter}${process.env.PATH}` } });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
  const tab = bashRun(`source ${script}; COMP_WORDS=(connector-setup profiles show pingone cust); COMP_CWORD=4; _connector_setup; (( \${#COMPREPLY[@]} == 700 ))`);
  const show = ['profiles', 'show', 'pingone', 'customer-0500'];
  const list = ['profiles', 'list'];
  const withCa = { withCa: true };
  return [
    await absolute('profiles show pingone customer-0500 (opens the store)', 'node -e 0', 150, () => runAsUser([bin, ...show], env), () => runAsUser(['-e', '0'])),
    await absolute('profiles list, 1,000 profiles', 'node -e 0', 150, () => runAsUser([bin, ...list], env), () => runAsUser(['-e', '0'])),
    await absolute('  the same with NODE_EXTRA_CA_CERTS: profiles show', 'node -e 0, CA too', 150, () => runAsUser([bin, ...show], env, withCa), () => runAsUser(['-e', '0'], {}, withCa)),
    await absolute('  the same with NODE_EXTRA_CA_CERTS: profiles list', 'node -e 0, CA too', 150, () => runAsUser([bin, ...list], env, withCa), () => runAsUser(['-e', '0'], {}, withCa)),
    await absolute('Tab: profile names in bash, 1,000 profiles', 'bash -c true', 100, tab, bashRun('true')),
  ];
}

/** Median wall time of `cli` against a target in milliseconds, beside its floor, alternating as compare() does. */
async function absolute(what, floorName, targetMs, cli, floor) {
  for (let index = 0; index < WARMUP; index += 1) await Promise.all([cli(), floor()].map((pending) => pending));
  const times = [];
  const floors = [];
  for (let index = 0; index < PAIRS; index += 1) {
    const [a, b] = index % 2 === 0 ? [await cli(), await floor()] : (([f, c]) => [c, f])([await floor(), await cli()]);
    if (a.code !== 0 || b.code !== 0) throw new Error(`${what}: exit codes ${a.code} / ${b.code}`);
    times.push(a.ms);
    floors.push(b.ms);
  }
  return { what, floorName, ms: median(times), floorMs: median(floors), targetMs };
}

function printAbsolute(rows) {
  const lines = [['what', 'compared with', 'CLI', 'floor', 'ratio', 'target', 'met']];
  for (const row of rows) {
    lines.push([row.what, row.floorName, `${row.ms.toFixed(1)} ms`, `${row.floorMs.toFixed(1)} ms`, `${(row.ms / row.floorMs).toFixed(2)}x`, `< ${row.targetMs} ms`, row.ms < row.targetMs ? 'yes' : 'NO']);
  }
  const widths = lines[0].map((_, column) => Math.max(...lines.map((line) => line[column].length)));
  for (const line of lines) console.log(line.map((cell, column) => cell.padEnd(widths[column])).join('  '));
}
