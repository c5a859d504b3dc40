// A throwaway certificate authority for the tests: a CA the CLI is told to trust (NODE_EXTRA_CA_CERTS),
// a server certificate it signed, and a second, untrusted CA with its own server certificate.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const HOSTS = [
  'localhost',
  'auth.pingone.com',
  'auth.pingone.ca',
  'auth.pingone.eu',
  'auth.pingone.com.au',
  'auth.pingone.sg',
  'auth.pingone.asia',
  'api.pingone.com',
  'api.pingone.ca',
  'api.pingone.eu',
  'api.pingone.com.au',
  'api.pingone.sg',
  'api.pingone.asia',
  '*.invenias.com',
  'invenias.com',
  '*.test',
];

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function authority(directory, name) {
  openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}-ca.key`,
      '-out', `${name}-ca.pem`, '-days', '3', '-subj', `/CN=connector-setup ${name} test CA`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    directory,
  );
  const san = ['IP:127.0.0.1', ...HOSTS.map((host) => `DNS:${host}`)].join(',');
  writeFileSync(path.join(directory, `${name}-ext.cnf`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}-server.key`,
    '-out', `${name}-server.csr`, '-subj', '/CN=localhost'], directory);
  openssl(['x509', '-req', '-in', `${name}-server.csr`, '-CA', `${name}-ca.pem`, '-CAkey', `${name}-ca.key`, '-CAcreateserial',
    '-out', `${name}-server.pem`, '-days', '2', '-extfile', `${name}-ext.cnf`], directory);
}

export function makeTestCertificates(directory) {
  mkdirSync(directory, { recursive: true });
  authority(directory, 'trusted');
  authority(directory, 'untrusted');
  return { directory, caFile: path.join(directory, 'trusted-ca.pem') };
}
