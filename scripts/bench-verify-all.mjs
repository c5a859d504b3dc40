// Measures `verify --all --json --junit` over 1,000 saved profiles, as a partner that manages Cyclr connectors for
// many customer tenants has them: 700 PingOne profiles across 6 environments (each behind its own token endpoint,
// as environments in several regions are) and 300 Invenias profiles across 10 tenants (each its own host). Every
// stand-in answers after 100 ms; the Invenias ones count API calls in a fixed 5-minute window of 3000 and answer
// 429 past it (docs/partners.md I-RATE-LIMIT). Next to it, a bare `node` script sending the same requests with
// fetch() at the same concurrency. Reports wall time, peak memory, the most requests any one host saw at once,
// and the 429s. Run alone (`node scripts/bench-verify-all.mjs`, after `npm run build`) or from scripts/bench.mjs.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestCertificates } from './test-certificates.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = path.join(root, 'bin/connector-setup.js');
const rssHook = path.join(root, 'scripts/bench-rss.mjs');
const DELAY_MS = 100;
const PINGONE = { profiles: 700, environments: 6 };
const INVENIAS = { profiles: 300, tenants: 10, callsPerWindow: 3000 };
/** The targets: 6 s, and 120 MB of peak memory (decimal: 120,000,000 bytes, 114.4 MiB). */
const TARGET = { wallMs: 6000, rssBytes: 120_000_000 };
const MiB = 1024 * 1024;
/** What the CLI does by default (verify --concurrency, and per host: src/core/net/host-limits.ts). */
const CONCURRENCY = { overall: 32, perHost: 8 };

/** One stand-in host: answers each request after DELAY_MS; counts requests, the most at once, and 429s. */
function startHost(certificates, answer) {
  const stats = { requests: 0, active: 0, mostAtOnce: 0, tooMany: 0 };
  const server = https.createServer(
    {
      key: readFileSync(path.join(certificates.directory, 'trusted-server.key')),
      cert: readFileSync(path.join(certificates.directory, 'trusted-server.pem')),
    },
    (request, response) => {
      stats.requests += 1;
      stats.active += 1;
      stats.mostAtOnce = Math.max(stats.mostAtOnce, stats.active);
      request.resume();
      request.on('end', () =>
        setTimeout(() => {
          const { status, body, headers = {} } = answer(request);
          if (status === 429) stats.tooMany += 1;
          const text = JSON.stringify(body);
          response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
          response.end(text);
          stats.active -= 1;
        }, DELAY_MS),
      );
    },
  );
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ hostPort: `127.0.0.1:${server.address().port}`, stats, close: () => new Promise((done) => (server.closeAllConnections(), server.close(done))) }),
    ),
  );
}

const token = { status: 200, body: { access_token: 'FAKE-bench-token', token_type: 'Bearer', expires_in: 3600 } };

/** An Invenias tenant: the token endpoint, and GET /api/v1/countries counted against a fixed window of 3000 calls. */
function inveniasAnswer() {
  let left = INVENIAS.callsPerWindow;
  return (request) => {
    if (request.url.startsWith('/identity/connect/token')) return token;
    if (left === 0) return { status: 429, body: { Message: 'Too many requests' } };
    left -= 1;
    return { status: 200, body: { Items: [{ CountryCode: 'GB', CountryName: 'UNITED KINGDOM' }] }, headers: { 'x-request-quota-remaining': String(left) } };
  };
}

/** The profile files as the CLI writes them (schemaVersion 1, secrets in the 0600 file). */
function seedProfiles(configDir, pingoneHosts, inveniasHosts) {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const now = new Date().toISOString();
  const record = (values, expiresOn = null) => ({ values, secretStore: 'file', createdAt: now, updatedAt: now, lastVerified: null, expiresOn });
  const profiles = { pingone: {}, invenias: {} };
  const secrets = { pingone: {}, invenias: {} };
  for (let index = 0; index < PINGONE.profiles; index += 1) {
    const name = `customer-${String(index).padStart(4, '0')}`;
    const environment = index % PINGONE.environments;
    profiles.pingone[name] = record({
      clientId: `dddddddd-0000-4000-8000-${String(index).padStart(12, '0')}`,
      authDomain: pingoneHosts[environment].hostPort,
      environmentId: `cd91070f-c371-480e-80b2-${String(environment).padStart(12, '0')}`,
    });
    secrets.pingone[name] = { clientSecret: `FAKE-bench-secret-${index}` };
  }
  for (let index = 0; index < INVENIAS.profiles; index += 1) {
    const name = `tenant-${String(index).padStart(4, '0')}`;
    const tenant = index % INVENIAS.tenants;
    profiles.invenias[name] = record(
      {
        subdomain: `tenant${tenant}`,
        clientId: `9a0c4e1b-0d6f-4c3e-9a61-${String(index).padStart(12, '0')}`,
        username: `cyclr${index}@tenant${tenant}.example`,
        serviceDomain: 'api.cyclr.com',
        baseUrl: `https://${inveniasHosts[tenant].hostPort}`,
      },
      '2031-01-01T00:00:00.000Z',
    );
    secrets.invenias[name] = { clientSecret: `FAKE-bench-client-secret-${index}`, password: `FAKE-bench-password-${index}` };
  }
  writeFileSync(path.join(configDir, 'profiles.json'), JSON.stringify({ schemaVersion: 1, profiles }, null, 2), { mode: 0o600 });
  writeFileSync(path.join(configDir, 'secrets.json'), JSON.stringify({ schemaVersion: 1, secrets }, null, 2), { mode: 0o600 });
  return { profiles, secrets };
}

/** The same requests from a bare node script with fetch(), at the CLI's concurrency (overall and per host). */
function baselineScript(file) {
  writeFileSync(
    file,
    `const jobs = JSON.parse((await import('node:fs')).readFileSync(process.env.BENCH_JOBS, 'utf8'));
const perHost = new Map();
const queue = [...jobs];
async function limited(host, send) {
  while ((perHost.get(host) ?? 0) >= ${CONCURRENCY.perHost}) await new Promise((resolve) => setTimeout(resolve, 1));
  perHost.set(host, (perHost.get(host) ?? 0) + 1);
  try { return await send(); } finally { perHost.set(host, perHost.get(host) - 1); }
}
const post = (url, form) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
let ok = 0;
async function worker() {
  for (let job = queue.shift(); job; job = queue.shift()) {
    const host = new URL(job.token).host;
    const answer = await limited(host, () => post(job.token, job.form));
    const { access_token } = await answer.json();
    if (job.api) await limited(host, () => fetch(job.api, { headers: { authorization: 'Bearer ' + access_token } }).then((r) => r.json()));
    ok += 1;
  }
}
await Promise.all(Array.from({ length: ${CONCURRENCY.overall} }, worker));
console.log(JSON.stringify({ ok }));
`,
  );
}

function timed(args, env) {
  return new Promise((resolve, reject) => {
    const rssFile = path.join(env.BENCH_SCRATCH, `rss-${process.hrtime.bigint()}`);
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', rssHook, ...args], { env: { ...env, BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Math.round(performance.now() - started);
      const rssMiB = (Number(readFileSync(rssFile, 'utf8').trim()) * 1024) / MiB;
      if (code !== 0) return reject(new Error(`${args.slice(0, 3).join(' ')} exited ${code}: ${stderr.slice(0, 800)}${stdout.slice(0, 400)}`));
      resolve({ ms, rssMiB, stdout });
    });
  });
}

export async function benchVerifyAll() {
  if (!existsSync(path.join(root, 'dist/cli.js'))) throw new Error('dist/ is missing: run npm run build first');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-verify-'));
  const hosts = [];
  try {
    const certificates = makeTestCertificates(path.join(scratch, 'certs'));
    const pingoneHosts = await Promise.all(Array.from({ length: PINGONE.environments }, () => startHost(certificates, () => token)));
    const inveniasHosts = await Promise.all(Array.from({ length: INVENIAS.tenants }, () => startHost(certificates, inveniasAnswer())));
    hosts.push(...pingoneHosts, ...inveniasHosts);
    const configDir = path.join(scratch, 'config');
    const { profiles, secrets } = seedProfiles(configDir, pingoneHosts, inveniasHosts);
    const env = { ...process.env, CONNECTOR_SETUP_CONFIG_DIR: configDir, NODE_EXTRA_CA_CERTS: certificates.caFile, NO_COLOR: '1', BENCH_SCRATCH: scratch };
    for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete env[name];
    const junit = path.join(scratch, 'report.xml');

    const cli = await timed([bin, 'verify', '--all', '--json', '--junit', junit], env);
    const document = JSON.parse(cli.stdout);
    const passed = document.results.filter((result) => result.ok).length;
    const testcases = (readFileSync(junit, 'utf8').match(/<testcase /g) ?? []).length;
    const seen = hosts.map((host) => ({ ...host.stats }));
    for (const host of hosts) Object.assign(host.stats, { requests: 0, mostAtOnce: 0, tooMany: 0 });

    const jobs = [
      ...Object.entries(profiles.pingone).map(([name, { values }]) => ({
        token: `https://${values.authDomain}/${values.environmentId}/as/token`,
        form: { grant_type: 'client_credentials', client_id: values.clientId, client_secret: secrets.pingone[name].clientSecret },
      })),
      ...Object.entries(profiles.invenias).map(([name, { values }]) => ({
        token: `${values.baseUrl}/identity/connect/token`,
        form: { grant_type: 'password', client_id: values.clientId, client_secret: secrets.invenias[name].clientSecret, username: values.username, password: secrets.invenias[name].password },
        api: `${values.baseUrl}/api/v1/countries`,
      })),
    ];
    const baseline = path.join(scratch, 'baseline.mjs');
    baselineScript(baseline);
    const jobsFile = path.join(scratch, 'jobs.json');
    writeFileSync(jobsFile, JSON.stringify(jobs));
    const bare = await timed([baseline], { ...env, BENCH_JOBS: jobsFile });
    return {
      profiles: PINGONE.profiles + INVENIAS.profiles,
      passed,
      testcases,
      ms: cli.ms,
      rssMiB: cli.rssMiB,
      bareMs: bare.ms,
      bareRssMiB: bare.rssMiB,
      mostAtOnce: Math.max(...seen.map((stats) => stats.mostAtOnce)),
      tooMany: seen.reduce((sum, stats) => sum + stats.tooMany, 0),
      requests: seen.reduce((sum, stats) => sum + stats.requests, 0),
    };
  } finally {
    await Promise.all(hosts.map((host) => host.close()));
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A peak in both units, so a figure is never read against a target in the other: "122 MiB = 128 MB". */
function memory(mib) {
  return `${mib.toFixed(0)} MiB = ${((mib * MiB) / 1e6).toFixed(0)} MB`;
}

export function formatVerifyAll(result) {
  const met = (ok) => (ok ? 'yes' : 'NO');
  return [
    `verify --all --json --junit, ${result.profiles} profiles (${PINGONE.profiles} PingOne over ${PINGONE.environments} hosts, ${INVENIAS.profiles} Invenias over ${INVENIAS.tenants} tenants), stand-ins answering in ${DELAY_MS} ms:`,
    `  passed ${result.passed}/${result.profiles}, ${result.requests} requests, JUnit testcases ${result.testcases}`,
    `  wall ${result.ms} ms (bare node + fetch(), same requests and concurrency: ${result.bareMs} ms; ratio ${(result.ms / result.bareMs).toFixed(2)}x); target under ${TARGET.wallMs} ms: ${met(result.ms < TARGET.wallMs)}`,
    `  peak memory ${memory(result.rssMiB)} (bare: ${memory(result.bareRssMiB)}; ratio ${(result.rssMiB / result.bareRssMiB).toFixed(2)}x); target under ${TARGET.rssBytes / 1e6} MB (${(TARGET.rssBytes / MiB).toFixed(1)} MiB): ${met(result.rssMiB * MiB < TARGET.rssBytes)}`,
    `  most requests at once to one host: ${result.mostAtOnce} (bound ${CONCURRENCY.perHost}): ${met(result.mostAtOnce <= CONCURRENCY.perHost)}; 429s earned: ${result.tooMany}: ${met(result.tooMany === 0)}`,
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatVerifyAll(await benchVerifyAll()));
}
