// The Invenias steps of the partner guide that no API can do for the user, and the hints of each diagnosis, as data.

export const API_KEY_STEPS = [
  'On that page, double-click the API Key box at the top.',
  'Sign in if you are asked to; an API Key then appears in the box.',
  'Copy the API Key and paste it here. It lives 3 minutes, so have it ready.',
  'The account must be licensed, enabled and in the System Administrator permission group to create applications.',
] as const;

export const SERVICE_DOMAIN_WHERE = 'Cyclr Console > Settings > General Settings > Service Domain';

export const CYCLR_LOCATION = 'Cyclr Console > Connectors > Connector Library > Invenias > Setup';

/** Each diagnosis names the setting, page or command that fixes it. */
export const HINTS = {
  apiKeyRejected:
    'The API Key lives 3 minutes: double-click the API Key box on the Swagger page again, copy the new key and run again straight away.',
  notSystemAdmin:
    'Use an account in the System Administrator permission group (Invenias: Settings > Permission Groups), then get a new API Key while signed in as it.',
  validation: 'Change the values Invenias named (--app-name, --expiration, --service-domain) and run again.',
  maybeCreated:
    'The application may have been created, but its secret was never shown, and Invenias offers no way to list applications. Run again to create another; if you later learn the unused application\'s Client ID, give it a new secret with connector-setup invenias --renew --client-id <Client ID>, or tell your Invenias administrator it is unused.',
  invalidGrant:
    'Check the Username and Password by signing in to the Invenias portal. Only accounts that sign in with the Invenias identity provider can be used here, not single sign-on (SSO) accounts.',
  invalidClient:
    'Check the Client ID and Client Secret you entered: Invenias shows a secret only once, when the application is created or renewed. If the secret is lost or the application expired, get a new secret with connector-setup invenias --renew --client-id <Client ID> (needs a fresh API Key), or create another application with --new-app.',
  appExpired: 'Renew it: connector-setup invenias --renew (needs a fresh API Key); it then offers to copy the new secret for Cyclr.',
  unauthorizedClient:
    'The application must use FlowType ResourceOwner. Create one that does: connector-setup invenias --new-app.',
  notFound: 'Check the Subdomain (the first part of your portal address) and --base-url if you gave one.',
  appNotFound:
    'Check the Client ID: it is the ClientId Invenias showed when the application was created (Invenias offers no way to list applications). Or create another application with --new-app.',
  noClientId:
    'Without its Client ID the application cannot be used or renewed: create another with connector-setup invenias --new-app, and tell your Invenias administrator that an unused application of this name exists.',
  userNotLicensed:
    'Ask your Invenias administrator to make this user licensed, enabled and a member of the System Administrator permission group (or use a user that is), then try again.',
  apiKeyRefusedAgain:
    'Invenias also refuses API Keys when the account that signs in to Swagger is no longer licensed, enabled or in the System Administrator permission group. Ask your Invenias administrator to check that account, then run again with a fresh API Key.',
} as const;

/**
 * A hint's commands made complete for the run they are about: the profile they act on and, when known, the
 * application's Client ID, so that a pasted command renews the right application into the right profile.
 */
export function forProfile(hint: string, profile: string, clientId?: string): string {
  const id = clientId && /^\S{1,100}$/.test(clientId) ? clientId : '<Client ID>';
  return hint
    .replace(/connector-setup invenias --renew --client-id <Client ID>/g, `connector-setup invenias --renew --profile ${profile} --client-id ${id}`)
    .replace(/connector-setup invenias --renew(?! --profile)/g, `connector-setup invenias --renew --profile ${profile}`)
    .replace(/(connector-setup invenias )?--new-app(?! --profile)/g, `connector-setup invenias --new-app --profile ${profile}`);
}
