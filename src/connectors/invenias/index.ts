import { CliError, InputError, InterruptedError, RejectedError } from '../../core/errors.js';
import { missingInput } from '../../core/resolve.js';
import type { RunContext, SetupSummary } from '../../core/run.js';
import { runCheck } from '../../core/run.js';
import { type NextMove, askNextMove, givenExplicitly, showRefusal } from '../../core/wizard.js';
import { type ApplicationRequest, type IssuedSecret, type Operation, createApplication, freshKeyRefusedToo, renewApplication } from './applications.js';
import { field, originOf, replyUrl } from './fields.js';
import { type InveniasCredentials, verifyCredentials } from './token.js';
import {
  type DraftKey,
  type InveniasDraft,
  askApiKey,
  askApplicationDetails,
  askClientId,
  askClientSecret,
  askExpiration,
  askPlan,
  askSubdomain,
  askUser,
  asExpiration,
  confirmCreate,
  confirmRenew,
  declined,
  isOpen,
  showIntro,
  showSwaggerGuide,
} from './wizard.js';
import type { ConnectorModule } from '../types.js';

/** How this run gets its application: create one, renew one, take one given, or reuse the profile's. */
type Plan = 'create' | 'renew' | 'existing' | 'saved';

/** The first API Key and one fresh one: a fresh key refused too points at the account, not the key. */
const MAX_API_KEY_TRIES = 2;

const VERIFY_KEYS: readonly DraftKey[] = ['subdomain', 'clientId', 'clientSecret', 'username', 'password'];
const NEEDS: Record<Plan, readonly DraftKey[]> = {
  create: ['subdomain', 'apiKey', 'username', 'password', 'serviceDomain', 'appName', 'expiration'],
  renew: ['subdomain', 'apiKey', 'clientId', 'username', 'password', 'expiration'],
  existing: VERIFY_KEYS,
  saved: VERIFY_KEYS,
};

/** Ends the run (exit 2) naming the first value of `keys` still missing, before anything is sent. */
function requireKeys(draft: InveniasDraft, keys: readonly DraftKey[]): void {
  const missing = keys.find((key) => draft[key] === undefined);
  if (missing) throw missingInput(field(missing), missing === 'apiKey' ? ' (to create or renew an application)' : '');
}

function credentialsOf(draft: InveniasDraft): InveniasCredentials {
  requireKeys(draft, VERIFY_KEYS);
  const { subdomain, clientId, clientSecret, username, password } = draft as Required<InveniasDraft>;
  return { origin: originOf(draft as { subdomain: string; baseUrl?: string }), subdomain, clientId, clientSecret, username, password };
}

function flagsOf(options: Record<string, unknown>): { newApp: boolean; renew: boolean } {
  return { newApp: options.newApp === true, renew: options.renew === true };
}

async function choosePlan(context: RunContext, draft: InveniasDraft): Promise<Plan> {
  const { newApp, renew } = flagsOf(context.options);
  if (renew) return 'renew';
  if (newApp) return 'create';
  const { sources } = context.resolved;
  if (draft.clientId && draft.clientSecret && sources.clientId === 'profile' && sources.clientSecret === 'profile') {
    const savedSubdomain = context.saved?.values.subdomain;
    if (savedSubdomain && savedSubdomain !== draft.subdomain) {
      throw new InputError(
        'invalid_input',
        `Profile "${context.profileName}" holds an application of subdomain ${savedSubdomain}, not ${draft.subdomain ?? ''}.`,
        `Use another --profile, or pass --new-app to create an application for ${draft.subdomain ?? 'that subdomain'}.`,
      );
    }
    return 'saved';
  }
  if (givenExplicitly(context, 'clientId') || givenExplicitly(context, 'clientSecret')) return 'existing';
  if (givenExplicitly(context, 'apiKey')) return 'create';
  if (context.interactive) return askPlan(context);
  throw missingInput(field('apiKey'), ' (to create an application; for an existing one pass --client-id and INVENIAS_CLIENT_SECRET)');
}

function applicationRequest(draft: InveniasDraft): ApplicationRequest {
  return {
    Expiration: asExpiration(draft.expiration),
    Name: draft.appName ?? 'Integration',
    ReplyUrl: replyUrl(draft.serviceDomain ?? ''),
    FlowType: 'ResourceOwner',
  };
}

/** Values of the profile that describe the application (the user's are saved after verification). */
function applicationValues(draft: InveniasDraft, keys: readonly DraftKey[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of ['subdomain', 'baseUrl', 'clientId', ...keys] as const) {
    const value = draft[key];
    if (value !== undefined) values[key] = value;
  }
  return values;
}

/**
 * Stores a freshly issued secret in the profile before anything else: it is the only copy that will ever exist.
 * If it cannot be stored, the Client ID is named so the user can renew the application for a new secret.
 */
function keeper(context: RunContext, draft: InveniasDraft, keys: readonly DraftKey[]) {
  return async (issued: IssuedSecret): Promise<void> => {
    if (issued.clientId !== undefined) draft.clientId = issued.clientId;
    draft.clientSecret = issued.clientSecret;
    try {
      await context.store.update(context.connector.name, context.profileName, {
        values: applicationValues(draft, keys),
        secrets: { clientSecret: issued.clientSecret },
        expiresOn: issued.expiresOn,
      });
    } catch (error) {
      const reason = error instanceof CliError ? error.message : ((error as { code?: string }).code ?? 'unknown error');
      throw new CliError(
        'secret_not_saved',
        `Invenias issued a Client Secret for application ${issued.clientId ?? draft.clientId ?? '(no Client ID given)'}, but it could not be saved: ${reason}`,
        'Fix the config directory, then get a new secret with connector-setup invenias --renew --client-id <that Client ID>.',
        1,
      );
    }
    if (context.options.save === false) context.warnings.push('The new Client Secret was saved in the profile despite --no-save: it is the only copy.');
  };
}

/** Lets a person paste a fresh API Key after a 401; anything else ends the attempt. */
async function retryWithFreshKey(context: RunContext, draft: InveniasDraft, error: unknown, tries: number, operation: Operation): Promise<boolean> {
  if (!context.interactive || !(error instanceof RejectedError) || error.code !== 'api_key_rejected') return false;
  if (tries >= MAX_API_KEY_TRIES) throw freshKeyRefusedToo(error, operation);
  showRefusal(context, error);
  await askApiKey(context, draft, true);
  return true;
}

async function createStep(context: RunContext, draft: InveniasDraft): Promise<string | null> {
  const origin = originOf(draft as { subdomain: string; baseUrl?: string });
  // The answer holds a secret that must be kept (even with --no-save): a forced keychain must work first.
  await context.store.checkSecretStore();
  const appKeys: DraftKey[] = ['serviceDomain', 'appName', 'expiration'];
  if (context.interactive) {
    await askApplicationDetails(context, draft, false);
    // The API Key lives 3 minutes: it is asked for last, right before the request is shown and sent.
    if (isOpen(context, 'apiKey')) {
      await showSwaggerGuide(context, origin);
      await askApiKey(context, draft);
    }
    requireKeys(draft, NEEDS.create.filter((key) => key !== 'username' && key !== 'password'));
    if (!(await confirmCreate(context, origin, draft.apiKey ?? '', applicationRequest(draft)))) throw declined('creating the application');
  }
  for (let tries = 1; ; tries += 1) {
    try {
      const created = await runCheck(context, 'Creating the ThirdPartyApplication', () =>
        createApplication(context, origin, draft.apiKey ?? '', applicationRequest(draft), keeper(context, draft, appKeys)),
      );
      context.out.say(`Saved application ${created.clientId} and its Client Secret in profile "${context.profileName}" (Invenias shows the secret only once).`);
      return created.expiresOn;
    } catch (error) {
      if (await retryWithFreshKey(context, draft, error, tries, 'create')) continue;
      if (!context.interactive || !(error instanceof RejectedError) || error.code !== 'validation_failed') throw error;
      showRefusal(context, error);
      if (!(await context.prompt.confirm({ message: 'Change the Name, Expiration or Service Domain and try again?', default: true }))) throw error;
      await askApplicationDetails(context, draft, true);
      if (!(await confirmCreate(context, origin, draft.apiKey ?? '', applicationRequest(draft)))) throw declined('creating the application');
    }
  }
}

async function renewStep(context: RunContext, draft: InveniasDraft): Promise<string | null> {
  const origin = originOf(draft as { subdomain: string; baseUrl?: string });
  await context.store.checkSecretStore();
  if (context.interactive) {
    if (draft.clientId === undefined) await askClientId(context, draft);
    if (isOpen(context, 'expiration')) await askExpiration(context, draft);
    // The API Key lives 3 minutes: it is asked for last, right before the request is shown and sent.
    if (isOpen(context, 'apiKey')) {
      await showSwaggerGuide(context, origin);
      await askApiKey(context, draft);
    }
    requireKeys(draft, ['apiKey', 'clientId']);
    if (!(await confirmRenew(context, origin, draft.apiKey ?? '', draft.clientId ?? '', asExpiration(draft.expiration)))) {
      throw declined('renewing the application');
    }
  }
  const clientId = draft.clientId ?? '';
  for (let tries = 1; ; tries += 1) {
    try {
      const renewed = await runCheck(context, `Renewing application ${clientId}`, () =>
        renewApplication(context, origin, draft.apiKey ?? '', clientId, asExpiration(draft.expiration), keeper(context, draft, ['expiration'])),
      );
      context.out.say(`Saved the new Client Secret of application ${clientId} in profile "${context.profileName}".`);
      return renewed.expiresOn;
    } catch (error) {
      if (!(await retryWithFreshKey(context, draft, error, tries, 'renew'))) throw error;
    }
  }
}

/** After a refusal, a person can change what they typed and try again, or stop. */
function nextMove(context: RunContext, error: RejectedError, plan: Plan): Promise<NextMove> {
  // An application created, renewed or already saved is in the profile; one typed in by hand is not saved until it works.
  const kept = plan === 'existing' ? '' : ' (the application stays saved in the profile)';
  return askNextMove(context, error, [
    { name: 'Change the values I entered', value: 'edit' },
    { name: 'Try again (after fixing it in Invenias)', value: 'retry' },
    { name: `Quit${kept}`, value: 'quit' },
  ]);
}

/**
 * The expiry date the profile knows for this application and secret; unknown (null) for another application, or
 * for a secret that is not the saved one (the application was renewed elsewhere).
 */
function savedExpiryOf(context: RunContext, clientId: string | undefined, clientSecret: string | undefined): string | null {
  const { saved } = context;
  return saved && saved.values.clientId === clientId && saved.secrets.clientSecret === clientSecret ? saved.expiresOn : null;
}

function summary(credentials: InveniasCredentials, draft: InveniasDraft, extraKeys: readonly DraftKey[], expiresOn: string | null | undefined): SetupSummary {
  const { subdomain, clientId, clientSecret, username, password } = credentials;
  const values: Record<string, string> = { subdomain, clientId, username };
  for (const key of ['baseUrl', ...extraKeys] as const) {
    const value = draft[key];
    if (value !== undefined) values[key] = value;
  }
  return {
    values,
    secrets: { clientSecret, password },
    cyclrValues: [
      { label: 'Client ID', value: clientId, secret: false },
      { label: 'Client Secret', value: clientSecret, secret: true },
      { label: 'Username', value: username, secret: false },
      { label: 'Password', value: password, secret: true },
      { label: 'Subdomain', value: subdomain, secret: false },
    ],
    ...(expiresOn !== undefined ? { expiresOn } : {}),
  };
}

/** Steps 6-7: the user the connector acts as, proved with a token; a person may correct a refusal and retry. */
async function verifyUser(
  context: RunContext,
  draft: InveniasDraft,
  plan: Plan,
  expiresOn: string | null | undefined,
  extraKeys: readonly DraftKey[],
): Promise<SetupSummary> {
  if (context.interactive) await askUser(context, draft, false);
  for (;;) {
    const credentials = credentialsOf(draft);
    try {
      await verifyCredentials(context, credentials, expiresOn);
      return summary(credentials, draft, extraKeys, expiresOn);
    } catch (error) {
      if (!context.interactive || !(error instanceof RejectedError)) throw error;
      if ((await nextMove(context, error, plan)) === 'edit') {
        // A refused user (password, or licence and group) is fixed by changing the user, not the application.
        if (plan === 'existing' && !['invalid_grant', 'user_not_licensed'].includes(error.code)) {
          await askClientId(context, draft);
          await askClientSecret(context, draft);
        }
        await askUser(context, draft, true);
      }
    }
  }
}

function keptOnInterrupt(context: RunContext, draft: InveniasDraft): InterruptedError {
  const profileFlag = context.profileName === 'default' ? '' : ` --profile ${context.profileName}`;
  return new InterruptedError(
    `Interrupted. Application ${draft.clientId ?? ''} and its new Client Secret are saved in profile "${context.profileName}".`,
    `Run connector-setup invenias${profileFlag} again (without --new-app or --renew) to verify them; no new application is created.`,
  );
}

export const invenias: ConnectorModule = {
  async setup(context) {
    const draft: InveniasDraft = { ...context.resolved.values };
    // A failed run reports the non-secret values collected so far (e.g. the Client ID of an application just created).
    context.draft = draft;
    if (context.interactive) {
      showIntro(context);
      if (isOpen(context, 'subdomain')) await askSubdomain(context, draft);
    }
    requireKeys(draft, ['subdomain']);
    const plan = await choosePlan(context, draft);
    // Without a terminal, every value is checked before the first request: nothing is created half-way.
    if (!context.interactive) requireKeys(draft, NEEDS[plan]);

    let expiresOn: string | null | undefined;
    let extraKeys: DraftKey[] = [];
    if (plan === 'create') {
      // A new application has no Client ID yet: a failure must not name the one the profile held before.
      delete draft.clientId;
      delete draft.clientSecret;
      expiresOn = await createStep(context, draft);
      extraKeys = ['serviceDomain', 'appName', 'expiration'];
    } else if (plan === 'renew') {
      expiresOn = await renewStep(context, draft);
      extraKeys = ['expiration'];
    } else if (plan === 'saved') {
      context.out.say(
        `Using application ${draft.clientId ?? ''} saved in profile "${context.profileName}" (--new-app creates another, --renew gives it a new secret).`,
      );
      expiresOn = context.saved?.expiresOn ?? null;
    } else {
      if (context.interactive) {
        if (isOpen(context, 'clientId')) await askClientId(context, draft);
        if (isOpen(context, 'clientSecret')) await askClientSecret(context, draft);
      }
      expiresOn = savedExpiryOf(context, draft.clientId, draft.clientSecret);
    }

    try {
      return await verifyUser(context, draft, plan, expiresOn, extraKeys);
    } catch (error) {
      // A new secret was saved before the interruption: say so, so the next run reuses it instead of creating another.
      if (error instanceof InterruptedError && (plan === 'create' || plan === 'renew')) throw keptOnInterrupt(context, draft);
      throw error;
    }
  },

  async verify(context) {
    const draft: InveniasDraft = { ...context.resolved.values };
    const credentials = credentialsOf(draft);
    const expiresOn = savedExpiryOf(context, credentials.clientId, credentials.clientSecret);
    await verifyCredentials(context, credentials, expiresOn);
    return summary(credentials, draft, [], expiresOn);
  },
};
