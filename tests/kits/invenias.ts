// Invenias in the shared suites: its stand-in (tests/helpers/invenias-faults.ts, every route answering as
// documented), good values (an existing application for a verify; a setup that creates one), and the hostile input
// only Invenias' fields meet (a subdomain on invenias.com, a ReplyUrl, an expiration from a list).
import { inveniasDefinition } from '../../src/connectors/invenias/definition.js';
import { FAKE_ACCESS_TOKEN } from '../helpers/fault-server.js';
import { FAKE } from '../helpers/fixtures.js';
import { startInveniasFaults } from '../helpers/invenias-faults.js';
import type { ConnectorKit, HostileCase, KitValues } from './kit.js';

const CLIENT_ID = '2f6d8a1e-5b7c-4d3e-8f9a-0b1c2d3e4f50';
const BIG = 'x'.repeat(100 * 1024);

/** Refused before anything is sent: `setup` (the default) would create an application, `verify` checks an existing one. */
const cases: HostileCase[] = [
  // --subdomain: one DNS label, or a portal address on invenias.com and nothing else.
  { what: 'a subdomain with a path (evil.com/x)', flags: { '--subdomain': 'evil.com/x' }, names: 'Subdomain' },
  { what: 'a subdomain with a dot (a.b)', flags: { '--subdomain': 'a.b' }, names: 'Subdomain' },
  { what: 'a host outside invenias.com (acme.evil.example)', flags: { '--subdomain': 'acme.evil.example' }, names: 'invenias.com' },
  { what: 'a portal URL on another host', flags: { '--subdomain': 'https://acme.invenias.com.evil.example/home' }, names: 'invenias.com' },
  { what: 'a portal URL with credentials', flags: { '--subdomain': 'https://user:pass@acme.invenias.com/' }, names: 'credentials' },
  { what: 'a portal URL with a backslash trick', flags: { '--subdomain': 'https://evil.example\\@acme.invenias.com/' }, names: 'Subdomain' },
  { what: 'a subdomain starting with a hyphen (-x)', flags: { '--subdomain': '-x' }, names: 'DNS label' },
  { what: 'a Cyrillic look-alike in the subdomain', flags: { '--subdomain': '\u0430cme' }, names: 'DNS label' },
  { what: 'the Kelvin sign (lower-cases to k)', flags: { '--subdomain': 'acme\u212a' }, names: 'DNS label' },
  { what: 'a look-alike in invenias.com', flags: { '--subdomain': 'acme.\u0456nvenias.com' }, names: 'Subdomain' },
  { what: 'CR/LF in the subdomain', flags: { '--subdomain': 'acme\r\nX-Injected: 1' }, names: 'Subdomain contains a control character' },
  { what: 'a 100 KB subdomain', flags: { '--subdomain': BIG }, names: 'Subdomain is 102400 characters long' },
  { what: 'a path in INVENIAS_SUBDOMAIN', flags: { '--subdomain': '' }, env: { INVENIAS_SUBDOMAIN: 'evil.com/x' }, names: 'INVENIAS_SUBDOMAIN' },
  { what: 'a subdomain with a dot, under --verify', mode: 'verify', flags: { '--subdomain': 'a.b' }, names: 'Subdomain' },
  // --base-url: https://host[:port] only.
  { what: 'an http:// base URL', flags: { '--base-url': 'http://127.0.0.1:1' }, names: 'https://' },
  { what: 'a base URL with user:pass@', flags: { '--base-url': 'https://user:pass@127.0.0.1:1' }, names: 'credentials' },
  { what: 'a base URL with a path', flags: { '--base-url': 'https://127.0.0.1:1/api/v1' }, names: 'path' },
  { what: 'a base URL with a query', flags: { '--base-url': 'https://127.0.0.1:1?x=1' }, names: 'query' },
  { what: 'a scheme-relative base URL', flags: { '--base-url': '//127.0.0.1:1' }, names: 'https://' },
  { what: 'CR/LF in the base URL', flags: { '--base-url': 'https://127.0.0.1:1\r\nHost: evil.example' }, names: 'Base URL' },
  { what: 'a path in INVENIAS_BASE_URL, under --verify', mode: 'verify', flags: { '--base-url': '' }, env: { INVENIAS_BASE_URL: 'https://evil.example/x' }, names: 'INVENIAS_BASE_URL' },
  // --service-domain (it becomes the ReplyUrl).
  { what: 'a service domain with a path', flags: { '--service-domain': 'acme.cyclr.com/evil' }, names: 'Service Domain' },
  { what: 'a service domain with user@', flags: { '--service-domain': 'user@acme.cyclr.com' }, names: 'credentials' },
  { what: 'CR/LF in the service domain', flags: { '--service-domain': 'acme.cyclr.com\r\nX: 1' }, names: 'Service Domain' },
  { what: 'an escape sequence in CYCLR_SERVICE_DOMAIN', env: { CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com\x1b[2J' }, names: 'CYCLR_SERVICE_DOMAIN' },
  { what: 'a service domain of another scheme', flags: { '--service-domain': 'http://acme.cyclr.com' }, names: 'https://' },
  // --username, --client-id.
  { what: 'CR/LF in the username', flags: { '--username': 'cyclr\r\nX: 1' }, names: 'Username' },
  { what: 'an escape sequence in INVENIAS_USERNAME', env: { INVENIAS_USERNAME: 'cyclr\x1b]0;pwned\x07' }, names: 'Username' },
  { what: 'a C1 control (NEL) in the username, under --verify', mode: 'verify', flags: { '--username': 'cyclr\u0085x' }, names: 'Username' },
  { what: 'a 100 KB username', flags: { '--username': BIG }, names: 'Username is 102400 characters long' },
  { what: 'a Client ID with a space, under --verify', mode: 'verify', flags: { '--client-id': `${CLIENT_ID} x` }, names: 'Client ID' },
  // --expiration, --app-name.
  { what: 'an expiration not in the list', flags: { '--expiration': 'TenYears' }, names: 'OneYear, TwoYears, FiveYears' },
  { what: 'an expiration not in the list (environment)', env: { INVENIAS_EXPIRATION: 'Forever' }, names: 'INVENIAS_EXPIRATION' },
  { what: 'CR/LF in the application name', flags: { '--app-name': 'Integration\r\nX: 1' }, names: 'Application name' },
  { what: 'an escape sequence in the application name', flags: { '--app-name': 'Integration\x1b]0;pwned\x07' }, names: 'Application name' },
  { what: 'a 101-character application name', flags: { '--app-name': 'n'.repeat(101) }, names: 'Application name is 101 characters long' },
  { what: 'a 100 KB application name', flags: { '--app-name': BIG }, names: 'Application name' },
  // Secrets: the message says what is wrong, never the value.
  { what: 'CR/LF inside the API key (environment)', env: { INVENIAS_API_KEY: `${FAKE.inveniasApiKey}\r\nX: 1` }, names: 'API Key' },
  { what: 'a NUL byte inside the API key (stdin)', extra: ['--api-key-stdin'], env: { INVENIAS_API_KEY: '' }, stdin: `${FAKE.inveniasApiKey}\0tail\n`, names: 'API Key' },
  { what: 'a 100 KB API key (environment)', env: { INVENIAS_API_KEY: `FAKE-${BIG}` }, names: 'API Key is' },
  { what: 'a NUL byte inside the password (stdin)', extra: ['--password-stdin'], env: { INVENIAS_PASSWORD: '' }, stdin: `${FAKE.inveniasPassword}\0tail\n`, names: 'Password' },
  { what: 'CR/LF inside the password (environment)', env: { INVENIAS_PASSWORD: `${FAKE.inveniasPassword}\r\nX: 1` }, names: 'Password' },
  { what: 'a 100 KB password (environment)', env: { INVENIAS_PASSWORD: BIG }, names: 'Password is 102400 characters long' },
  {
    what: 'a NUL byte inside the client secret (stdin), under --verify',
    mode: 'verify',
    extra: ['--client-secret-stdin'],
    env: { INVENIAS_CLIENT_SECRET: '' },
    stdin: `${FAKE.inveniasClientSecret}\0tail\n`,
    names: 'Client Secret',
  },
];

export const inveniasKit: ConnectorKit = {
  connector: inveniasDefinition,
  secrets: [FAKE.inveniasApiKey, FAKE.inveniasClientSecret, FAKE.inveniasPassword, FAKE_ACCESS_TOKEN],
  start: () => startInveniasFaults(),
  values: (server, mode): KitValues =>
    mode === 'verify'
      ? {
          flags: { '--subdomain': 'acme', '--base-url': server.origin, '--client-id': CLIENT_ID, '--username': 'cyclr.integration' },
          env: { INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret, INVENIAS_PASSWORD: FAKE.inveniasPassword },
        }
      : {
          flags: { '--subdomain': 'acme', '--base-url': server.origin },
          env: {
            INVENIAS_API_KEY: FAKE.inveniasApiKey,
            INVENIAS_USERNAME: 'cyclr.integration',
            INVENIAS_PASSWORD: FAKE.inveniasPassword,
            CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com',
            CONNECTOR_SETUP_SECRET_STORE: 'file',
          },
        },
  hostile: cases,
};
