// Measures `verify --all` on 32 saved profiles against a token endpoint that answers in 400 ms, next to the
// same batch one profile at a time (--concurrency 1). Run alone (`node scripts/bench-verify-all.mjs`) or
// call benchVerifyAll() from scripts/bench.mjs. Needs a built dist/ (npm run build) and openssl.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestCertificates } from './test-certificates.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = path.join(root, 'bin/connector-setup.js');
const ENVIRONMENT_ID = 'cd91070f-c371-480e-80b2-753c735f8aa1';

function startSlowTokenServer(certificates, delayMs) {
  let requests = 0;
  const server = https.createServer(
    {
      key: readFileSync(path.join(certificates.directory, 'trusted-server.key')),
      cert: readFileSync(path.join(certificates.directory, 'trusted-server.pem')),
    },
    (request, response) => {
      request.resume();
      request.on('end', () => {
        requests += 1;
        setTimeout(() => {
          const body = JSON.stringify({ access_token: 'bench-token', token_type: 'Bearer', expires_in: 3600 });
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          response.end(body);
        }, delayMs);
      });
    },
  );
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        hostPort: `127.0.0.1:${server.address().port}`,
        requests: () => requests,
        close: () => new Promise((done) => (server.closeAllConnections(), server.close(done))),
      }),
    ),
  );
}

/** The profile files as the CLI writes them (schemaVersion 1, secrets in the 0600 file). */
function seedProfiles(configDir, count, hostPort) {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const now = new Date().toISOString();
  const profiles = {};
  const secrets = {};
  for (let index = 0; index < count; index += 1) {
    const name = `bench-${String(index).padStart(2, '0')}`;
    profiles[name] = {
      values: { clientId: `dddddddd-0000-4000-8000-${String(index).padStart(12, '0')}`, authDomain: hostPort, environmentId: ENVIRONMENT_ID },
      secretStore: 'file',
      createdAt: now,
      updatedAt: now,
      lastVerified: null,
      expiresOn: null,
    };
    secrets[name] = { clientSecret: `bench-secret-${index}` };
  }
  writeFileSync(path.join(configDir, 'profiles.json'), JSON.stringify({ schemaVersion: 1, profiles: { pingone: profiles } }), { mode: 0o600 });
  writeFileSync(path.join(configDir, 'secrets.json'), JSON.stringify({ schemaVersion: 1, secrets: { pingone: secrets } }), { mode: 0o600 });
}

function timeCli(args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Math.round(performance.now() - started);
      if (code !== 0) return reject(new Error(`verify ${args.join(' ')} exited ${code}: ${stdout.slice(0, 500)}`));
      resolve(ms);
    });
  });
}

/** Returns { profiles, delayMs, concurrentMs, sequentialMs, speedup }. */
export async function benchVerifyAll({ profiles = 32, delayMs = 400, concurrency = 8 } = {}) {
  if (!existsSync(path.join(root, 'dist/cli.js'))) throw new Error('dist/ is missing: run npm run build first');
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-verify-'));
  try {
    const certificates = makeTestCertificates(path.join(scratch, 'certs'));
    const server = await startSlowTokenServer(certificates, delayMs);
    try {
      const configDir = path.join(scratch, 'config');
      seedProfiles(configDir, profiles, server.hostPort);
      const env = { ...process.env, CONNECTOR_SETUP_CONFIG_DIR: configDir, NODE_EXTRA_CA_CERTS: certificates.caFile, NO_COLOR: '1' };
      delete env.HTTPS_PROXY;
      delete env.https_proxy;
      const concurrentMs = await timeCli(['verify', '--all', '--json', '--concurrency', String(concurrency)], env);
      const sequentialMs = await timeCli(['verify', '--all', '--json', '--concurrency', '1'], env);
      if (server.requests() !== profiles * 2) throw new Error(`expected ${profiles * 2} token requests, saw ${server.requests()}`);
      return { profiles, delayMs, concurrency, concurrentMs, sequentialMs, speedup: Math.round((sequentialMs / concurrentMs) * 10) / 10 };
    } finally {
      await server.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatVerifyAll(result) {
  return [
    `verify --all, ${result.profiles} profiles, token endpoint answering in ${result.delayMs} ms:`,
    `  concurrent (--concurrency ${result.concurrency}): ${result.concurrentMs} ms (target: under 3000 ms; met: ${result.concurrentMs < 3000 ? 'yes' : 'NO'})`,
    `  sequential (--concurrency 1): ${result.sequentialMs} ms`,
    `  speed-up: ${result.speedup}x`,
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(formatVerifyAll(await benchVerifyAll()));
}
