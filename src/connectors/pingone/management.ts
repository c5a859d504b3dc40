// The PingOne Management API as `pingone --create` and `--rotate` use it: an admin worker's token, then the
// applications, roles, role assignments and secret of one environment (docs/partners.md P-ADMIN-*, P-APPS-*,
// P-ROLES-*, P-APP-CREATE-*, P-ROLE-ASSIGN-*, P-SECRET-*, P-MGMT-*). Every refusal becomes one of our errors,
// naming what the admin may not do and the role that would allow it.
import { type CliError, InputError, RejectedError, UnreachableError } from '../../core/errors.js';
import { asRecord, parseJson } from '../../core/json.js';
import type { Http, HttpResponse, RetryPolicy } from '../../core/net/http.js';
import { requestToken } from '../../core/net/oauth.js';
import type { Redaction } from '../../core/redact.js';
import { DEFAULT_ROLES } from './guide.js';
import { tokenUrl } from './token.js';

/** Pages followed at most in one list (a loop of `next` links must end). */
const MAX_PAGES = 50;

export interface AdminCredentials {
  clientId: string;
  clientSecret: string;
  /** The admin worker's own environment (its token is asked there). */
  environmentId: string;
  authDomain: string;
}

export interface ApplicationSummary {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
}

export interface RoleRef {
  id: string;
  name: string;
}

export interface RotatedSecret {
  secret: string;
  /** ISO-8601, as PingOne gave it back (or as asked, when it gave none). */
  previousExpiresAt: string;
}

/** The Management API origin of a regional Auth Domain: auth.pingone.eu -> https://api.pingone.eu (P-ADMIN docs). */
export function apiOriginFor(authDomain: string): string | undefined {
  const match = /^auth\.pingone\.([a-z.]+)$/i.exec(authDomain);
  return match ? `https://api.pingone.${match[1]?.toLowerCase()}` : undefined;
}

/** The body of P-APP-CREATE-REQ, exactly. */
export function createApplicationBody(name: string): Record<string, unknown> {
  return {
    name,
    enabled: true,
    type: 'WORKER',
    protocol: 'OPENID_CONNECT',
    grantTypes: ['CLIENT_CREDENTIALS'],
    tokenEndpointAuthMethod: 'CLIENT_SECRET_POST',
    assignActorRoles: false,
  };
}

/** The body of P-ROLE-ASSIGN-REQ. */
export function roleAssignmentBody(roleId: string, environmentId: string): Record<string, unknown> {
  return { role: { id: roleId }, scope: { id: environmentId, type: 'ENVIRONMENT' } };
}

/** P-GRANT-LIMIT: the role an admin needs to grant `role`. */
export function roleNeededToGrant(role: string): string {
  if (role === 'Organization Admin') return 'Organization Admin';
  if (role === 'Identity Data Admin' || role === 'Identity Data Read Only') return 'Identity Data Admin or Environment Admin';
  return 'Environment Admin';
}

const ADMIN_HINT =
  "Check the admin worker's Client ID (--admin-client-id), its Client Secret (PINGONE_ADMIN_CLIENT_SECRET or --admin-client-secret-stdin) and its environment (--admin-environment-id; by default the target environment), and that it is switched on and has roles.";

/** P-ADMIN-TOKEN-REQ: the admin worker's token; a refusal is `admin_rejected`. */
export async function adminToken(http: Http, redactor: Redaction, admin: AdminCredentials): Promise<string> {
  redactor.add(admin.clientSecret);
  const answer = await requestToken(
    http,
    { url: tokenUrl(admin.authDomain, admin.environmentId), form: { grant_type: 'client_credentials', client_id: admin.clientId, client_secret: admin.clientSecret } },
    redactor,
  );
  if (answer.kind === 'token') return answer.accessToken;
  const said = answer.kind === 'oauth_error' && answer.description ? ` PingOne said: "${answer.description}"` : ` (HTTP ${answer.status})`;
  throw new RejectedError('admin_rejected', `PingOne refused the admin worker's token request (Client ID ${admin.clientId}, environment ${admin.environmentId}).${said}`, ADMIN_HINT);
}

function printable(text: string, limit: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
}

/** P-MGMT-ERROR, read without trusting its shape: `CODE: message (detail; detail)`, or nothing. */
export function pingoneWords(text: string, redactor: Redaction): string {
  const body = asRecord(parseJson(text));
  if (!body) return '';
  const code = typeof body.code === 'string' ? body.code : '';
  const message = typeof body.message === 'string' ? body.message : '';
  const details = Array.isArray(body.details)
    ? body.details.map((detail) => asRecord(detail)).flatMap((detail) => (typeof detail?.message === 'string' ? [detail.message] : []))
    : [];
  const words = [code && /^[A-Z_]{2,40}$/.test(code) ? `${code}:` : '', message, details.length ? `(${details.join('; ')})` : ''].filter(Boolean).join(' ');
  return words ? ` PingOne said: "${printable(redactor.redact(words), 400)}"` : '';
}

/** What the admin was doing, for a refusal's message, and the role that allows it. */
interface Action {
  /** "list the applications of environment …" */
  doing: string;
  needs: string;
  /** A 404 here means the application, not the environment, is gone. */
  applicationId?: string;
}

/**
 * 429 REQUEST_LIMITED (P-MGMT-429), handed to the step rather than waited out inside one request: the step waits
 * where the person sees it (rateLimitedStep in create.ts), within --timeout, and Ctrl+C ends the wait.
 */
export class ManagementRateLimited extends UnreachableError {
  constructor(
    /** The Retry-After header as given (seconds or an HTTP date), read against the run's clock by the step. */
    readonly retryAfter: string | undefined,
    said: string,
    doing: string,
  ) {
    super('rate_limited', `PingOne's Management API is limiting this admin worker's requests (429) and would not ${doing} now.${said}`, 'Wait a minute, then run the command again.');
  }
}

export class ManagementApi {
  constructor(
    private readonly http: Http,
    private readonly redactor: Redaction,
    private readonly token: string,
    readonly apiOrigin: string,
    readonly environmentId: string,
  ) {}

  private get environmentPath(): string {
    return `${this.apiOrigin}/v1/environments/${encodeURIComponent(this.environmentId)}`;
  }

  private applicationPath(applicationId: string): string {
    return `${this.environmentPath}/applications/${encodeURIComponent(applicationId)}`;
  }

  private async send(method: 'GET' | 'POST' | 'DELETE', url: string, action: Action, body?: unknown): Promise<unknown> {
    // A create is retried only after 429, which did nothing; reads and the DELETE change nothing twice.
    const retry: RetryPolicy = method === 'POST' ? 'rate-limit-only' : 'safe';
    const response = await this.http.send({
      method,
      url,
      headers: {
        authorization: `Bearer ${this.token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      retry,
      rateLimitedToCaller: true,
    });
    if (response.status >= 200 && response.status < 300) return response.status === 204 || response.text === '' ? undefined : parseJson(response.text);
    if (response.status === 429) throw new ManagementRateLimited(response.headers['retry-after'], pingoneWords(response.text, this.redactor), action.doing);
    throw this.refusal(response, action);
  }

  private refusal(response: HttpResponse, action: Action): CliError {
    const said = pingoneWords(response.text, this.redactor);
    switch (response.status) {
      case 401:
        return new RejectedError('admin_rejected', `The Management API refused the admin worker's token when asked to ${action.doing}.${said}`, ADMIN_HINT);
      case 403:
        return new RejectedError(
          'admin_forbidden',
          `The admin worker may not ${action.doing}: it needs ${action.needs}.${said}`,
          `In PingOne: Applications > Applications > the admin worker > Roles: grant it ${action.needs} (scoped to environment ${this.environmentId}), or use an admin worker that has it.`,
        );
      case 404:
        if (action.applicationId !== undefined) {
          return new RejectedError(
            'app_not_found',
            `Application ${action.applicationId} is not in environment ${this.environmentId} (PingOne answered 404).${said}`,
            'Check the profile\'s Client ID, or create the application again with --create.',
          );
        }
        return new RejectedError(
          'environment_not_found',
          `No environment ${this.environmentId} at ${new URL(this.apiOrigin).host} (PingOne answered 404).${said}`,
          'Check the Environment ID, and that the Management API is the one of its region (--api-url, e.g. https://api.pingone.eu).',
        );
      default:
        return new RejectedError('rejected', `PingOne refused to ${action.doing} (HTTP ${response.status}).${said}`, 'Check the values given; the words above say which one PingOne did not accept.');
    }
  }

  /** Every item of a paged list (P-APPS-LIST-200), following `_links.next` on this origin only (it carries the token). */
  private async all(url: string, key: string, action: Action): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let next: string | undefined = url;
    for (let pageNumber = 0; next !== undefined; pageNumber += 1) {
      if (pageNumber >= MAX_PAGES) throw badAnswer(`${action.doing}: more than ${MAX_PAGES} pages`);
      const body = asRecord(await this.send('GET', next, action));
      const embedded = asRecord(body?.['_embedded']);
      const list = embedded?.[key];
      if (!body || (list !== undefined && !Array.isArray(list))) throw badAnswer(action.doing);
      for (const item of (list ?? []) as unknown[]) {
        const record = asRecord(item);
        if (record) items.push(record);
      }
      const href = asRecord(asRecord(body._links)?.next)?.href;
      next = undefined;
      if (typeof href === 'string' && href !== '') {
        const resolved = new URL(href, this.apiOrigin);
        if (resolved.origin !== new URL(this.apiOrigin).origin) throw badAnswer(`${action.doing}: a next page on another host (${resolved.host})`);
        next = resolved.href;
      }
    }
    return items;
  }

  /** P-APPS-LIST-REQ. */
  async applications(): Promise<ApplicationSummary[]> {
    const action = { doing: `list the applications of environment ${this.environmentId}`, needs: 'Client Application Developer or Environment Admin' };
    const items = await this.all(`${this.environmentPath}/applications`, 'applications', action);
    return items.flatMap((item) =>
      typeof item.id === 'string' && typeof item.name === 'string'
        ? [{ id: item.id, name: item.name, type: typeof item.type === 'string' ? item.type : '', enabled: item.enabled === true }]
        : [],
    );
  }

  /** P-ROLES-REQ: each name matched exactly; any name on no page is `role_not_found` (exit 2), with the names seen. */
  async roles(names: readonly string[]): Promise<RoleRef[]> {
    const items = await this.all(`${this.apiOrigin}/v1/roles`, 'roles', { doing: 'list the roles', needs: 'an admin role' });
    const known = items.flatMap((item) => (typeof item.id === 'string' && typeof item.name === 'string' ? [{ id: item.id, name: item.name }] : []));
    const missing = names.filter((name) => !known.some((role) => role.name === name));
    if (missing.length > 0) {
      const shown = known.map((role) => role.name).slice(0, 40).join(', ');
      throw new InputError(
        'role_not_found',
        `PingOne has no role named ${missing.map((name) => `"${printable(name, 80)}"`).join(', ')} (names are matched exactly).`,
        `Pass role names exactly as PingOne lists them with --roles, e.g. --roles "${DEFAULT_ROLES.join(',')}". PingOne lists: ${shown}.`,
      );
    }
    return names.map((name) => known.find((role) => role.name === name) as RoleRef);
  }

  /** P-APP-CREATE-REQ; the answer's `id` is the Client ID (P-APP-ID-IS-CLIENT-ID). */
  async createApplication(name: string): Promise<ApplicationSummary> {
    const action = { doing: `create an application in environment ${this.environmentId}`, needs: 'Client Application Developer or Environment Admin' };
    const body = asRecord(await this.send('POST', `${this.environmentPath}/applications`, action, createApplicationBody(name)));
    if (typeof body?.id !== 'string' || body.id === '') throw badAnswer('create the application (no id in the answer)');
    return { id: body.id, name: typeof body.name === 'string' ? body.name : name, type: 'WORKER', enabled: body.enabled === true };
  }

  /** P-ROLE-ASSIGN-REQ, scoped to the target environment. */
  async grantRole(applicationId: string, role: RoleRef): Promise<void> {
    const action = { doing: `grant the role ${role.name}`, needs: roleNeededToGrant(role.name), applicationId };
    await this.send('POST', `${this.applicationPath(applicationId)}/roleAssignments`, action, roleAssignmentBody(role.id, this.environmentId));
  }

  /** P-ROLE-ASSIGN-LIST-REQ: the IDs of the roles an application holds (to grant only what a reused one lacks). */
  async roleIdsOf(applicationId: string): Promise<string[]> {
    const action = { doing: "list the application's roles", needs: 'Client Application Developer or Environment Admin', applicationId };
    const items = await this.all(`${this.applicationPath(applicationId)}/roleAssignments`, 'roleAssignments', action);
    return items.flatMap((item) => {
      const id = asRecord(item.role)?.id;
      return typeof id === 'string' ? [id] : [];
    });
  }

  /** P-SECRET-READ-REQ; the secret is registered with the redactor before anything else sees it. */
  async readSecret(applicationId: string): Promise<string> {
    return (await this.readSecrets(applicationId)).secret;
  }

  /** P-SECRET-READ-REQ and P-SECRET-200: the secret, and until when a previous one still works (after a rotation). */
  async readSecrets(applicationId: string): Promise<RotatedSecret | { secret: string; previousExpiresAt: undefined }> {
    const action = { doing: "read the application's secret", needs: 'at least the roles granted to the application', applicationId };
    const answer = await this.send('GET', `${this.applicationPath(applicationId)}/secret`, action);
    const secret = this.secretOf(answer, action.doing);
    const given = asRecord(asRecord(answer)?.previous)?.expiresAt;
    return { secret, previousExpiresAt: typeof given === 'string' && !Number.isNaN(Date.parse(given)) ? new Date(given).toISOString() : undefined };
  }

  /** P-SECRET-ROTATE-REQ: a new secret; the previous one is accepted until `previousExpiresAt`. */
  async rotateSecret(applicationId: string, previousExpiresAt: string): Promise<RotatedSecret> {
    const action = { doing: "rotate the application's secret", needs: 'at least the roles granted to the application', applicationId };
    const answer = await this.send('POST', `${this.applicationPath(applicationId)}/secret`, action, { previous: { expiresAt: previousExpiresAt } });
    const secret = this.secretOf(answer, action.doing);
    const given = asRecord(asRecord(answer)?.previous)?.expiresAt;
    return { secret, previousExpiresAt: typeof given === 'string' && !Number.isNaN(Date.parse(given)) ? new Date(given).toISOString() : previousExpiresAt };
  }

  /** P-SECRET-DROP-REQ: the previous secret stops now. */
  async dropPreviousSecret(applicationId: string): Promise<void> {
    const action = { doing: "drop the application's previous secret", needs: 'at least the roles granted to the application', applicationId };
    await this.send('DELETE', `${this.applicationPath(applicationId)}/secret`, action);
  }

  private secretOf(answer: unknown, doing: string): string {
    const record = asRecord(answer);
    const secret = record?.secret;
    // The previous secret, if PingOne sends it back, is a secret too.
    this.redactor.add(typeof asRecord(record?.previous)?.secret === 'string' ? (asRecord(record?.previous)?.secret as string) : undefined);
    if (typeof secret !== 'string' || secret === '') throw badAnswer(`${doing} (no secret in the answer)`);
    this.redactor.add(secret);
    return secret;
  }
}

function badAnswer(what: string): UnreachableError {
  return new UnreachableError('bad_response', `The Management API gave an answer that could not be read: ${what}.`, 'Check --api-url: it must be the PingOne Management API of the environment\'s region.');
}

/** A request of the plan as `--dry-run` prints it: method, URL and JSON body, never a secret. */
export interface PlannedRequest {
  method: 'POST' | 'GET';
  url: string;
  body?: Record<string, unknown>;
}

/** Requests 4-6 of the create, as they would be sent (the application's ID is not known yet). */
export function plannedCreate(apiOrigin: string, environmentId: string, name: string, roles: readonly RoleRef[]): PlannedRequest[] {
  const applications = `${apiOrigin}/v1/environments/${environmentId}/applications`;
  return [
    { method: 'POST', url: applications, body: createApplicationBody(name) },
    ...roles.map((role): PlannedRequest => ({ method: 'POST', url: `${applications}/{id}/roleAssignments`, body: roleAssignmentBody(role.id, environmentId) })),
    { method: 'GET', url: `${applications}/{id}/secret` },
  ];
}
