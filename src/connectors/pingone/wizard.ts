// The interactive PingOne steps: each reads its value from flags, environment or profile first and asks
// only when it is still open; saved values are offered as defaults so Enter keeps them.
import type { Question, QuestionContext, StepContext, Values } from '../../core/run/connector.js';
import { InputError } from '../../core/errors.js';
import type { FieldSpec } from '../../core/run/fields.js';
import { parseUuid } from '../../core/run/validate.js';
import { askField, givenExplicitly, validateWith } from '../../core/run/wizard.js';
import { REGIONS, parseAuthorizationUrl, pingoneFields } from './fields.js';
import { WORKER_APP_CHECKLIST } from './guide.js';

/** One question; it returns the values it set (the AUTHORIZATION URL sets two). */
type Ask = Question['ask'];

/** The wizard's title: the first thing a person sees, above any question. */
export function showTitle(context: Pick<StepContext, 'out'>): void {
  context.out.say(context.out.paint.bold('PingOne partner setup: create a Worker application for Cyclr'));
}

export function showChecklist(context: Pick<StepContext, 'out'>): void {
  const { out } = context;
  WORKER_APP_CHECKLIST.forEach((step, index) => out.say(`  ${out.paint.cyan(`${index + 1}.`)} ${step}`));
  out.say();
}

const PASTE_URL = 'paste-url';
const CUSTOM_DOMAIN = 'custom-domain';

/** A pasted AUTHORIZATION URL must agree with an Environment ID already given by flag or variable. */
function parseUrlAgreeing(context: QuestionContext, values: Values, editing: boolean): (value: string) => ReturnType<typeof parseAuthorizationUrl> {
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

export const askAuthDomain: Ask = async (context, values, editing) => {
  const { prompt } = context;
  const regional = REGIONS.find((region) => region.authDomain === values.authDomain);
  const choice = await prompt.select<string>({
    message: 'Auth Domain (the host of the AUTHORIZATION URL)',
    default: regional?.authDomain ?? (values.authDomain ? CUSTOM_DOMAIN : PASTE_URL),
    choices: [
      { name: 'Paste the AUTHORIZATION URL (fills in the Environment ID too)', short: 'from the AUTHORIZATION URL', value: PASTE_URL },
      // The regions' names in one column, whatever the length of each domain.
      ...REGIONS.map((region) => ({ name: `${region.authDomain.padEnd(Math.max(...REGIONS.map((each) => each.authDomain.length)))}  ${region.region}`, short: region.authDomain, value: region.authDomain })),
      { name: 'Another domain (a custom domain)', short: 'a custom domain', value: CUSTOM_DOMAIN },
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
      validate: validateWith(field('authDomain').parse),
    });
    return { authDomain: field('authDomain').parse(domain) };
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

export const askEnvironmentId: Ask = async (context, values) => {
  const parse = parseEnvironmentAnswer(values);
  const answer = await context.prompt.text({ message: 'Environment ID', default: values.environmentId, validate: validateWith(parse) });
  const environmentId = parse(answer);
  if (environmentId !== answer.trim()) context.out.say(`  Environment ID ${environmentId}`);
  return { environmentId };
};

const field = (key: string): FieldSpec => pingoneFields.find((candidate) => candidate.key === key) ?? pingoneFields[0]!;

/** The wizard's questions, in order; core asks those still open and, for "Change the values I entered", all of them. */
export const QUESTIONS: readonly Question[] = [
  askField(field('clientId')),
  askField(field('clientSecret')),
  { key: 'authDomain', ask: askAuthDomain },
  { key: 'environmentId', ask: askEnvironmentId },
];
