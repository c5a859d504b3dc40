import type { Connector, ConnectorOptions } from '../../core/run/connector.js';
import { InputError, quoteValue } from '../../core/errors.js';
import { command } from '../../core/hint.js';
import { DEFAULT_ADMIN_PROFILE, DEFAULT_KEEP_PREVIOUS_HOURS, keepPreviousHours, parseAuthorizationUrl, pingoneFields } from './fields.js';
import { CYCLR_LOCATION } from './guide.js';
import { readPingOneRequest } from './request.js';

export const pingoneDefinition: Connector = {
  name: 'pingone',
  title: 'PingOne',
  summary: 'Worker application, client credentials (Client Secret Post)',
  fields: pingoneFields,
  cyclrLocation: CYCLR_LOCATION,
  verifyKeys: ['clientId', 'clientSecret', 'authDomain', 'environmentId'],
  extraFlags: [
    { flags: '--authorization-url <url>', description: "the console's AUTHORIZATION URL: gives Auth Domain and Environment ID" },
    { flags: '--create', description: "create the Worker app through the Management API (needs an admin worker's credentials)" },
    { flags: '--dry-run', description: 'with --create: show the plan and the requests; create nothing' },
    { flags: '--rotate', description: "give the saved application a new secret, keeping the previous one for --keep-previous hours" },
    { flags: '--keep-previous <hours>', description: `with --rotate: hours the previous secret keeps working (default ${DEFAULT_KEEP_PREVIOUS_HOURS}, 1 to 720)` },
    { flags: '--finish', description: 'with --rotate: drop the previous secret now (once Cyclr has the new one)' },
    { flags: '--save-admin', description: `with --create or --rotate: keep the admin worker (its secret in the secret store) in a profile of its own, --admin-profile (default ${DEFAULT_ADMIN_PROFILE}), for the next run` },
    { flags: '--secret-out <file>', description: 'with --create or --rotate: where the new secret goes (a new file, mode 0600) if the profile cannot keep it' },
  ],
  prepareOptions(options): Record<string, string> {
    checkModes(options);
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
  load: (options) => import('./index.js').then((module) => module.pingone(readPingOneRequest(options))),
};

/** --create, --rotate and their companions: which go together. */
function checkModes(options: ConnectorOptions): void {
  const given = (name: string): boolean => options[name] !== undefined && options[name] !== false;
  const flag = (name: string): string => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  if (given('create') && given('rotate')) throw new InputError('invalid_input', '--create and --rotate cannot be used together.', 'Use --create to make the application, --rotate to give it a new secret.');
  // PingOne issues the new application's secret: one given beside --create would be silently dropped.
  if (given('create') && given('clientSecretStdin')) {
    throw new InputError('invalid_input', '--create gets the Client Secret from PingOne; --client-secret-stdin would be ignored.', 'Drop --client-secret-stdin to create the application, or drop --create to verify the secret you have.');
  }
  if (given('verify')) {
    const changing = ['create', 'rotate', 'finish'].find(given);
    if (changing) throw new InputError('invalid_input', `--verify never creates or changes anything; drop ${flag(changing)}.`);
  }
  if (given('secretOut') && !given('create') && !given('rotate')) {
    throw new InputError('invalid_input', '--secret-out goes with --create or --rotate: only they make PingOne issue a secret.', [command('pingone', '--rotate', '--secret-out', 'FILE')]);
  }
  if (given('saveAdmin') && !given('create') && !given('rotate')) {
    throw new InputError('invalid_input', '--save-admin goes with --create or --rotate: only they use an admin worker.', [command('pingone', '--rotate', '--save-admin')]);
  }
  if (given('saveAdmin') && given('dryRun')) throw new InputError('invalid_input', '--dry-run saves nothing; drop --save-admin (or --dry-run).');
  for (const [companion, of] of [['dryRun', 'create'], ['keepPrevious', 'rotate'], ['finish', 'rotate']] as const) {
    if (given(companion) && !given(of)) throw new InputError('invalid_input', `${flag(companion)} goes with --${of}.`, [command('pingone', `--${of}`, flag(companion), ...(companion === 'keepPrevious' ? ['HOURS'] : []))]);
  }
  const issuing = ['create', 'rotate'].find(given);
  // The secret PingOne issues is shown once: it is always kept, so the profile must be written.
  if (issuing && options.save === false) throw new InputError('invalid_input', `--no-save does not go with --${issuing}: the secret PingOne issues is shown once and must be kept.`, 'Choose the profile that keeps it with --profile NAME.');
  if (given('finish') && given('keepPrevious')) throw new InputError('invalid_input', '--finish drops the previous secret now; --keep-previous does not apply.');
  if (given('keepPrevious')) keepPreviousHours(options);
}
