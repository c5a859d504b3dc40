// The Invenias steps of the partner guide that no API can do for the user, and the hints of each diagnosis, as data.
import { type Hint, PROFILE, command } from '../../core/hint.js';

export const API_KEY_STEPS = [
  'On that page, double-click the API Key box at the top.',
  'Sign in if you are asked to; an API Key then appears in the box.',
  'Copy the API Key and paste it here. It lives 3 minutes, so have it ready.',
  'The account must be licensed, enabled and in the System Administrator permission group to create applications.',
] as const;

export const SERVICE_DOMAIN_WHERE = 'Cyclr Console > Settings > General Settings > Service Domain';

export const CYCLR_LOCATION = 'Cyclr Console > Connectors > Connector Library > Invenias > Setup';

/** `--renew` of this profile's application, by Client ID when the hint is about one. */
const RENEW = command('invenias', '--renew', PROFILE);
const RENEW_BY_ID = command('invenias', '--renew', PROFILE, { value: 'clientId', flag: '--client-id', otherwise: '<Client ID>' });
const NEW_APP = command('invenias', '--new-app', PROFILE);
/** `--renew` of the application by Client ID, at the subdomain (and origin) where it lives. */
const RENEW_THERE = command(
  'invenias',
  '--renew',
  PROFILE,
  { value: 'clientId', flag: '--client-id', otherwise: '<Client ID>' },
  { value: 'subdomain', flag: '--subdomain', otherwise: '<subdomain>' },
  { value: 'baseUrl', flag: '--base-url' },
);

/** Each diagnosis names the setting, page or command that fixes it; commands are completed with the run's profile. */
export const HINTS = {
  apiKeyRejected:
    'The API Key lives 3 minutes: double-click the API Key box on the Swagger page again, copy the new key and run again straight away.',
  notSystemAdmin:
    'Use an account in the System Administrator permission group (Invenias: Settings > Permission Groups), then get a new API Key while signed in as it.',
  validation: 'Change the values Invenias named (--app-name, --expiration, --service-domain) and run again.',
  maybeCreated: [
    "The application may have been created, but its secret was never shown, and Invenias offers no way to list applications. Run again to create another; if you later learn the unused application's Client ID, give it a new secret with ",
    RENEW_BY_ID,
    ', or tell your Invenias administrator it is unused.',
  ],
  invalidGrant:
    'Check the Username and Password by signing in to the Invenias portal. Only accounts that sign in with the Invenias identity provider can be used here, not single sign-on (SSO) accounts.',
  invalidClient: [
    'Check the Client ID and Client Secret you entered: Invenias shows a secret only once, when the application is created or renewed. If the secret is lost or the application expired, get a new secret with ',
    RENEW_BY_ID,
    ' (needs a fresh API Key), or create another application with ',
    NEW_APP,
    '.',
  ],
  appExpired: ['Renew it: ', RENEW, ' (needs a fresh API Key); it then offers to copy the new secret for Cyclr.'],
  unauthorizedClient: ['The application must use FlowType ResourceOwner. Create one that does: ', NEW_APP, '.'],
  notFound: 'Check the Subdomain (the first part of your portal address) and --base-url if you gave one.',
  appNotFound: [
    'Check the Client ID: it is the ClientId Invenias showed when the application was created (Invenias offers no way to list applications). Or create another application with ',
    NEW_APP,
    '.',
  ],
  noClientId: [
    'Without its Client ID the application cannot be used or renewed: create another with ',
    NEW_APP,
    ', and tell your Invenias administrator that an unused application of this name exists.',
  ],
  userNotLicensed:
    'Ask your Invenias administrator to make this user licensed, enabled and a member of the System Administrator permission group (or use a user that is), then try again.',
  apiKeyRefusedAgain:
    'If more than 3 minutes passed since you double-clicked the API Key box, get a new key and paste it at once. If a key pasted at once is refused, ask your Invenias administrator to check that the account that signs in to Swagger is licensed, enabled and in the System Administrator permission group.',
  /** The renewal may have replaced the secret without showing the new one. */
  renewAgain: ['Run ', RENEW, ' again with a fresh API Key to get a secret you can see.'],
  secretReplaced: ['The secret may have been replaced: run ', RENEW, ' again with a fresh API Key to get a secret you can see.'],
  /** A secret issued, kept nowhere: renew that application, where it lives, to get another. */
  secretNotSaved: [
    'Fix the profile directory, then get a new secret with ',
    RENEW_THERE,
    ' (needs a fresh API Key). --secret-out FILE keeps such a secret in a new file when the profile cannot.',
  ],
  /** A secret issued and kept outside the profile (--secret-out, or shown once): save it from there. */
  secretKeptElsewhere: [
    'Fix the profile directory, then save it with ',
    command(
      'invenias',
      PROFILE,
      { value: 'clientId', flag: '--client-id', otherwise: '<Client ID>' },
      { value: 'subdomain', flag: '--subdomain', otherwise: '<subdomain>' },
      { value: 'baseUrl', flag: '--base-url' },
    ),
    ' and that Client Secret in INVENIAS_CLIENT_SECRET (or on --client-secret-stdin). If it is lost: ',
    RENEW_THERE,
    '.',
  ],
} as const satisfies Record<string, Hint>;
