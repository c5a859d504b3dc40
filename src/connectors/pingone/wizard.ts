// The interactive PingOne steps: each reads its value from flags, environment or profile first and asks
// only when it is still open; saved values are offered as defaults so Enter keeps them.
import type { StepContext, Values } from '../../core/run/connector.js';
import { InputError } from '../../core/errors.js';
import { maskSecret } from '../../core/redact.js';
import { parseSecret, parseUuid } from '../../core/run/validate.js';
import { givenExplicitly, validateWith } from '../../core/run/wizard.js';
import { REGIONS, parseAuthorizationUrl, pingoneFields } from './fields.js';
import { WORKER_APP_CHECKLIST } from './guide.js';

type Context = Pick<StepContext, 'prompt' | 'out' | 'redactor' | 'sources'>;
/** One question; it returns the values it set (the AUTHORIZATION URL sets two). */
type Question = (context: Context, values: Values, editing: boolean) => Promise<Values>;

export function showChecklist(context: Pick<StepContext, 'out'>): void {
  const { out } = context;
  out.say(out.paint.bold('PingOne partner setup: create a Worker application for Cyclr'));
  WORKER_APP_CHECKLIST.forEach((step, index) => out.say(`  ${out.paint.cyan(`${index + 1}.`)} ${step}`));
  out.say();
}

const askClientId: Question = async (context, values) => ({
  clientId: parseUuid(
    await context.prompt.text({ message: 'Client ID', default: values.clientId, validate: validateWith((value) => parseUuid(value, 'Client ID')) }),
    'Client ID',
  ),
});

const askClientSecret: Question = async (context, values) => {
  const kept = values.clientSecret;
  const message = kept ? `Client Secret (Enter keeps ${maskSecret(kept)})` : 'Client Secret';
  const answer = await context.prompt.secret({
    message,
    validate: (value) => (kept && value === '' ? true : validateWith((secret) => parseSecret(secret, 'Client Secret'))(value)),
  });
  if (answer === '' && kept) return { clientSecret: kept };
  const secret = parseSecret(answer, 'Client Secret');
  if (secret.trimmed) context.out.warn('Removed whitespace around the pasted Client Secret.');
  context.redactor.add(secret.value);
  return { clientSecret: secret.value };
};

const authDomainField = pingoneFields.find((field) => field.key === 'authDomain') ?? pingoneFields[0]!;
const PASTE_URL = 'paste-url';
const CUSTOM_DOMAIN = 'custom-domain';

/** A pasted AUTHORIZATION URL must agree with an Environment ID already given by flag or variable. */
function parseUrlAgreeing(context: Context, values: Values, editing: boolean): (value: string) => ReturnType<typeof parseAuthorizationUrl> {
  const source = context.sources.environmentId;
  const given = !editing && givenExplicitly(context, 'environmentId') ? values.environmentId : undefined;
  return (value) => {
    const parts = parseAuthorizationUrl(value);
    if (given && parts.environmentId !== given) {
      const where = source === 'flag' ? '--environment-id' : 'PINGONE_ENVIRONMENT_ID';
      throw new InputError('invalid_input', `This URL is for environment ${parts.environmentId}, but ${where} gives ${given}.`);
    }
    return parts;
  };
}

export const askAuthDomain: Question = async (context, values, editing) => {
  const { prompt } = context;
  const regional = REGIONS.find((region) => region.authDomain === values.authDomain);
  const choice = await prompt.select<string>({
    message: 'Auth Domain (the host of the AUTHORIZATION URL)',
    default: regional?.authDomain ?? (values.authDomain ? CUSTOM_DOMAIN : PASTE_URL),
    choices: [
      { name: 'Paste the AUTHORIZATION URL (fills in the Environment ID too)', value: PASTE_URL },
      ...REGIONS.map((region) => ({ name: `${region.authDomain}  ${region.region}`, value: region.authDomain })),
      { name: 'Another domain (a custom domain)', value: CUSTOM_DOMAIN },
    ],
  });
  if (choice === PASTE_URL) {
    const parseUrl = parseUrlAgreeing(context, values, editing);
    const url = await prompt.text({ message: 'AUTHORIZATION URL', validate: validateWith(parseUrl) });
    const parts = parseUrl(url);
    context.out.say(`  Auth Domain ${parts.authDomain}, Environment ID ${parts.environmentId}`);
    return { authDomain: parts.authDomain, environmentId: parts.environmentId };
  }
  if (choice === CUSTOM_DOMAIN) {
    const domain = await prompt.text({
      message: 'Auth Domain (host[:port])',
      default: regional ? undefined : values.authDomain,
      validate: validateWith(authDomainField.parse),
    });
    return { authDomain: authDomainField.parse(domain) };
  }
  return { authDomain: choice };
};

/** An Environment ID, or the AUTHORIZATION URL pasted in its place (the usual copy): its ID, when its host is the Auth Domain. */
function parseEnvironmentAnswer(values: Values): (value: string) => string {
  return (value) => {
    if (!/^\s*https:\/\//i.test(value)) return parseUuid(value, 'Environment ID');
    const parts = parseAuthorizationUrl(value);
    if (values.authDomain && parts.authDomain !== values.authDomain) {
      throw new InputError('invalid_input', `This URL is for ${parts.authDomain}, but the Auth Domain is ${values.authDomain}: paste the Environment ID alone.`);
    }
    return parts.environmentId;
  };
}

export const askEnvironmentId: Question = async (context, values) => {
  const parse = parseEnvironmentAnswer(values);
  const answer = await context.prompt.text({ message: 'Environment ID', default: values.environmentId, validate: validateWith(parse) });
  const environmentId = parse(answer);
  if (environmentId !== answer.trim()) context.out.say(`  Environment ID ${environmentId}`);
  return { environmentId };
};

const QUESTIONS: ReadonlyArray<[string, Question]> = [
  ['clientId', askClientId],
  ['clientSecret', askClientSecret],
  ['authDomain', askAuthDomain],
  ['environmentId', askEnvironmentId],
];

/**
 * Asks for every value still open (not given on the command line or in the environment); with `editing`, for every
 * value, offering the current ones. Returns the answers.
 */
export async function collect(context: Context, values: Values, editing: boolean): Promise<Values> {
  let answers: Values = {};
  for (const [key, question] of QUESTIONS) {
    if (key in answers || (!editing && givenExplicitly(context, key))) continue;
    answers = { ...answers, ...(await question(context, { ...values, ...answers }, editing)) };
  }
  return answers;
}
