import { InputError } from '../../core/errors.js';
import { type FieldSpec, hostField, originField, secretField } from '../../core/run/fields.js';
import { MAX_VALUE_LENGTH, checkPlainText, parseChoice, parseDnsLabel, parseRequiredText } from '../../core/run/validate.js';

export const EXPIRATIONS = ['OneYear', 'TwoYears', 'FiveYears'] as const;
export type Expiration = (typeof EXPIRATIONS)[number];
const DEFAULT_APP_NAME = 'Integration';
const DEFAULT_EXPIRATION: Expiration = 'FiveYears';
const MAX_APP_NAME_LENGTH = 100;

const SUBDOMAIN_HINT = 'It is the first part of your portal address: for https://company.invenias.com it is company.';
/** A portal host: one label, then invenias.com (a trailing dot, as DNS allows, is fine). */
const PORTAL_HOST = /^([^.]*)\.invenias\.com\.?$/i;

/**
 * The subdomain, from `company`, `company.invenias.com` or a pasted portal URL such as
 * https://company.invenias.com/home: the first label of the host. Any other host (`a.b`, `evil.com/x`,
 * `company.invenias.com.evil.example`) is refused rather than cut down to its first label.
 */
export function parseSubdomain(raw: string): string {
  const label = 'Subdomain';
  const value = parseRequiredText(raw, label);
  const refuse = (problem: string): InputError => new InputError('invalid_input', `${label} ${problem}`, SUBDOMAIN_HINT);
  // A pasted portal URL: only its host counts, its path is ignored.
  const url = /^https?:\/\/([^/?#\\]*)/i.exec(value);
  let host = url ? (url[1] ?? '') : value;
  if (host.includes('@')) throw refuse('must not contain credentials (user@).');
  if (/[/?#\\]/.test(host)) throw refuse('must be the subdomain (company) or the whole portal address (https://company.invenias.com), not a path.');
  host = host.replace(/:\d{1,5}$/, '');
  if (host.includes('.')) {
    const portal = PORTAL_HOST.exec(host);
    if (!portal) throw refuse('must be a single DNS label such as company, or a portal address ending in .invenias.com.');
    host = portal[1] ?? '';
  }
  try {
    return parseDnsLabel(host, label);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(error.code, error.message, SUBDOMAIN_HINT);
    throw error;
  }
}

/** A Client ID as Invenias shows it: one token, no spaces. */
export function parseClientId(raw: string): string {
  const value = parseRequiredText(raw, 'Client ID');
  if (/\s/.test(value)) throw new InputError('invalid_input', 'Client ID must not contain spaces.', 'Copy the ClientId value again.');
  return value;
}

/** Passwords keep every character, spaces included; only control characters and empty values are refused. */
export function parsePassword(raw: string): string {
  const label = 'Password';
  if (raw.length > MAX_VALUE_LENGTH) {
    throw new InputError('invalid_input', `${label} is ${raw.length} characters long; at most ${MAX_VALUE_LENGTH} are accepted.`);
  }
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(raw)) {
    throw new InputError('invalid_input', `${label} contains a control character (such as a line break or NUL).`, 'Type the password again.');
  }
  if (raw === '') throw new InputError('invalid_input', `${label} is empty.`);
  return raw;
}

export function parseAppName(raw: string): string {
  const value = parseRequiredText(raw, 'Application name');
  if (value.length > MAX_APP_NAME_LENGTH) {
    throw new InputError('invalid_input', `Application name is ${value.length} characters long; at most ${MAX_APP_NAME_LENGTH} are accepted.`);
  }
  return checkPlainText(value, 'Application name');
}

export function parseExpiration(raw: string): Expiration {
  return parseChoice(raw, 'Expiration', EXPIRATIONS);
}

export const inveniasFields: readonly FieldSpec[] = [
  {
    key: 'subdomain',
    label: 'Subdomain',
    location: true,
    flag: '--subdomain',
    env: 'INVENIAS_SUBDOMAIN',
    cyclrOrder: 5,
    description: 'The first part of your portal address (company in https://company.invenias.com)',
    parse: parseSubdomain,
  },
  secretField({
    key: 'apiKey',
    label: 'API Key',
    stdinFlag: '--api-key-stdin',
    env: 'INVENIAS_API_KEY',
    transient: true,
    description: "The Swagger page's API Key (lives 3 minutes); needed to create or renew an application",
  }),
  {
    key: 'clientId',
    label: 'Client ID',
    flag: '--client-id',
    env: 'INVENIAS_CLIENT_ID',
    cyclrOrder: 1,
    description: 'ClientId of an existing ThirdPartyApplication (skips creating one)',
    parse: parseClientId,
  },
  secretField({
    key: 'clientSecret',
    label: 'Client Secret',
    stdinFlag: '--client-secret-stdin',
    env: 'INVENIAS_CLIENT_SECRET',
    cyclrOrder: 2,
    description: 'ClientSecret of an existing ThirdPartyApplication',
  }),
  {
    key: 'username',
    label: 'Username',
    flag: '--username',
    env: 'INVENIAS_USERNAME',
    cyclrOrder: 3,
    description: 'The Invenias user the connector acts as',
    parse: (raw) => parseRequiredText(raw, 'Username'),
  },
  {
    key: 'password',
    label: 'Password',
    stdinFlag: '--password-stdin',
    env: 'INVENIAS_PASSWORD',
    cyclrOrder: 4,
    secret: true,
    password: true,
    description: "That user's password (Invenias identity provider, not single sign-on)",
    parse: parsePassword,
  },
  hostField({
    key: 'serviceDomain',
    setupOnly: true,
    label: 'Service Domain',
    flag: '--service-domain',
    env: 'CYCLR_SERVICE_DOMAIN',
    description: 'Cyclr Console > Settings > General Settings > Service Domain (for the ReplyUrl)',
    example: 'api.cyclr.com',
  }),
  {
    key: 'appName',
    setupOnly: true,
    label: 'Application name',
    flag: '--app-name',
    env: 'INVENIAS_APP_NAME',
    defaultValue: DEFAULT_APP_NAME,
    description: 'Name of the ThirdPartyApplication to create',
    parse: parseAppName,
  },
  {
    key: 'expiration',
    setupOnly: true,
    label: 'Expiration',
    flag: '--expiration',
    env: 'INVENIAS_EXPIRATION',
    defaultValue: DEFAULT_EXPIRATION,
    description: `How long the application lives: ${EXPIRATIONS.join(', ')}`,
    form: `${EXPIRATIONS.slice(0, -1).join(', ')} or ${EXPIRATIONS.at(-1)}`,
    choices: EXPIRATIONS,
    parse: parseExpiration,
  },
  originField({
    key: 'baseUrl',
    label: 'Base URL',
    location: true,
    flag: '--base-url',
    env: 'INVENIAS_BASE_URL',
    description: 'Replaces https://{subdomain}.invenias.com (proxies, staging); saved in the profile',
    example: 'https://acme.invenias.com',
  }),
];

/** Looks a field up by key; the keys above are fixed, so a miss is a bug. */
/** What a verify needs: the application, and the user the connector acts as. */
export const VERIFY_KEYS = ['subdomain', 'clientId', 'clientSecret', 'username', 'password'] as const;

export function field(key: string): FieldSpec {
  const found = inveniasFields.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no Invenias field ${key}`);
  return found;
}

export function originOf(values: { subdomain: string; baseUrl?: string | undefined }): string {
  return values.baseUrl ?? `https://${values.subdomain}.invenias.com`;
}

export function replyUrl(serviceDomain: string): string {
  return `https://${serviceDomain}/connector/callback`;
}

export function swaggerUrl(origin: string): string {
  return `${origin}/api/swagger/index`;
}
