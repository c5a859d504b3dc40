import type { Connector } from '../../core/run/connector.js';
import { InputError } from '../../core/errors.js';
import { inveniasFields } from './fields.js';
import { CYCLR_LOCATION, HINTS } from './guide.js';
import { readInveniasRequest } from './request.js';

export const inveniasDefinition: Connector = {
  name: 'invenias',
  title: 'Invenias',
  summary: 'ThirdPartyApplication created through the API, resource-owner password grant',
  fields: inveniasFields,
  cyclrLocation: CYCLR_LOCATION,
  renewHint: HINTS.appExpired,
  oneTimeSecret: { secret: 'clientSecret', application: 'clientId' },
  extraFlags: [
    { flags: '--new-app', description: 'create another application even when the profile already has one' },
    { flags: '--renew', description: 'renew the application (needs an API Key): Invenias issues a new Client Secret and the current one stops at once' },
    { flags: '--yes', description: 'with --renew and no terminal: renew without asking (the current Client Secret stops at once)' },
  ],
  prepareOptions(options) {
    if (options.newApp === true && options.renew === true) {
      throw new InputError('invalid_input', '--new-app and --renew cannot be used together.', 'Use --new-app to create an application, --renew to renew the one you have.');
    }
    if (options.verify === true && (options.newApp === true || options.renew === true)) {
      throw new InputError('invalid_input', `--verify never creates or renews anything; drop ${options.renew === true ? '--renew' : '--new-app'}.`);
    }
    return {};
  },
  load: (options) => import('./index.js').then((module) => module.invenias(readInveniasRequest(options))),
};
