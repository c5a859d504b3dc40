// The interactive PingOne steps: each reads its value from flags, environment or profile first and asks
// only when it is still open; saved values are offered as defaults so Enter keeps them.
import { InputError } from '../../core/errors.js';
import { maskSecret } from '../../core/redact.js';
import type { RunContext } from '../../core/run.js';
import { parseHostPort, parseSecret, parseUuid } from '../../core/validate.js';
import { givenExplicitly, validateWith } from '../../core/wizard.js';
import { REGIONS, parseAuthorizationUrl } from './fields.js';
import { WORKER_APP_CHECKLIST } from './guide.js';

export interface PingOneDraft {
  clientId?: string;
  clientSecret?: string;
  authDomain?: string;
  environmentId?: string;
}

type FieldKey = keyof PingOneDraft;
type Step = (context: RunContext, draft: PingOneDraft, asked: Set<FieldKey>, editing: boolean) => Promise<void>;

/** Still to ask: not answered in this pass, and (unless editing) not given on the command line or in the environment. */
function isOpen(context: RunContext, key: FieldKey, asked: Set<FieldKey>, editing: boolean): boolean {
  if (asked.has(key)) return false;
  return editing || !givenExplicitly(context, key);
}

export function showChecklist(context: RunContext): void {
  const { out } = context;
  out.say(out.paint.bold('PingOne partner setup: create a Worker application for Cyclr'));
  WORKER_APP_CHECKLIST.forEach((step, index) => out.say(`  ${out.paint.cyan(`${index + 1}.`)} ${step}`));
  out.say();
}

const askClientId: Step = async (context, draft, asked) => {
  draft.clientId = parseUuid(
    await context.prompt.text({ message: 'Client ID', default: draft.clientId, validate: validateWith((value) => parseUuid(value, 'Client ID')) }),
    'Client ID',
  );
  asked.add('clientId');
};

const askClientSecret: Step = async (context, draft, asked) => {
  const kept = draft.clientSecret;
  const message = kept ? `Client Secret (Enter keeps ${maskSecret(kept)})` : 'Client Secret';
  const answer = await context.prompt.secret({
    message,
    validate: (value) => (kept && value === '' ? true : validateWith((secret) => parseSecret(secret, 'Client Secret'))(value)),
  });
  if (answer !== '' || !kept) {
    const secret = parseSecret(answer, 'Client Secret');
    if (secret.trimmed) context.out.warn('Removed whitespace around the pasted Client Secret.');
    context.redactor.add(secret.value);
    draft.clientSecret = secret.value;
  }
  asked.add('clientSecret');
};

const PASTE_URL = 'paste-url';
const CUSTOM_DOMAIN = 'custom-domain';

/** A pasted AUTHORIZATION URL must agree with an Environment ID already given by flag or variable. */
function parseUrlAgreeing(context: RunContext, draft: PingOneDraft, editing: boolean): (value: string) => ReturnType<typeof parseAuthorizationUrl> {
  const source = context.resolved.sources.environmentId;
  const given = !editing && givenExplicitly(context, 'environmentId') ? draft.environmentId : undefined;
  return (value) => {
    const parts = parseAuthorizationUrl(value);
    if (given && parts.environmentId !== given) {
      const where = source === 'flag' ? '--environment-id' : 'PINGONE_ENVIRONMENT_ID';
      throw new InputError('invalid_input', `This URL is for environment ${parts.environmentId}, but ${where} gives ${given}.`);
    }
    return parts;
  };
}

const askAuthDomain: Step = async (context, draft, asked, editing) => {
  const { prompt } = context;
  const regional = REGIONS.find((region) => region.authDomain === draft.authDomain);
  const choice = await prompt.select<string>({
    message: 'Auth Domain (the host of the AUTHORIZATION URL)',
    default: regional?.authDomain ?? (draft.authDomain ? CUSTOM_DOMAIN : PASTE_URL),
    choices: [
      { name: 'Paste the AUTHORIZATION URL (fills in the Environment ID too)', value: PASTE_URL },
      ...REGIONS.map((region) => ({ name: `${region.authDomain}  ${region.region}`, value: region.authDomain })),
      { name: 'Another domain (a custom domain)', value: CUSTOM_DOMAIN },
    ],
  });
  if (choice === PASTE_URL) {
    const parseUrl = parseUrlAgreeing(context, draft, editing);
    const url = await prompt.text({ message: 'AUTHORIZATION URL', validate: validateWith(parseUrl) });
    const parts = parseUrl(url);
    draft.authDomain = parts.authDomain;
    draft.environmentId = parts.environmentId;
    asked.add('environmentId');
    context.out.say(`  Auth Domain ${parts.authDomain}, Environment ID ${parts.environmentId}`);
  } else if (choice === CUSTOM_DOMAIN) {
    const domain = await prompt.text({
      message: 'Auth Domain (host[:port])',
      default: regional ? undefined : draft.authDomain,
      validate: validateWith((value) => parseHostPort(value, 'Auth Domain')),
    });
    draft.authDomain = parseHostPort(domain, 'Auth Domain');
  } else {
    draft.authDomain = choice;
  }
  asked.add('authDomain');
};

/** An Environment ID, or the AUTHORIZATION URL pasted in its place (the usual copy): its ID, when its host is the Auth Domain. */
function parseEnvironmentAnswer(draft: PingOneDraft): (value: string) => string {
  return (value) => {
    if (!/^\s*https:\/\//i.test(value)) return parseUuid(value, 'Environment ID');
    const parts = parseAuthorizationUrl(value);
    if (draft.authDomain && parts.authDomain !== draft.authDomain) {
      throw new InputError('invalid_input', `This URL is for ${parts.authDomain}, but the Auth Domain is ${draft.authDomain}: paste the Environment ID alone.`);
    }
    return parts.environmentId;
  };
}

const askEnvironmentId: Step = async (context, draft, asked) => {
  const parse = parseEnvironmentAnswer(draft);
  const answer = await context.prompt.text({ message: 'Environment ID', default: draft.environmentId, validate: validateWith(parse) });
  draft.environmentId = parse(answer);
  if (draft.environmentId !== answer.trim()) context.out.say(`  Environment ID ${draft.environmentId}`);
  asked.add('environmentId');
};

const STEPS: ReadonlyArray<[FieldKey, Step]> = [
  ['clientId', askClientId],
  ['clientSecret', askClientSecret],
  ['authDomain', askAuthDomain],
  ['environmentId', askEnvironmentId],
];

/** Asks for every value still open; with `editing`, for every value, offering the current ones. */
export async function collect(context: RunContext, draft: PingOneDraft, editing: boolean): Promise<void> {
  const asked = new Set<FieldKey>();
  for (const [key, step] of STEPS) {
    if (isOpen(context, key, asked, editing)) await step(context, draft, asked, editing);
  }
}
