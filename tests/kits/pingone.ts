// PingOne in the shared suites: its stand-in (tests/helpers/pingone-server.ts), good values, and the hostile input
// only PingOne's fields meet (UUIDs, an Auth Domain that must be a bare host, --authorization-url).
import { pingoneDefinition } from '../../src/connectors/pingone/definition.js';
import { FAKE } from '../helpers/fixtures.js';
import { startPingOne } from '../helpers/pingone-server.js';
import type { ConnectorKit, HostileCase } from './kit.js';

const BIG = 'x'.repeat(100 * 1024);

/** Refused under --verify, before anything is sent. */
const cases: HostileCase[] = [
  { what: 'CR/LF in the Client ID (header injection)', flags: { '--client-id': `${FAKE.clientId}\r\nX-Injected: 1` }, names: 'Client ID' },
  { what: 'CR/LF in the Auth Domain', flags: { '--auth-domain': `${'127.0.0.1'}\r\nHost: evil.example` }, names: 'Auth Domain' },
  { what: 'an escape sequence in the Environment ID', flags: { '--environment-id': `${FAKE.environmentId}\x1b[2J` }, names: 'Environment ID' },
  { what: 'a tab in the Client ID', flags: { '--client-id': `\t${FAKE.clientId}x\t` }, names: 'Client ID' },
  { what: 'user:pass@ in the Auth Domain', flags: { '--auth-domain': 'user:pass@auth.pingone.eu' }, names: 'credentials' },
  { what: 'a scheme-relative //host', flags: { '--auth-domain': '//auth.pingone.eu' }, names: 'scheme-relative' },
  { what: 'a path where a host belongs', flags: { '--auth-domain': 'auth.pingone.eu/evil' }, names: 'path' },
  { what: 'a query where a host belongs', flags: { '--auth-domain': 'auth.pingone.eu?x=1' }, names: 'query' },
  { what: 'a fragment where a host belongs', flags: { '--auth-domain': 'auth.pingone.eu#x' }, names: 'path' },
  { what: 'a backslash in the host', flags: { '--auth-domain': 'evil.example\\auth.pingone.eu' }, names: 'Auth Domain' },
  { what: 'another scheme', flags: { '--auth-domain': 'http://auth.pingone.eu' }, names: 'https://' },
  { what: 'a Cyrillic look-alike in the host', flags: { '--auth-domain': 'auth.p\u0456ngone.eu' }, names: 'ASCII' },
  { what: 'a host a URL parser reads as 127.0.0.1 (0x7f.1)', flags: { '--auth-domain': '0x7f.1' }, names: 'host name' },
  { what: 'a port out of range', flags: { '--auth-domain': 'auth.pingone.eu:70000' }, names: 'port' },
  { what: 'a non-UUID Client ID', flags: { '--client-id': 'my-client' }, names: 'Client ID must be a UUID' },
  { what: 'a non-UUID Environment ID', flags: { '--environment-id': '../../admin' }, names: 'Environment ID must be a UUID' },
  { what: 'a 100 KB Client ID', flags: { '--client-id': BIG }, names: 'Client ID is 102400 characters long' },
  { what: 'a 100 KB Auth Domain', flags: { '--auth-domain': BIG }, names: 'Auth Domain' },
  { what: 'an AUTHORIZATION URL with credentials', flags: { '--authorization-url': `https://u:p@auth.pingone.eu/${FAKE.environmentId}/as/authorize` }, names: 'credentials' },
  { what: 'an AUTHORIZATION URL with a query', flags: { '--authorization-url': `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize?x=1` }, names: 'AUTHORIZATION URL' },
  { what: 'a path in PINGONE_AUTH_DOMAIN', flags: { '--auth-domain': '' }, env: { PINGONE_AUTH_DOMAIN: 'evil.example/x' }, names: 'PINGONE_AUTH_DOMAIN' },
  { what: 'CR/LF inside the secret (environment)', env: { PINGONE_CLIENT_SECRET: `${FAKE.clientSecret}\r\nX: 1` }, names: 'Client Secret' },
  { what: 'a space inside the secret (environment)', env: { PINGONE_CLIENT_SECRET: `${FAKE.clientSecret} ${FAKE.clientSecret}` }, names: 'Client Secret contains whitespace' },
  { what: 'a 100 KB secret (environment)', env: { PINGONE_CLIENT_SECRET: `FAKE-${BIG}` }, names: 'Client Secret is' },
  { what: 'a NUL byte inside the secret (stdin)', extra: ['--client-secret-stdin'], stdin: `${FAKE.clientSecret}\0tail\n`, names: 'Client Secret' },
  { what: 'a lone CR inside the secret (stdin)', extra: ['--client-secret-stdin'], stdin: `${FAKE.clientSecret}\rtail\n`, names: 'Client Secret' },
  { what: 'more than 64 KiB on stdin', extra: ['--client-secret-stdin'], stdin: `FAKE-${'y'.repeat(70 * 1024)}`, names: '64 KiB' },
  { what: 'a --timeout that is not a number', extra: ['--timeout', 'abc'], names: '--timeout' },
  { what: 'a negative --timeout', extra: ['--timeout', '-1'], names: '--timeout' },
  { what: 'a profile name with an escape sequence', extra: ['--profile', '\x1b]0;pwned\x07'], names: 'Profile name' },
  { what: 'a profile name with a path', extra: ['--profile', '../../etc/passwd'], names: 'Profile name' },
];

export const pingoneKit: ConnectorKit = {
  connector: pingoneDefinition,
  secrets: [FAKE.clientSecret],
  start: () => startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]),
  values: (server, mode) => ({
    flags: { '--client-id': FAKE.clientId, '--auth-domain': server.hostPort },
    env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, PINGONE_ENVIRONMENT_ID: FAKE.environmentId, ...(mode === 'setup' ? { CONNECTOR_SETUP_SECRET_STORE: 'file' } : {}) },
  }),
  hostile: cases.map((testCase) => ({ mode: 'verify', ...testCase })),
};
