import { type FieldSpec, hostField, secretField } from '../../core/run/fields.js';
import type { ConnectorOptions } from '../../core/run/connector.js';
import { InputError, quoteValue } from '../../core/errors.js';
import { parseHostPort, parseOrigin, parseRequiredText, parseUuid } from '../../core/run/validate.js';
import { DEFAULT_APP_NAME, DEFAULT_ROLES } from './guide.js';
import { parseProfileName } from '../../core/store/profile-store.js';

/** Where --save-admin keeps the admin worker unless --admin-profile names another profile. */
export const DEFAULT_ADMIN_PROFILE = 'admin';

/** PingOne's regional auth domains, as the Cyclr setup page lists them. */
export const REGIONS = [
  { authDomain: 'auth.pingone.com', region: 'North America' },
  { authDomain: 'auth.pingone.ca', region: 'Canada' },
  { authDomain: 'auth.pingone.eu', region: 'Europe' },
  { authDomain: 'auth.pingone.com.au', region: 'Australia' },
  { authDomain: 'auth.pingone.sg', region: 'Singapore' },
  { authDomain: 'auth.pingone.asia', region: 'Asia-Pacific' },
] as const;

export const pingoneFields: readonly FieldSpec[] = [
  {
    key: 'clientId',
    label: 'Client ID',
    flag: '--client-id',
    env: 'PINGONE_CLIENT_ID',
    cyclrOrder: 1,
    description: "The Worker application's Client ID (a UUID)",
    parse: (raw) => parseUuid(raw, 'Client ID'),
  },
  secretField({
    key: 'clientSecret',
    label: 'Client Secret',
    stdinFlag: '--client-secret-stdin',
    env: 'PINGONE_CLIENT_SECRET',
    cyclrOrder: 2,
    description: "The Worker application's Client Secret",
  }),
  hostField({
    key: 'authDomain',
    label: 'Auth Domain',
    location: true,
    flag: '--auth-domain',
    env: 'PINGONE_AUTH_DOMAIN',
    cyclrOrder: 3,
    description: 'host[:port] of the AUTHORIZATION URL, e.g. auth.pingone.eu',
    example: 'auth.pingone.eu',
    form: 'host[:port], e.g. auth.pingone.eu',
    choices: REGIONS.map((region) => region.authDomain),
  }),
  {
    key: 'environmentId',
    label: 'Environment ID',
    location: true,
    flag: '--environment-id',
    env: 'PINGONE_ENVIRONMENT_ID',
    cyclrOrder: 4,
    description: 'The PingOne environment (a UUID)',
    parse: (raw) => parseUuid(raw, 'Environment ID'),
  },
  // Set by --create and --rotate: the application the profile names, and until when its previous secret works.
  {
    key: 'applicationId',
    label: 'Application ID',
    setupOnly: true,
    description: 'The Worker application --create made or reused (PingOne gives it the Client ID as its ID)',
    parse: (raw) => parseUuid(raw, 'Application ID'),
  },
  {
    key: 'previousSecretExpiresAt',
    label: 'Previous secret valid until',
    setupOnly: true,
    onlyWhileAhead: true,
    description: 'After --rotate: until when PingOne still accepts the previous Client Secret',
    parse: (raw) => parseInstant(raw, 'Previous secret valid until'),
  },
  // The admin worker that creates the application or rotates its secret (--create, --rotate); its secret is never saved.
  {
    key: 'adminClientId',
    label: "Admin worker's Client ID",
    flag: '--admin-client-id',
    env: 'PINGONE_ADMIN_CLIENT_ID',
    setupOnly: true,
    description: 'An admin Worker application allowed to create applications and grant roles (--create, --rotate)',
    parse: (raw) => parseUuid(raw, "Admin worker's Client ID"),
  },
  {
    ...secretField({
      key: 'adminClientSecret',
      label: "Admin worker's Client Secret",
      stdinFlag: '--admin-client-secret-stdin',
      env: 'PINGONE_ADMIN_CLIENT_SECRET',
      setupOnly: true,
      description: "The admin worker's Client Secret (never saved, except with --save-admin into a profile of its own)",
    }),
    transient: true,
  },
  {
    key: 'adminProfile',
    label: "Admin worker's profile",
    flag: '--admin-profile',
    env: 'PINGONE_ADMIN_PROFILE',
    setupOnly: true,
    description: `The PingOne profile that keeps the admin worker (--save-admin saves it there, default ${DEFAULT_ADMIN_PROFILE}); --create and --rotate read it`,
    parse: (raw) => {
      try {
        return parseProfileName(raw.trim());
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        throw new InputError(error.code, `Admin worker's profile: ${error.message}`, error.hint);
      }
    },
  },
  {
    key: 'adminEnvironmentId',
    label: "Admin worker's Environment ID",
    flag: '--admin-environment-id',
    env: 'PINGONE_ADMIN_ENVIRONMENT_ID',
    setupOnly: true,
    description: 'Where the admin worker lives (default: the target environment)',
    parse: (raw) => parseUuid(raw, "Admin worker's Environment ID"),
  },
  {
    key: 'apiUrl',
    label: 'Management API origin',
    flag: '--api-url',
    env: 'PINGONE_API_URL',
    setupOnly: true,
    description: 'Default: https://api.pingone.{tld} for an auth.pingone.{tld} Auth Domain; required for any other',
    parse: (raw) => parseOrigin(raw, 'Management API origin'),
  },
  {
    key: 'appName',
    label: 'Application name',
    flag: '--app-name',
    setupOnly: true,
    defaultValue: DEFAULT_APP_NAME,
    description: `The Worker application --create makes (default ${DEFAULT_APP_NAME})`,
    parse: (raw) => parseRequiredText(raw, 'Application name'),
  },
  {
    key: 'roles',
    label: 'Roles',
    flag: '--roles',
    setupOnly: true,
    defaultValue: DEFAULT_ROLES.join(','),
    description: `Roles granted by --create, comma-separated, as PingOne names them (default ${DEFAULT_ROLES.join(',')})`,
    parse: (raw) => parseRoleNames(raw).join(','),
  },
];

/** An ISO-8601 instant, normalised. */
function parseInstant(raw: string, label: string): string {
  const value = parseRequiredText(raw, label);
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InputError('invalid_input', `${label} must be a date and time (ISO 8601).`);
  return new Date(time).toISOString();
}

/** "Identity Data Admin, Environment Admin" -> each name trimmed, none empty, none twice. */
export function parseRoleNames(raw: string): string[] {
  const names = [...new Set(parseRequiredText(raw, 'Roles').split(',').map((name) => name.trim()).filter(Boolean))];
  if (names.length === 0) throw new InputError('invalid_input', 'Roles must name at least one role.', `For example --roles "${DEFAULT_ROLES.join(',')}".`);
  return names;
}

export interface AuthorizationUrlParts {
  authDomain: string;
  environmentId: string;
}

/**
 * The console's AUTHORIZATION URL, e.g. https://auth.pingone.eu/cd91070f-c371-480e-80b2-753c735f8aa1/as/authorize,
 * gives both the Auth Domain and the Environment ID.
 */
export function parseAuthorizationUrl(raw: string): AuthorizationUrlParts {
  const label = 'AUTHORIZATION URL';
  const value = parseRequiredText(raw, label);
  const match = /^https:\/\/([^/?#]+)\/([^/?#]+)\/as\/[a-z]+\/?$/i.exec(value);
  if (!match?.[1] || !match[2]) {
    throw new InputError(
      'invalid_input',
      `${label} must look like https://auth.pingone.eu/<environment id>/as/authorize.`,
      'Copy it from the application\'s Configuration tab in the PingOne console.',
    );
  }
  return { authDomain: parseHostPort(match[1], label), environmentId: parseUuid(match[2], `The Environment ID in the ${label}`) };
}

/** How long a rotated-out secret keeps working by default, in hours. */
export const DEFAULT_KEEP_PREVIOUS_HOURS = 24;

/** --keep-previous HOURS: a whole number from 1 to 720 (PingOne keeps a previous secret 1 minute to 30 days). */
export function keepPreviousHours(options: ConnectorOptions): number {
  const raw = options.keepPrevious;
  if (raw === undefined || raw === false) return DEFAULT_KEEP_PREVIOUS_HOURS;
  const text = String(raw).trim();
  const hours = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!(hours >= 1 && hours <= 720)) {
    throw new InputError('invalid_input', `--keep-previous must be a whole number of hours from 1 to 720, not ${quoteValue(text)}.`, 'PingOne keeps a previous secret for 1 minute to 30 days; for example --keep-previous 48.');
  }
  return hours;
}
