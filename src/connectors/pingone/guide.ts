// The PingOne console steps of the partner guide, as data: shown as a checklist before the questions.
import { type Hint, PROFILE, command, inWizard } from '../../core/hint.js';

export const WORKER_APP_CHECKLIST = [
  'Sign in to the PingOne admin console and select the environment Cyclr will connect to.',
  'Open Applications > Applications and click + (Add Application).',
  'Choose the Worker application type, click Configure, enter a unique name, then Save and Close.',
  'Expand the new application, click the edit (pencil) icon and open the Configuration tab.',
  'Set Grant Type to Client Credentials.',
  'Set TOKEN ENDPOINT AUTHENTICATION METHOD to Client Secret Post.',
  'Save, and switch the application on (the toggle beside its name).',
  'On the Roles tab, click Grant Roles and grant Identity Data Admin, scoped to this environment (Cyclr reads and writes users, groups and populations).',
  'Copy the Client ID, the Client Secret and the AUTHORIZATION URL from the Configuration tab.',
] as const;

export const CYCLR_LOCATION = 'Cyclr Console > Connectors > Connector Library > PingOne > Setup';

/** In the wizard the AUTHORIZATION URL is pasted at a question, not passed as a flag. */
const PASTE_IN_WIZARD = 'choose "Change the values I entered", then "Paste the AUTHORIZATION URL" and paste';
const PASTE_IT = inWizard('pass it with --authorization-url', `${PASTE_IN_WIZARD} it`);

/** Each diagnosis names the console setting that fixes it. */
export const HINTS = {
  wrongAuthMethod:
    'In PingOne: Applications > Applications > your Worker app > Configuration > edit: set TOKEN ENDPOINT AUTHENTICATION METHOD to Client Secret Post (Cyclr sends the secret in the request body).',
  invalidClient:
    'Copy the Client ID and Client Secret again from Applications > Applications > your Worker app > Configuration (if the secret was regenerated, use the new one), and check that the application is switched on (the toggle beside its name): PingOne may refuse a disabled application with the same words.',
  appDisabled: 'In PingOne: Applications > Applications: switch the Worker application on (the toggle beside its name).',
  unauthorizedClient:
    'In PingOne: Applications > Applications > your Worker app > Configuration > edit: set Grant Type to Client Credentials.',
  noRoles:
    [
      'In PingOne: Applications > Applications > your Worker app > Roles: click Grant Roles and grant Identity Data Admin, scoped to this environment (or run ',
      command('pingone', '--create', PROFILE),
      ', which grants it).',
    ],
  environmentNotFound: ["Check the Environment ID and the Auth Domain: copy the AUTHORIZATION URL from the application's Configuration tab and ", PASTE_IT, '.'],
  environmentNotAtCustomDomain: [
    "Check the Environment ID, and that the Auth Domain is a custom domain of that environment; or copy the AUTHORIZATION URL from the application's Configuration tab and ",
    PASTE_IT,
    '.',
  ],
} as const satisfies Record<string, Hint>;

/** The environment is in another region: its Auth Domain, or the AUTHORIZATION URL that gives it. */
export function otherRegionHint(authDomain: string): Hint {
  return [
    `Use Auth Domain ${authDomain}`,
    inWizard(` (--auth-domain ${authDomain})`, ''),
    ', or ',
    inWizard(
      "pass the AUTHORIZATION URL from the application's Configuration tab with --authorization-url",
      `${PASTE_IN_WIZARD} the AUTHORIZATION URL from the application's Configuration tab`,
    ),
    '.',
  ];
}

/**
 * docs/partners.md P-CYCLR-ROLES (assumed): Cyclr's operations touch users, groups and populations, which is what
 * Identity Data Admin allows.
 */
export const DEFAULT_ROLES = ['Identity Data Admin'] as const;
export const DEFAULT_APP_NAME = 'Cyclr';
