// The Invenias steps of the partner guide that no API can do for the user, and the hints of each diagnosis, as data.

export const API_KEY_STEPS = [
  'On that page, double-click the API Key box at the top.',
  'Sign in if you are asked to; an API Key then appears in the box.',
  'Copy the API Key and paste it here. It lives 3 minutes, so have it ready.',
  'The account must be in the System Administrator permission group to create applications.',
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
    'The application may have been created. Look under ThirdPartyApplications (GET) in Swagger before trying again: if it is there, its secret was never shown, so get a new one with connector-setup invenias --renew --client-id <its ClientId> (or delete it); if it is not, run again.',
  invalidGrant:
    'Check the Username and Password by signing in to the Invenias portal. Only accounts that sign in with the Invenias identity provider can be used here, not single sign-on (SSO) accounts.',
  invalidClient:
    'Check the Client ID and Client Secret under ThirdPartyApplications in Swagger. If the application expired or was disabled, run connector-setup invenias --renew to get a new secret.',
  appExpired: 'Renew it: connector-setup invenias --renew (needs a fresh API Key), then enter the new secret in Cyclr.',
  unauthorizedClient:
    'The application must use FlowType ResourceOwner. Create one that does: connector-setup invenias --new-app.',
  notFound: 'Check the Subdomain (the first part of your portal address) and --base-url if you gave one.',
  appNotFound: 'Check the Client ID under ThirdPartyApplications in Swagger, or create a new application with --new-app.',
} as const;
