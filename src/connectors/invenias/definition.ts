import type { Connector, ConnectorOptions } from '../../core/run/connector.js';
import { InputError } from '../../core/errors.js';
import { VERIFY_KEYS, inveniasFields } from './fields.js';
import { CYCLR_LOCATION, HINTS } from './guide.js';
import { readInveniasRequest } from './request.js';

export const inveniasDefinition: Connector = {
  name: 'invenias',
  title: 'Invenias',
  summary: 'ThirdPartyApplication created through the API, resource-owner password grant',
  fields: inveniasFields,
  cyclrLocation: CYCLR_LOCATION,
  verifyKeys: VERIFY_KEYS,
  renewHint: HINTS.appExpired,
  oneTimeSecret: { secret: 'clientSecret', application: 'clientId' },
  extraFlags: [
    { flags: '--new-app', description: 'create another application even when the profile already has one' },
    { flags: '--renew', description: 'renew the application (needs an API Key): Invenias issues a new Client Secret and the current one stops at once' },
    { flags: '--yes', description: 'with --renew and no terminal: renew without asking (the current Client Secret stops at once)' },
  ],
  prepareOptions(options) {
    refuseConflicts(options);
    return {};
  },
  load: (options) => import('./index.js').then((module) => module.invenias(readInveniasRequest(options))),
};

/**
 * Flags that ask for two different things are refused before anything is read or sent, rather than one of them
 * silently ignored: an application is created, renewed or given, and a verify creates nothing.
 */
function refuseConflicts(options: ConnectorOptions): void {
  const given = (name: string): boolean => options[name] !== undefined && options[name] !== false;
  if (given('newApp') && given('renew')) {
    throw new InputError('invalid_input', '--new-app and --renew cannot be used together.', 'Use --new-app to create an application, --renew to renew the one you have.');
  }
  if (given('verify') && (given('newApp') || given('renew'))) {
    throw new InputError('invalid_input', `--verify never creates or renews anything; drop ${given('renew') ? '--renew' : '--new-app'}.`);
  }
  if (given('verify') && given('apiKeyStdin')) {
    throw new InputError('invalid_input', '--verify never creates or renews anything, so it uses no API Key; drop --api-key-stdin.');
  }
  if (given('newApp')) {
    const existing = ['clientId', 'clientSecretStdin'].filter(given).map((name) => (name === 'clientId' ? '--client-id' : '--client-secret-stdin'));
    if (existing.length > 0) {
      throw new InputError(
        'invalid_input',
        `--new-app creates an application, and Invenias issues its Client ID and Client Secret; ${existing.join(' and ')} would be ignored.`,
        `Drop --new-app to verify the application you have, or drop ${existing.join(' and ')} to create a new one.`,
      );
    }
  }
  if (given('renew') && given('clientSecretStdin')) {
    throw new InputError(
      'invalid_input',
      '--renew gets a new Client Secret from Invenias; --client-secret-stdin would be ignored.',
      'Drop --client-secret-stdin to renew (--client-id names the application), or drop --renew to verify the secret you have.',
    );
  }
  if (given('yes') && !given('renew')) throw new InputError('invalid_input', '--yes goes with --renew (it renews without asking).', 'Drop --yes, or add --renew.');
}
