import type { Connector } from '../../core/run/connector.js';
import { InputError, quoteValue } from '../../core/errors.js';
import { parseAuthorizationUrl, pingoneFields } from './fields.js';
import { CYCLR_LOCATION } from './guide.js';

export const pingoneDefinition: Connector = {
  name: 'pingone',
  title: 'PingOne',
  summary: 'Worker application, client credentials (Client Secret Post)',
  fields: pingoneFields,
  cyclrLocation: CYCLR_LOCATION,
  extraFlags: [
    { flags: '--authorization-url <url>', description: "the console's AUTHORIZATION URL: gives Auth Domain and Environment ID" },
  ],
  prepareOptions(options): Record<string, string> {
    if (typeof options.authorizationUrl !== 'string') return {};
    const parts = parseAuthorizationUrl(options.authorizationUrl);
    for (const key of ['authDomain', 'environmentId'] as const) {
      const given = options[key];
      if (typeof given === 'string' && given.trim().toLowerCase() !== parts[key]) {
        throw new InputError(
          'invalid_input',
          `--authorization-url gives ${key === 'authDomain' ? 'Auth Domain' : 'Environment ID'} ${parts[key]}, but ${quoteValue(given)} was also passed.`,
          'Pass either --authorization-url or --auth-domain and --environment-id.',
        );
      }
    }
    return { authDomain: parts.authDomain, environmentId: parts.environmentId };
  },
  load: () => import('./index.js').then((module) => module.pingone),
};
