import { type FieldSpec, hostField, secretField } from '../../core/run/fields.js';
import { InputError } from '../../core/errors.js';
import { parseHostPort, parseRequiredText, parseUuid } from '../../core/run/validate.js';

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
    flag: '--auth-domain',
    env: 'PINGONE_AUTH_DOMAIN',
    cyclrOrder: 3,
    description: 'host[:port] of the AUTHORIZATION URL, e.g. auth.pingone.eu',
    example: 'auth.pingone.eu',
  }),
  {
    key: 'environmentId',
    label: 'Environment ID',
    flag: '--environment-id',
    env: 'PINGONE_ENVIRONMENT_ID',
    cyclrOrder: 4,
    description: 'The PingOne environment (a UUID)',
    parse: (raw) => parseUuid(raw, 'Environment ID'),
  },
];

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
