// The ThirdPartyApplications API: create an application and renew its secret. Both answers hold the only copy
// of a Client Secret that will ever exist, so they are read defensively and returned at once, for the step to
// hand to the runner's write-ahead save. A create is never retried after a 5xx, a timeout or a lost connection:
// it may have worked.
import type { StepContext } from '../../core/run/connector.js';
import { CliError, InterruptedError, RejectedError, UnreachableError } from '../../core/errors.js';
import { asRecord, parseJson } from '../../core/json.js';
import type { HttpResponse } from '../../core/net/http.js';
import { MAX_VALUE_LENGTH } from '../../core/run/validate.js';
import { hasControlCharacter, oneLine } from '../../core/printable.js';
import type { Expiration } from './fields.js';
import { HINTS } from './guide.js';
import { API_QUOTA, RATE_LIMIT_WINDOW_MS, noteQuota } from './limits.js';

export interface ApplicationRequest {
  Expiration: Expiration;
  Name: string;
  ReplyUrl: string;
  FlowType: 'ResourceOwner';
}

/** What a create or renew answer gives; clientId may be missing from a renew answer. */
export interface IssuedSecret {
  clientId: string | undefined;
  clientSecret: string;
  expiresOn: string | null;
}

const MAX_MESSAGES = 8;
const MAX_MESSAGE_LENGTH = 300;

export function applicationsUrl(origin: string): string {
  return `${origin}/api/v1/thirdpartyapplications`;
}

export function renewUrl(origin: string, clientId: string, expiration: Expiration): string {
  return `${applicationsUrl(origin)}/${encodeURIComponent(clientId)}/renew?expiration=${encodeURIComponent(expiration)}`;
}

/** A property by any of its spellings (ClientSecret, clientSecret, client_secret), ignoring case. */
function pick(record: Record<string, unknown>, names: readonly string[]): unknown {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  const key = Object.keys(record).find((candidate) => wanted.has(candidate.toLowerCase().replace(/_/g, '')));
  return key === undefined ? undefined : record[key];
}

function text(value: unknown, limit = MAX_VALUE_LENGTH): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed !== '' && trimmed.length <= limit ? trimmed : undefined;
}

/**
 * Finds ClientId, ClientSecret and ExpiresOn in an answer, at the top level or one level down (an API may
 * wrap its result in `{"Data": {...}}`). Returns undefined when there is no secret to keep.
 */
export function readIssuedSecret(body: string): IssuedSecret | undefined {
  const top = asRecord(parseJson(body));
  if (!top) return undefined;
  const candidates = [top, ...Object.values(top).map(asRecord).filter((value) => value !== undefined)];
  for (const candidate of candidates) {
    const clientSecret = text(pick(candidate, ['clientsecret', 'secret']));
    if (clientSecret === undefined || hasControlCharacter(clientSecret)) continue;
    const expiresOn = text(pick(candidate, ['expireson', 'expiresat', 'expiry']), 64);
    return {
      clientId: text(pick(candidate, ['clientid'])),
      clientSecret,
      expiresOn: expiresOn !== undefined && !hasControlCharacter(expiresOn) ? expiresOn : null,
    };
  }
  return undefined;
}

function clean(message: string): string {
  const flat = oneLine(message);
  return flat.length > MAX_MESSAGE_LENGTH ? `${flat.slice(0, MAX_MESSAGE_LENGTH)}…` : flat;
}

/**
 * Invenias' own validation messages from a 400, whatever shape they come in: ASP.NET's
 * `{"Message", "ModelState": {"field": ["..."]}}`, problem details `{"title", "errors": {...}}`, or a list.
 */
export function validationMessages(body: string): string[] {
  const found: string[] = [];
  const add = (message: string, field?: string): void => {
    const cleaned = clean(message);
    if (cleaned && found.length < MAX_MESSAGES && !found.includes(cleaned)) found.push(field ? `${clean(field)}: ${cleaned}` : cleaned);
  };
  const collect = (value: unknown, field: string | undefined, depth: number): void => {
    if (depth > 4 || found.length >= MAX_MESSAGES) return;
    if (typeof value === 'string') return add(value, field);
    if (Array.isArray(value)) return value.forEach((entry) => collect(entry, field, depth + 1));
    const record = asRecord(value);
    if (!record) return;
    const message = pick(record, ['errormessage', 'message', 'description']);
    if (typeof message === 'string') {
      const named = pick(record, ['propertyname', 'field', 'membername']);
      return add(message, typeof named === 'string' ? named : field);
    }
    for (const [key, entry] of Object.entries(record)) collect(entry, key, depth + 1);
  };
  const parsed = parseJson(body);
  const record = asRecord(parsed);
  if (record) {
    for (const key of ['message', 'title', 'detail', 'errordescription', 'error']) {
      const value = pick(record, [key]);
      if (typeof value === 'string') add(value);
    }
    for (const key of ['modelstate', 'errors', 'validationerrors']) collect(pick(record, [key]), undefined, 0);
  } else if (Array.isArray(parsed)) {
    collect(parsed, undefined, 0);
  } else if (body.trim() !== '' && !/^\s*</.test(body)) {
    add(body);
  }
  return found;
}

export type Operation = 'create' | 'renew';

/** A failure of the request itself: after a create that may have reached Invenias, say where to look. */
function couldNotAsk(error: UnreachableError, operation: Operation): CliError {
  // A 429 or a redirect is an answer that did nothing; the rest depends on whether the request left at all.
  const neverSent = !error.requestSent || ['rate_limited', 'redirected'].includes(error.code);
  if (neverSent) {
    if (error.code === 'rate_limited') return new UnreachableError(error.code, `${error.message} Nothing was ${operation === 'create' ? 'created' : 'renewed'}.`, error.advice);
    return error;
  }
  if (operation === 'create') {
    return new UnreachableError(error.code, `${error.message} It was not sent again: the application may have been created.`, HINTS.maybeCreated);
  }
  return new UnreachableError(
    error.code,
    `${error.message} It was not sent again: the secret may have been replaced.`,
    HINTS.renewAgain,
  );
}

/** Ctrl+C while the request may already be at Invenias: it may have done its work, so say where to look. */
function interruptedWhile(operation: Operation): InterruptedError {
  return operation === 'create'
    ? new InterruptedError('Interrupted while creating the application; nothing was saved.', HINTS.maybeCreated)
    : new InterruptedError(
        'Interrupted while renewing the application; nothing was saved.',
        HINTS.secretReplaced,
      );
}

/** `text` is the answer's body, already redacted (messages are cut short, which would leave fragments of a secret). */
function refusal(response: HttpResponse, text: string, operation: Operation, clientId?: string): CliError {
  const nothing = operation === 'create' ? 'nothing was created' : 'the secret was not changed';
  switch (response.status) {
    case 401:
      return new RejectedError('api_key_rejected', `Invenias rejected the API Key (it expired or is wrong); ${nothing}.`, HINTS.apiKeyRejected);
    case 403:
      return new RejectedError(
        'not_system_admin',
        `Invenias refused: the account of this API Key may not manage ThirdPartyApplications; ${nothing}.`,
        HINTS.notSystemAdmin,
      );
    case 400: {
      const messages = validationMessages(text);
      const said = messages.length > 0 ? ` Invenias said:\n${messages.map((message) => `    - ${message}`).join('\n')}` : '';
      return new RejectedError('validation_failed', `Invenias refused the request (400); ${nothing}.${said}`, HINTS.validation);
    }
    case 404:
      return operation === 'renew'
        ? new RejectedError('app_not_found', `Invenias has no application with Client ID ${clientId ?? ''}.`, HINTS.appNotFound)
        : new RejectedError('not_found', `Invenias answered 404: there is no ThirdPartyApplications API at this address.`, HINTS.notFound);
    default:
      return new RejectedError('rejected', `Invenias answered HTTP ${response.status}; ${nothing}.`, HINTS.notFound);
  }
}

async function send(context: Pick<StepContext, 'http' | 'redactor' | 'warn'>, url: string, apiKey: string, body: string | undefined, operation: Operation, clientId?: string) {
  let response: HttpResponse;
  try {
    response = await context.http.send({
      method: 'POST',
      url,
      headers: {
        authorization: `Bearer ${apiKey}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body ?? '',
      retry: 'rate-limit-only',
      rateLimitWindowMs: RATE_LIMIT_WINDOW_MS,
      quota: API_QUOTA,
    });
  } catch (error) {
    if (error instanceof InterruptedError) throw interruptedWhile(operation);
    throw error instanceof UnreachableError ? couldNotAsk(error, operation) : error;
  }
  noteQuota(context.warn, response.headers);
  if (response.status < 200 || response.status >= 300) throw refusal(response, context.redactor.redact(response.text), operation, clientId);
  const issued = readIssuedSecret(response.text);
  if (issued) context.redactor.add(issued.clientSecret);
  return issued;
}

/**
 * Another API Key refused as well. Invenias answers 401 alike to a key that expired and to an account that may no
 * longer use the API (I-CREATE-401: a removed licence, a disabled account, another permission group), so both are
 * said: a slow paste is the likelier cause, and the account the one to check when a key pasted at once is refused.
 */
export function freshKeyRefusedToo(error: RejectedError, operation: Operation): RejectedError {
  const nothing = operation === 'create' ? 'nothing was created' : 'the secret was not changed';
  return new RejectedError(
    error.code,
    `Invenias refused this API Key too; ${nothing}. Invenias answers the same to a key that expired (each lives 3 minutes from the double-click) ` +
      'and to an account that can no longer use the API (its licence removed, disabled, or no longer in the System Administrator permission group).',
    HINTS.apiKeyRefusedAgain,
  );
}

/** POST /api/v1/thirdpartyapplications; the answer's secret is returned for the caller to keep before anything else. */
export async function createApplication(
  context: Pick<StepContext, 'http' | 'redactor' | 'warn'>,
  origin: string,
  apiKey: string,
  request: ApplicationRequest,
): Promise<IssuedSecret> {
  const issued = await send(context, applicationsUrl(origin), apiKey, JSON.stringify(request), 'create');
  if (!issued) {
    throw new UnreachableError('bad_response', 'Invenias accepted the request but its answer holds no ClientSecret that could be read.', HINTS.maybeCreated);
  }
  return issued;
}

/** An answer with a secret but no ClientId: the secret is kept, but the application cannot be used by this profile. */
export function missingClientId(): UnreachableError {
  return new UnreachableError(
    'bad_response',
    'Invenias created the application but its answer holds no ClientId; the secret was saved in the profile.',
    HINTS.noClientId,
  );
}

/** POST /api/v1/thirdpartyapplications/{id}/renew?expiration=…; the new secret is returned at once. */
export async function renewApplication(
  context: Pick<StepContext, 'http' | 'redactor' | 'warn'>,
  origin: string,
  apiKey: string,
  clientId: string,
  expiration: Expiration,
): Promise<IssuedSecret & { clientId: string }> {
  const issued = await send(context, renewUrl(origin, clientId, expiration), apiKey, undefined, 'renew', clientId);
  if (!issued) {
    throw new UnreachableError(
      'bad_response',
      'Invenias accepted the renewal but its answer holds no ClientSecret that could be read.',
      HINTS.renewAgain,
    );
  }
  return { ...issued, clientId };
}
