// The interactive Invenias steps: each reads its value from flags, environment or profile first and asks only
// when it is still open; saved values are offered as defaults so Enter keeps them.
import { browserCommand, openInBrowser } from '../../core/terminal/browser.js';
import { sayRequest } from '../../core/terminal/request.js';
import type { Question, QuestionContext, StepContext } from '../../core/run/connector.js';
import { InputError } from '../../core/errors.js';
import { maskSecret } from '../../core/redact.js';
import { askField, chooseField } from '../../core/run/wizard.js';
import { type ApplicationRequest, applicationsUrl, renewUrl } from './applications.js';
import { EXPIRATIONS, type Expiration, field, parseExpiration, swaggerUrl } from './fields.js';
import { API_KEY_STEPS, SERVICE_DOMAIN_WHERE } from './guide.js';

type Context = QuestionContext;

export function showIntro(context: Pick<StepContext, 'out'>): void {
  const { out } = context;
  out.say(out.paint.bold('Invenias partner setup: a ThirdPartyApplication for Cyclr'));
  // One paragraph, wrapped once at the terminal's width.
  out.say(
    '  This creates the application through the Invenias API (or takes one you already have), proves it with a token exactly as Cyclr will ask for one, saves a profile and prints the values for Cyclr.',
  );
  out.say();
}

/** --renew: what it does, and before anything is asked, that the current secret stops working at once. */
export function showRenewIntro(context: Pick<StepContext, 'out'>): void {
  const { out } = context;
  out.say(out.paint.bold('Invenias: renew the application (a new Client Secret)'));
  // One paragraph, wrapped once at the terminal's width.
  out.say('  This gives the application a new Client Secret and expiry through the Invenias API, proves it with a token exactly as Cyclr will ask for one, saves it in the profile and prints the values for Cyclr.');
  out.warn(RENEW_STOPS_OLD_SECRET);
  out.say();
}

export const SUBDOMAIN = askField(field('subdomain'), { message: 'Subdomain (company, company.invenias.com or your portal URL)', sayNormalised: true });
export const CLIENT_ID = askField(field('clientId'));
export const CLIENT_SECRET = askField(field('clientSecret'));
export const EXPIRATION = chooseField(field('expiration'), EXPIRATIONS.map((choice) => ({ name: choice, value: choice })));
/** The application's Name, Expiration and the Cyclr Service Domain of its ReplyUrl. */
export const APPLICATION_DETAILS: readonly Question[] = [
  askField(field('appName'), { message: 'Application Name' }),
  EXPIRATION,
  askField(field('serviceDomain'), { message: 'Cyclr Service Domain', intro: [`The Cyclr service domain is under ${SERVICE_DOMAIN_WHERE}.`] }),
];
/** Step 6: the Invenias user the connector will act as. */
export const USER: readonly Question[] = [
  askField(field('username'), {
    intro: [
      'The Invenias user Cyclr acts as: one that signs in with the Invenias identity provider (not single sign-on), and is licensed, enabled and in the System Administrator permission group, or Invenias refuses its API calls.',
    ],
  }),
  askField(field('password')),
];

export async function askPlan(context: Pick<StepContext, 'prompt'>): Promise<'create' | 'existing'> {
  return context.prompt.select<'create' | 'existing'>({
    message: 'Application',
    choices: [
      { name: 'Create a new application through the Invenias API (needs an API Key)', short: 'a new one, through the Invenias API', value: 'create' },
      { name: 'I already have an application (Client ID and Client Secret)', short: 'one I already have', value: 'existing' },
    ],
  });
}

/** Step 2 of the guide: the Swagger page and its API Key box, opened in a browser where one can be. */
export async function showSwaggerGuide(context: Pick<StepContext, 'prompt' | 'out' | 'env' | 'redactor'>, origin: string): Promise<void> {
  const { out } = context;
  const url = swaggerUrl(origin);
  out.say(out.paint.bold('Get an API Key from the Invenias Swagger page:'));
  // Alone and unindented, as sayRequest shows an address: a long --base-url still reads and copies whole.
  out.say(out.paint.cyan(url));
  const browser = browserCommand(context.env);
  if (browser && (await context.prompt.confirm({ message: 'Open it in your browser?', default: true }))) {
    if (!(await openInBrowser(url, browser, context.env, context.redactor))) out.say(`  Could not start a browser; open the address above yourself.`);
  } else if (!browser) {
    out.say('  Open the address above in your browser.');
  }
  API_KEY_STEPS.forEach((step, index) => out.say(`  ${out.paint.cyan(`${index + 1}.`)} ${step}`));
  out.say();
}

/** The API Key lives 3 minutes: a fresh one is asked for, never kept. */
export async function askApiKey(context: Context, fresh = false): Promise<string> {
  const { apiKey } = await askField(field('apiKey'), { message: fresh ? 'A fresh API Key' : 'API Key' }).ask(context, {}, false);
  return apiKey ?? '';
}

/** The POST about to be sent, its API Key masked. */
function showRequest(out: StepContext['out'], url: string, apiKey: string, body?: ApplicationRequest): void {
  sayRequest(out, 'About to send a POST to:', { url, headers: [`Authorization: Bearer ${maskSecret(apiKey)}`], body });
}

/** Shows exactly what is about to be sent (the key masked) and asks to go on. */
export async function confirmCreate(context: Pick<StepContext, 'prompt' | 'out'>, origin: string, apiKey: string, request: ApplicationRequest): Promise<boolean> {
  const { out } = context;
  out.say(`  ReplyUrl: ${request.ReplyUrl}`);
  showRequest(out, applicationsUrl(origin), apiKey, request);
  return context.prompt.confirm({ message: 'Create this application?', default: true });
}

/** docs/partners.md I-RENEW-OLD-SECRET (assumed): a renew breaks Cyclr until it has the new secret. */
export const RENEW_STOPS_OLD_SECRET = 'Invenias keeps no previous secret: the current Client Secret stops working at once, so Cyclr fails until you enter the new one.';

export async function confirmRenew(context: Pick<StepContext, 'prompt' | 'out'>, origin: string, apiKey: string, clientId: string, expiration: Expiration): Promise<boolean> {
  const { out } = context;
  showRequest(out, renewUrl(origin, clientId, expiration), apiKey);
  out.say('  Invenias issues a new Client Secret; enter it in Cyclr afterwards.');
  out.warn(RENEW_STOPS_OLD_SECRET);
  return context.prompt.confirm({ message: 'Renew this application?', default: true });
}

/** The user said no at a confirmation: nothing was sent. */
export function declined(what: string): InputError {
  return new InputError('cancelled', `Stopped before ${what}; nothing was sent.`, 'Run the command again when you are ready.');
}

export function asExpiration(value: string | undefined): Expiration {
  return parseExpiration(value ?? 'FiveYears');
}
