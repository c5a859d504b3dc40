// Invenias as steps: the subdomain, how this run gets its application (create one through the API, renew one, take
// one given, or reuse the profile's), the user, the token request as Cyclr sends it, and the diagnoses. A created or
// renewed application's secret is a step result the runner saves before anything else happens.
import type { ConnectorSteps, NextMove, Step, StepContext, StepResult, Values } from '../../core/run/connector.js';
import { CliError, InputError, RejectedError } from '../../core/errors.js';
import type { Choice } from '../../core/terminal/prompts.js';
import { missingInputs } from '../../core/run/resolve.js';
import { askOpen, givenExplicitly, isOpen } from '../../core/run/wizard.js';
import { type ApplicationRequest, type Operation, createApplication, freshKeyRefusedToo, missingClientId, renewApplication } from './applications.js';
import { VERIFY_KEYS, field, originOf, replyUrl } from './fields.js';
import { HINTS } from './guide.js';
import { command } from '../../core/hint.js';
import type { InveniasRequest } from './request.js';
import { checkApiCall, diagnose, tokenRequest } from './token.js';
import {
  APPLICATION_DETAILS,
  CLIENT_ID,
  CLIENT_SECRET,
  EXPIRATION,
  SUBDOMAIN,
  USER,
  askApiKey,
  askPlan,
  asExpiration,
  confirmCreate,
  confirmRenew,
  declined,
  showIntro,
  showRenewIntro,
  showSwaggerGuide,
  RENEW_STOPS_OLD_SECRET,
} from './wizard.js';

/** How this run gets its application: create one, renew one, take one given, or reuse the profile's. */
type Plan = 'create' | 'renew' | 'existing' | 'saved';

/** From the second refused API Key on, each refusal says what it can mean and the person chooses to go on or stop. */
const EXPLAINED_FROM_TRY = 2;

const NEEDS: Record<Plan, readonly string[]> = {
  create: ['subdomain', 'apiKey', 'username', 'password', 'serviceDomain', 'appName', 'expiration'],
  renew: ['subdomain', 'apiKey', 'clientId', 'username', 'password', 'expiration'],
  existing: VERIFY_KEYS,
  saved: VERIFY_KEYS,
};

/** Ends the run (exit 2) naming every value of `keys` still missing, before anything is sent. */
function requireKeys(context: Pick<StepContext, 'notAsked'>, values: Values, keys: readonly string[], why = ''): void {
  const missing = keys.filter((key) => values[key] === undefined).map(field);
  if (missing.length > 0) throw missingInputs(missing, why, context.notAsked);
}

/** Without a terminal and with nothing naming an application, the run would create one: what that needs is named. */
const TO_CREATE_OR_USE = ' (to create an application; for an existing one pass --client-id and INVENIAS_CLIENT_SECRET)';

function originOfValues(values: Values): string {
  return originOf({ subdomain: values.subdomain ?? '', baseUrl: values.baseUrl });
}

function planOf(values: Values): Plan {
  return (values.plan ?? 'existing') as Plan;
}

/** What --new-app does to the application a profile held: it is no longer used, and it is not removed. */
function replacing(profile: string, replaced: string): string {
  return (
    `Profile "${profile}" will use the new application instead of ${replaced}. ${replaced} stays in Invenias (the API offers no way to remove it); ` +
    'ask your Invenias administrator to remove it if nothing else uses it.'
  );
}

/** A profile's name for the application of `subdomain`: the subdomain itself, else numbered, never one taken. */
async function freeProfileName(context: Pick<StepContext, 'profiles'>, subdomain: string): Promise<string> {
  const taken = new Set(await context.profiles.names());
  for (let number = 1; ; number += 1) {
    const name = number === 1 ? subdomain : `${subdomain.slice(0, 56)}-${number}`;
    if (!taken.has(name)) return name;
  }
}

/** How this run gets its application, and whether it goes to a new profile or replaces the profile's. */
interface PlanChoice {
  plan: Plan | 'unnamed';
  /** A new profile the application goes to; the one the run started from stays as it is. */
  moveTo?: string;
  /** The profile's application (of another subdomain) is replaced, its only saved secret dropped: said as it is. */
  replacesOther?: { subdomain: string; clientId: string };
}

/**
 * The profile's application belongs to another subdomain than the one typed. The default keeps it: the new
 * subdomain's application goes to a new profile. Replacing it drops the only saved secret of an application Cyclr
 * may well use, so it is a choice that says so.
 */
async function otherSubdomain(context: StepContext, savedSubdomain: string, typed: string): Promise<PlanChoice> {
  const { profileName } = context;
  const savedClientId = context.saved?.values.clientId ?? '';
  context.out.warn(`Profile "${profileName}" holds application ${savedClientId} of subdomain ${savedSubdomain}, not ${typed}.`);
  const suggested = await freeProfileName(context, typed);
  const choice = await context.prompt.select<'new' | 'replace' | 'quit'>({
    message: `Where should the application for ${typed} go?`,
    choices: [
      { name: `Create it in a new profile "${suggested}" (profile "${profileName}" stays as it is)`, short: `in a new profile "${suggested}"`, value: 'new' },
      { name: `Replace the application of profile "${profileName}" (its only saved Client Secret, of ${savedSubdomain}'s application, is dropped)`, short: `in profile "${profileName}", replacing its application`, value: 'replace' },
      { name: `Quit (to use ${savedSubdomain}, run again and type it)`, short: 'Quit', value: 'quit' },
    ],
  });
  if (choice === 'quit') throw declined('choosing an application');
  if (choice === 'new') return { plan: 'create', moveTo: suggested };
  return { plan: 'create', replacesOther: { subdomain: savedSubdomain, clientId: savedClientId } };
}

async function choosePlan(context: StepContext, values: Values, request: InveniasRequest): Promise<PlanChoice> {
  if (request.renew) return { plan: 'renew' };
  if (request.newApp) return { plan: 'create' };
  const { sources } = context;
  if (values.clientId && values.clientSecret && sources.clientId === 'profile' && sources.clientSecret === 'profile') {
    const savedSubdomain = context.saved?.values.subdomain;
    const typed = values.subdomain ?? '';
    if (savedSubdomain && savedSubdomain !== typed && context.interactive) return otherSubdomain(context, savedSubdomain, typed);
    if (savedSubdomain && savedSubdomain !== typed) {
      throw new InputError('invalid_input', `Profile "${context.profileName}" holds an application of subdomain ${savedSubdomain}, not ${typed}.`, [
        `Give the application for ${typed} its own profile: `,
        command('invenias', '--subdomain', typed, '--profile', await freeProfileName(context, typed)),
        `. (--new-app would replace this profile's application, dropping its only saved Client Secret.)`,
      ]);
    }
    return { plan: 'saved' };
  }
  if (givenExplicitly(context, 'clientId') || givenExplicitly(context, 'clientSecret')) return { plan: 'existing' };
  if (givenExplicitly(context, 'apiKey')) return { plan: 'create' };
  if (context.interactive) return { plan: await askPlan(context) };
  return { plan: 'unnamed' };
}

/** Replacing the application of another subdomain: what is lost, and nothing that calls it unused. */
function replacingOther(profile: string, replaced: { subdomain: string; clientId: string }): string {
  return (
    `Profile "${profile}" will use the new application; it no longer keeps the Client Secret of ${replaced.subdomain}'s application ${replaced.clientId}, ` +
    'which Invenias showed only once. That application stays in Invenias and keeps working wherever its secret is entered (Cyclr, if it uses it).'
  );
}

function applicationRequest(values: Values): ApplicationRequest {
  return {
    Expiration: asExpiration(values.expiration),
    Name: values.appName ?? 'Integration',
    ReplyUrl: replyUrl(values.serviceDomain ?? ''),
    FlowType: 'ResourceOwner',
  };
}

/** In the wizard, a refused API Key is answered on the spot: the fix is the next question, not another run. */
const FIX_HERE: Record<string, string> = {
  api_key_rejected: 'Double-click the API Key box on the Swagger page again and paste the new key below (it lives 3 minutes).',
  not_system_admin: 'Sign in to the Swagger page as a user in the System Administrator permission group, then paste that API Key below.',
};

/**
 * Lets a person paste another API Key after a 401 (expired) or 403 (not an administrator), keeping every other
 * answer; anything else ends the attempt. From the second refusal on, what it can mean is said and Quit is offered.
 */
async function freshKeyAfter(context: StepContext, error: unknown, tries: number, operation: Operation): Promise<string | undefined> {
  if (!context.interactive || !(error instanceof RejectedError)) return undefined;
  const fix = FIX_HERE[error.code];
  if (!fix) return undefined;
  if (tries < EXPLAINED_FROM_TRY) {
    context.out.failure(error.withHint(fix), { code: false });
    return askApiKey(context, true);
  }
  const refused = error.code === 'api_key_rejected' ? freshKeyRefusedToo(error, operation) : error;
  context.out.failure(refused, { code: false });
  const kept = operation === 'create' ? 'the Name, Expiration and Service Domain are kept' : 'the Client ID and Expiration are kept';
  const next = await context.prompt.select<'again' | 'quit'>({
    message: 'What now?',
    choices: [
      { name: `Paste another API Key (${kept})`, short: 'Paste another API Key', value: 'again' },
      { name: 'Quit', value: 'quit' },
    ],
  });
  if (next === 'quit') throw refused;
  return askApiKey(context, true);
}

const introStep = (request: InveniasRequest): Step => async (context, values) => {
  if (!context.interactive) return;
  if (request.renew) showRenewIntro(context);
  else showIntro(context);
  return { values: await askOpen(context, [SUBDOMAIN], values) };
};

const planStep = (request: InveniasRequest): Step => async (context, values) => {
  if (context.interactive) requireKeys(context, values, ['subdomain']);
  const chosen = await choosePlan(context, values, request);
  const plan: Plan = chosen.plan === 'unnamed' ? 'create' : chosen.plan;
  // Without a terminal, every value is checked before the first request, all at once: nothing is created half-way.
  if (!context.interactive) {
    const why = chosen.plan === 'unnamed' ? TO_CREATE_OR_USE : plan === 'create' || plan === 'renew' ? ' (to create or renew an application)' : '';
    requireKeys(context, values, ['subdomain', ...NEEDS[plan].filter((key) => key !== 'subdomain')], why);
  }
  // In the wizard the replacement is said before the application is created; a script finds it in the warnings once it is.
  const replaced = context.saved?.values.clientId;
  if (plan === 'create' && replaced && context.interactive && chosen.moveTo === undefined) {
    context.out.warn(chosen.replacesOther ? replacingOther(context.profileName, chosen.replacesOther) : replacing(context.profileName, replaced));
  }
  // A new application has no Client ID yet: a failure must not name the one the profile held before.
  const cleared = plan === 'create' ? { clientId: undefined, clientSecret: undefined } : {};
  if (chosen.moveTo === undefined) return { values: { plan, ...cleared }, next: [...planSteps(plan, request), userStep] };
  // A new profile for another tenant: the user and origin saved for the old one are not its own.
  const fromProfile = ['username', 'password', 'baseUrl'].filter((key) => context.sources[key] === 'profile');
  const moved = Object.fromEntries(fromProfile.map((key) => [key, undefined]));
  return { values: { plan, ...cleared, ...moved }, next: [...planSteps(plan, request), userStep], profile: chosen.moveTo };
};

const createStep: Step = async (context, values) => {
  const origin = originOfValues(values);
  let answers: Values = {};
  const current = (): Values => ({ ...values, ...answers });
  if (context.interactive) {
    answers = await askOpen(context, APPLICATION_DETAILS, values);
    // The API Key lives 3 minutes: it is asked for last, right before the request is shown and sent.
    if (isOpen(context, 'apiKey')) {
      await showSwaggerGuide(context, origin);
      answers = { ...answers, apiKey: await askApiKey(context) };
    }
    requireKeys(context, current(), NEEDS.create.filter((key) => key !== 'username' && key !== 'password'));
    if (!(await confirmCreate(context, origin, current().apiKey ?? '', applicationRequest(current())))) throw declined('creating the application');
  }
  for (let tries = 1; ; tries += 1) {
    try {
      const request = applicationRequest(current());
      const issued = await context.check('Creating the ThirdPartyApplication', () => createApplication(context, origin, current().apiKey ?? '', request));
      const replaced = context.saved?.values.clientId;
      if (replaced && !context.interactive) context.warn(replacing(context.profileName, replaced));
      return {
        values: {
          ...answers,
          appName: request.Name,
          expiration: request.Expiration,
          serviceDomain: current().serviceDomain,
          clientId: issued.clientId,
          clientSecret: issued.clientSecret,
        },
        keep: {
          with: ['subdomain', 'baseUrl'],
          expiresOn: issued.expiresOn,
          saidAs: `Saved application ${issued.clientId ?? '(no Client ID given)'} and its Client Secret in profile "${context.profileName}" (Invenias shows the secret only once).`,
          notSaved: (reason, keptAt) => secretNotSaved(issued.clientId, reason, keptAt),
        },
        next: issued.clientId === undefined ? [failStep(missingClientId())] : [],
      };
    } catch (error) {
      const fresh = await freshKeyAfter(context, error, tries, 'create');
      if (fresh !== undefined) {
        answers = { ...answers, apiKey: fresh };
        continue;
      }
      if (!context.interactive || !(error instanceof RejectedError) || error.code !== 'validation_failed') throw error;
      context.out.failure(error, { code: false });
      if (!(await context.prompt.confirm({ message: 'Change the Name, Expiration or Service Domain and try again?', default: true }))) throw error;
      answers = { ...answers, ...(await askOpen(context, APPLICATION_DETAILS, current(), true)) };
      if (!(await confirmCreate(context, origin, current().apiKey ?? '', applicationRequest(current())))) throw declined('creating the application');
    }
  }
};

/** The profile could not keep the one copy of a secret: say where it went instead (`keptAt`), or that it is gone. */
function secretNotSaved(clientId: string | undefined, reason: string, keptAt: string | undefined): CliError {
  const message = `Invenias issued a Client Secret for application ${clientId ?? '(no Client ID given)'}, but the profile could not keep it: ${reason.replace(/\.$/, '')}.`;
  if (keptAt === undefined) return new CliError('secret_not_saved', `${message} The secret is not kept anywhere.`, HINTS.secretNotSaved, 1);
  return new CliError('secret_not_saved', `${message} ${keptAt}.`, HINTS.secretKeptElsewhere, 1);
}

function failStep(error: Error): Step {
  return () => Promise.reject(error);
}

const renewStep = (request: Pick<InveniasRequest, 'yes'>): Step => async (context, values) => {
  const origin = originOfValues(values);
  let answers: Values = {};
  const current = (): Values => ({ ...values, ...answers });
  if (context.interactive) {
    if (values.clientId === undefined) answers = await CLIENT_ID.ask(context, values, false);
    answers = { ...answers, ...(await askOpen(context, [EXPIRATION], current())) };
    // The API Key lives 3 minutes: it is asked for last, right before the request is shown and sent.
    if (isOpen(context, 'apiKey')) {
      await showSwaggerGuide(context, origin);
      answers = { ...answers, apiKey: await askApiKey(context) };
    }
    requireKeys(context, current(), ['apiKey', 'clientId']);
    if (!(await confirmRenew(context, origin, current().apiKey ?? '', current().clientId ?? '', asExpiration(current().expiration)))) {
      throw declined('renewing the application');
    }
  }
  if (!context.interactive && !request.yes) {
    const asked = context.notAsked === 'no-input' ? 'or drop --no-input to be asked' : 'or run it in a terminal to be asked';
    throw new InputError('invalid_input', `${RENEW_STOPS_OLD_SECRET} Nothing was sent.`, `Pass --yes to renew without asking, ${asked}.`);
  }
  const clientId = current().clientId ?? '';
  for (let tries = 1; ; tries += 1) {
    try {
      const expiration = asExpiration(current().expiration);
      const renewed = await context.check(`Renewing application ${clientId}`, () => renewApplication(context, origin, current().apiKey ?? '', clientId, expiration));
      return {
        values: { ...answers, expiration, clientSecret: renewed.clientSecret },
        keep: {
          with: ['subdomain', 'baseUrl', 'clientId'],
          expiresOn: renewed.expiresOn,
          saidAs: `Saved the new Client Secret of application ${clientId} in profile "${context.profileName}".`,
          notSaved: (reason, keptAt) => secretNotSaved(clientId, reason, keptAt),
        },
      };
    } catch (error) {
      const fresh = await freshKeyAfter(context, error, tries, 'renew');
      if (fresh === undefined) throw error;
      answers = { ...answers, apiKey: fresh };
    }
  }
};

const savedStep: Step = async (context, values) => {
  context.out.say(`Using application ${values.clientId ?? ''} saved in profile "${context.profileName}" (--new-app creates another, --renew gives it a new secret).`);
};

const existingStep: Step = async (context, values) => {
  if (!context.interactive) return;
  return { values: await askOpen(context, [CLIENT_ID, CLIENT_SECRET], values) };
};

/** Steps 6-7: the user the connector acts as. */
const userStep: Step = async (context, values): Promise<StepResult | void> => {
  if (context.interactive) return { values: await askOpen(context, USER, values) };
};

function planSteps(plan: Plan, request: InveniasRequest): readonly Step[] {
  const steps: Record<Plan, Step> = { create: createStep, renew: renewStep(request), existing: existingStep, saved: savedStep };
  return [steps[plan]];
}

/** After a refusal, a person can change what they typed and try again, or stop. */
function nextMoves(values: Values): Choice<NextMove>[] {
  // An application created, renewed or already saved is in the profile; one typed in by hand is not saved until it works.
  const kept = planOf(values) === 'existing' ? '' : ' (the application stays saved in the profile)';
  return [
    { name: 'Change the values I entered', value: 'edit' },
    { name: 'Try again (after fixing it in Invenias)', short: 'Try again', value: 'retry' },
    { name: `Quit${kept}`, short: 'Quit', value: 'quit' },
  ];
}

/** Invenias' steps for what the command line asks (request.ts). */
export const invenias = (request: InveniasRequest): ConnectorSteps => ({
  setup: [introStep(request), planStep(request)],
  tokenRequest,
  diagnose: (context, refusal, _values, _generic, expiresOn) => diagnose(refusal, { expiresOn, now: context.clock.now() }),
  afterToken: checkApiCall,
  nextMoves,
  async edit(context, values, refusal) {
    // A refused user (password, or licence and group) is fixed by changing the user, not the application.
    const application = planOf(values) === 'existing' && !['invalid_grant', 'user_not_licensed'].includes(refusal.code);
    return askOpen(context, application ? [CLIENT_ID, CLIENT_SECRET, ...USER] : USER, values, true);
  },
});

