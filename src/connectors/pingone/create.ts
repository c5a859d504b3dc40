// `pingone --create` and `pingone --rotate` as steps: the admin worker's token, then the Management API
// (management.ts). A secret PingOne issues is a step result the runner saves before anything else happens; the
// token check Cyclr depends on follows, retried while the new application, its roles or its secret settle.
import type { Question, Step, StepContext, StepResult, Values } from '../../core/run/connector.js';
import { CliError, InputError, InterruptedError, RejectedError, UnreachableError } from '../../core/errors.js';
import { type Hint, PROFILE, command, joinHints } from '../../core/hint.js';
import { missingInputs } from '../../core/run/resolve.js';
import { sayRequest } from '../../core/terminal/request.js';
import { askField, askOpen, givenExplicitly } from '../../core/run/wizard.js';
import { DEFAULT_ROLES } from './guide.js';
import { DEFAULT_ADMIN_PROFILE, parseRoleNames, pingoneFields } from './fields.js';
import type { PingOneRequest } from './request.js';
import { type AdminCredentials, type ApplicationSummary, type PlannedRequest, ManagementApi, ManagementRateLimited, adminToken, apiOriginFor, plannedCreate } from './management.js';
import { parseRetryAfter } from '../../core/net/http.js';
import { askAuthDomain, askEnvironmentId } from './wizard.js';

function field(key: string) {
  const found = pingoneFields.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no PingOne field ${key}`);
  return found;
}

/** Ends the run (exit 2) naming every value still missing, before anything is sent. */
function requireKeys(context: Pick<StepContext, 'notAsked'>, values: Values, keys: readonly string[], why: string): void {
  const missing = keys.filter((key) => values[key] === undefined).map(field);
  if (missing.length > 0) throw missingInputs(missing, why, context.notAsked);
}

function apiOrigin(values: Values): string {
  const origin = values.apiUrl ?? apiOriginFor(values.authDomain ?? '');
  if (origin === undefined) {
    throw new InputError(
      'missing_input',
      `Missing Management API origin: ${values.authDomain ?? 'this Auth Domain'} is not a PingOne regional domain, so its API cannot be guessed.`,
      'Pass --api-url (or set PINGONE_API_URL), e.g. https://api.pingone.eu for an environment in the EU.',
    );
  }
  return origin;
}

function adminOf(values: Values): AdminCredentials {
  return {
    clientId: values.adminClientId ?? '',
    clientSecret: values.adminClientSecret ?? '',
    environmentId: values.adminEnvironmentId ?? values.environmentId ?? '',
    authDomain: values.authDomain ?? '',
  };
}

/** The admin worker's token, then a client of the target environment's Management API. */
async function signIn(context: StepContext, values: Values): Promise<ManagementApi> {
  const origin = apiOrigin(values);
  const kept = values.adminProfile !== undefined && !givenExplicitly(context, 'adminClientSecret') ? values.adminProfile : undefined;
  const token = await context.check("Admin worker's token", () => adminToken(context.http, context.redactor, adminOf(values))).catch((error: unknown) => {
    // A kept admin worker refused: its secret was changed or it was removed since --save-admin kept it.
    if (kept === undefined || !(error instanceof RejectedError) || error.code !== 'admin_rejected') throw error;
    throw new RejectedError(error.code, `${error.message} It came from profile "${kept}" (--admin-profile).`, [
      'Its secret may have been changed in PingOne: give the current one in PINGONE_ADMIN_CLIENT_SECRET with --save-admin to keep it again: ',
      command('pingone', '--rotate', '--save-admin', PROFILE),
      '.',
    ]);
  });
  context.redactor.add(token);
  return new ManagementApi(context.http, context.redactor, token, origin, values.environmentId ?? '');
}

/** PingOne's own SDK tries a rate-limited call 5 times, backing off from 1 s (docs/partners.md P-MGMT-429). */
const RATE_LIMIT_TRIES = 5;

/** A countdown on the status line, on the run's clock; Ctrl+C ends it (InterruptedError). */
async function countDown(context: StepContext, ms: number, why: string): Promise<void> {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  try {
    for (let left = seconds; left > 0; left -= 1) {
      // Off a terminal (a log) the wait is said once, not once a second.
      if (left === seconds || context.out.atTerminal) context.out.status(`  ${why}: trying again in ${left} s…`);
      await context.clock.sleep(Math.min(1000, ms - (seconds - left) * 1000), context.signal);
    }
  } finally {
    context.out.status('');
  }
}

/**
 * One Management API call as a check. A 429 is waited out here, where the person sees it: as long as Retry-After
 * asks (else backing off from 1 s), while the waits for this call fit in --timeout; past that, or after 5 tries,
 * the run ends saying when to try again.
 */
async function managed<T>(context: StepContext, name: string, work: () => Promise<T>): Promise<T> {
  let waited = 0;
  for (let tries = 1; ; tries += 1) {
    try {
      return await context.check(name, work);
    } catch (error) {
      if (!(error instanceof ManagementRateLimited)) throw error;
      const now = context.clock.now();
      const wait = Math.max(1000, parseRetryAfter(error.retryAfter, now) ?? 1000 * 2 ** (tries - 1));
      const limit = context.http.timeoutMs;
      if (tries >= RATE_LIMIT_TRIES || waited + wait > limit) {
        const why = tries >= RATE_LIMIT_TRIES ? ` It answered 429 ${tries} times.` : ` It asked to wait ${Math.ceil(wait / 1000)} s, more than --timeout (${Math.ceil(limit / 1000)} s) leaves.`;
        throw new UnreachableError(
          'rate_limited',
          `${error.message}${why}`,
          `Try again after ${new Date(now + wait).toISOString().slice(11, 19)} UTC, or allow longer waits with --timeout (up to 600 seconds).`,
        );
      }
      await countDown(context, wait, "PingOne's Management API asks to slow down (429)");
      waited += wait;
    }
  }
}

/** Ctrl+C during a call that changes PingOne: the run says what may have changed and the command that picks it up. */
async function changing<T>(work: () => Promise<T>, interrupted: () => InterruptedError): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof InterruptedError ? interrupted() : error;
  }
}

/** In the wizard: the environment to create the application in, when not given (a pasted URL answers both). */
const TARGET_QUESTIONS: readonly Question[] = [
  { key: 'authDomain', ask: askAuthDomain },
  { key: 'environmentId', ask: askEnvironmentId },
];

/** In the wizard: the admin worker's Client ID and Secret, when not given by flag, stdin or environment. */
function adminQuestions(keptIn: string | undefined): readonly Question[] {
  return [
    askField(field('adminClientId')),
    askField(field('adminClientSecret'), {
      message: keptIn === undefined ? "Admin worker's Client Secret (used for this run only, never saved)" : `Admin worker's Client Secret (kept in profile "${keptIn}")`,
    }),
  ];
}

/**
 * The admin worker kept in the profile this one names (--admin-profile, saved by --save-admin), unless it was given
 * for this run: its Client ID, Secret and environment.
 */
async function keptAdmin(context: StepContext, values: Values): Promise<Values> {
  const name = values.adminProfile;
  if (name === undefined || givenExplicitly(context, 'adminClientSecret')) return {};
  const profile = await context.profiles.get(name);
  if (!profile) {
    throw new InputError('profile_not_found', `No PingOne profile "${name}" keeps the admin worker (--admin-profile ${name}).`, [
      'Pass the admin worker (PINGONE_ADMIN_CLIENT_ID and PINGONE_ADMIN_CLIENT_SECRET), and add --save-admin to keep it there: ',
      command('pingone', '--rotate', '--save-admin', PROFILE),
      '.',
    ]);
  }
  const clientId = profile.values.clientId;
  const secret = profile.secrets.clientSecret;
  // Another admin worker named for this run: the kept secret is not its secret.
  if (clientId === undefined || secret === undefined || (givenExplicitly(context, 'adminClientId') && values.adminClientId !== clientId)) return {};
  const environmentId = givenExplicitly(context, 'adminEnvironmentId') ? undefined : profile.values.environmentId;
  return { adminClientId: clientId, adminClientSecret: secret, ...(environmentId ? { adminEnvironmentId: environmentId } : {}) };
}

/** The admin worker for this run: given, else kept (--admin-profile), else asked in the wizard; exit 2 when missing. */
async function adminWorker(context: StepContext, values: Values, saveAdmin: boolean, why: string): Promise<Values> {
  const keptIn = saveAdmin ? (values.adminProfile ?? DEFAULT_ADMIN_PROFILE) : undefined;
  if (keptIn === context.profileName) {
    throw new InputError('invalid_input', `--save-admin needs a profile of its own: "${keptIn}" is the profile of the application.`, 'Name another with --admin-profile NAME.');
  }
  let answers = await keptAdmin(context, values);
  if (context.interactive) {
    const open = adminQuestions(keptIn).filter((question) => !(question.key in answers));
    answers = { ...answers, ...(await askOpen(context, open, { ...values, ...answers })) };
  }
  requireKeys(context, { ...values, ...answers }, ['adminClientId', 'adminClientSecret'], why);
  return keptIn === undefined ? answers : { ...answers, adminProfile: keptIn };
}

/** --save-admin: the admin worker, proven by its token, kept as a PingOne profile of its own (a verify checks it too). */
async function saveAdmin(context: StepContext, values: Values): Promise<void> {
  const name = values.adminProfile;
  if (name === undefined) return;
  const admin = adminOf(values);
  await context.profiles.update(name, {
    values: { clientId: admin.clientId, authDomain: admin.authDomain, environmentId: admin.environmentId },
    secrets: { clientSecret: admin.clientSecret },
  });
  context.out.say(`Saved the admin worker ${admin.clientId} in profile "${name}"; --create and --rotate of profile "${context.profileName}" use it from now on.`);
}

function printRequests(context: StepContext, requests: readonly PlannedRequest[]): void {
  for (const request of requests) sayRequest(context.out, request.method === 'GET' ? 'GET from:' : 'POST to:', request);
}

/** The application this profile already names, else one of the same name: reused, never a second one. */
function reusable(values: Values, applications: readonly ApplicationSummary[], name: string): ApplicationSummary | undefined {
  // An application's ID is its Client ID (docs/partners.md P-APP-ID-IS-CLIENT-ID): one made in the console, saved or
  // given with --client-id, counts too.
  const savedId = values.applicationId ?? values.clientId;
  return applications.find((app) => app.id === savedId) ?? applications.find((app) => app.name === name);
}

function secretNotSaved(applicationId: string, reason: string, keptAt: string | undefined): CliError {
  return new CliError(
    'secret_not_saved',
    `PingOne issued a Client Secret for application ${applicationId}, but it could not be saved: ${reason}${keptAt ? ` ${keptAt}.` : ''}`,
    ['Once the profile can be saved, run ', command('pingone', '--create', PROFILE), ` again: it reuses application ${applicationId} and reads its secret again.`],
    1,
  );
}

/** The Worker app for Cyclr, made (or found) through the Management API: docs/contract.md "PingOne: create the Worker app". */
export const createStep = (request: Pick<PingOneRequest, 'dryRun' | 'saveAdmin'>): Step => async (context, values) => {
  let answers: Values = {};
  const current = (): Values => ({ ...values, ...answers });
  if (context.interactive) answers = await askOpen(context, TARGET_QUESTIONS, values);
  requireKeys(context, current(), ['authDomain', 'environmentId'], ' (the environment to create the application in)');
  answers = { ...answers, ...(await adminWorker(context, current(), request.saveAdmin, ' (an admin worker creates the application)')) };
  const name = current().appName ?? 'Cyclr';
  const roleNames = parseRoleNames(current().roles ?? '');
  const environmentId = current().environmentId ?? '';
  apiOrigin(current());

  const api = await signIn(context, current());
  if (request.saveAdmin) await saveAdmin(context, current());
  const applications = await managed(context, `Applications of environment ${environmentId}`, () => api.applications());
  const roles = await managed(context, `Roles ${roleNames.join(', ')}`, () => api.roles(roleNames));
  const found = reusable(current(), applications, name);

  const { out } = context;
  out.say(out.paint.bold(found ? 'The plan: reuse the Worker application' : 'The plan: create a Worker application'));
  out.say(`  Environment   ${environmentId} (${api.apiOrigin})`);
  out.say(`  Application   ${found ? `${found.name} (${found.id}), already in PingOne` : name}`);
  out.say('  Grant type    Client Credentials; token endpoint auth method Client Secret Post');
  out.say(`  Roles         ${roleNames.join(', ')} (scoped to the environment)`);
  if (request.dryRun) {
    out.say(out.paint.bold('Requests it would send (Bearer: the admin token):'));
    if (found) {
      const at = `${api.apiOrigin}/v1/environments/${environmentId}/applications/${found.id}`;
      printRequests(context, [{ method: 'GET', url: `${at}/roleAssignments` }, { method: 'GET', url: `${at}/secret` }]);
    } else {
      printRequests(context, plannedCreate(api.apiOrigin, environmentId, name, roles));
    }
    return { values: answers, planned: true };
  }
  if (found && !context.interactive) context.warn(`Reused application ${found.name} (${found.id}): PingOne already had it, so no second one was created.`);
  if (context.interactive) {
    const message = found ? `Reuse ${found.name} (${found.id}) and read its secret?` : `Create ${name} in environment ${environmentId}?`;
    if (!(await context.prompt.confirm({ message, default: true }))) {
      const instead = found?.id === (current().applicationId ?? current().clientId) ? 'Use another --profile' : 'Pass another --app-name';
      throw new InputError('cancelled', 'Stopped before changing anything in PingOne; nothing was created.', found ? `${instead} to create a new application instead.` : 'Run the command again when you are ready.');
    }
  }

  let application = found;
  if (!application) {
    const created = await changing(
      () => managed(context, `Creating Worker application ${name}`, () => api.createApplication(name)),
      () =>
        new InterruptedError(`Interrupted while PingOne was creating application ${name}: it may exist now.`, [
          'Run ',
          command('pingone', '--create', '--app-name', name, PROFILE),
          ': it finds the application by its name and reuses it, never a second one.',
        ]),
    );
    application = created;
  }
  const app = application;
  // From here the application is in PingOne, and the profile names it only once its secret is saved.
  const read = await changing(
    async () => {
      const held = found ? await managed(context, 'Roles the application holds', () => api.roleIdsOf(app.id)) : [];
      for (const role of roles) {
        if (held.includes(role.id)) continue;
        await managed(context, `Granting ${role.name}`, () => api.grantRole(app.id, role));
      }
      return managed(context, 'Reading the Client Secret', () => api.readSecrets(app.id));
    },
    () =>
      new InterruptedError(`Interrupted. Application ${app.id} (${app.name}) is in PingOne, but not saved in profile "${context.profileName}" yet.`, [
        'Run ',
        command('pingone', '--create', '--client-id', app.id, PROFILE),
        ': it reuses the application, grants the roles it lacks and reads its secret.',
      ]),
  );
  // What PingOne says of a previous secret is what the profile records (a rotation interrupted, or finished elsewhere).
  const previousSecretExpiresAt = read.previousExpiresAt ?? (context.saved?.values.previousSecretExpiresAt !== undefined ? new Date(context.clock.now()).toISOString() : undefined);
  return {
    values: {
      ...answers,
      applicationId: app.id,
      clientId: app.id,
      clientSecret: read.secret,
      ...(previousSecretExpiresAt ? { previousSecretExpiresAt } : {}),
    },
    keep: {
      with: ['authDomain', 'environmentId', 'adminClientId', 'adminEnvironmentId', 'adminProfile', 'apiUrl'],
      expiresOn: null,
      saidAs: `Saved application ${app.id} and its Client Secret in profile "${context.profileName}".`,
      notSaved: (reason, keptAt) => secretNotSaved(app.id, reason, keptAt),
    },
    settles: true,
  } satisfies StepResult;
};

function applicationOf(context: StepContext, values: Values, doing: string): string {
  const id = values.applicationId ?? values.clientId;
  if (id === undefined) {
    throw new InputError(
      'missing_input',
      `Nothing to ${doing}: profile "${context.profileName}" names no application.`,
      ['Pass --client-id (the application ID), or create the application with ', command('pingone', '--create', PROFILE), '.'],
    );
  }
  return id;
}


/** A saved moment still ahead on the run's clock (a previous secret's end); a passed or unreadable one is not. */
function stillAhead(context: Pick<StepContext, 'clock'>, moment: string | undefined): moment is string {
  return moment !== undefined && Date.parse(moment) > context.clock.now();
}

/** A new secret, the previous one kept for --keep-previous hours: docs/contract.md "Rotating a secret". */
export const rotateStep = (request: Pick<PingOneRequest, 'finish' | 'keepPreviousHours' | 'saveAdmin'>): Step => async (context, values) => {
  const { finish, keepPreviousHours: hours } = request;
  requireKeys(context, values, ['authDomain', 'environmentId'], ' (the environment of the application)');
  const applicationId = applicationOf(context, values, finish ? 'finish' : 'rotate');
  const previousUntil = values.previousSecretExpiresAt;
  if (finish && previousUntil !== undefined && !stillAhead(context, previousUntil)) {
    // PingOne dropped it at that moment: there is nothing to ask of it, and no admin worker is needed.
    context.out.say(`Nothing to finish: the previous Client Secret of application ${applicationId} already stopped working at ${previousUntil}.`);
    return { values: { applicationId } };
  }
  const answers = await adminWorker(context, values, request.saveAdmin, ' (an admin worker rotates the secret)');
  const current = { ...values, ...answers };
  apiOrigin(current);
  if (!finish && current.clientSecret === undefined && context.interactive) {
    context.out.warn(`Profile "${context.profileName}" holds no Client Secret: after the rotation only the new one will be known.`);
  }
  // PingOne keeps one previous secret (P-SECRET-ONE-PREVIOUS): rotating again ends the one still in its overlap.
  const endsOverlap = !finish && stillAhead(context, previousUntil);
  if (endsOverlap) {
    context.warn(`The secret before the current one, which still worked until ${previousUntil}, stops working now: PingOne keeps only one previous secret.`);
  }
  if (context.interactive) {
    const until = new Date(context.clock.now() + hours * 3_600_000).toISOString();
    const message = finish
      ? `Drop the previous secret of application ${applicationId} now (Cyclr must already use the new one)?`
      : `Give application ${applicationId} a new secret, the current one working until ${until}${endsOverlap ? ' (the one before it stops now)' : ''}?`;
    if (!(await context.prompt.confirm({ message, default: !finish }))) throw new InputError('cancelled', 'Stopped before changing anything in PingOne; nothing was sent.', 'Run the command again when you are ready.');
  }
  const api = await signIn(context, current);
  if (request.saveAdmin) await saveAdmin(context, current);
  if (finish) {
    await changing(
      () => managed(context, 'Dropping the previous Client Secret', () => api.dropPreviousSecret(applicationId)),
      () =>
        new InterruptedError(`Interrupted while PingOne was dropping the previous Client Secret of application ${applicationId}: it may still work.`, [
          'Run ',
          command('pingone', '--rotate', '--finish', PROFILE),
          ' again to be sure.',
        ]),
    );
    context.out.say(`The previous Client Secret of application ${applicationId} no longer works.`);
    return { values: { ...answers, applicationId, previousSecretExpiresAt: new Date(context.clock.now()).toISOString() } };
  }
  const expiresAt = new Date(context.clock.now() + hours * 3_600_000).toISOString();
  const rotated = await changing(
    () => managed(context, 'Rotating the Client Secret', () => api.rotateSecret(applicationId, expiresAt)),
    () =>
      new InterruptedError(`Interrupted while PingOne was rotating the Client Secret of application ${applicationId}: it may have a new one now.`, [
        `If it has, the secret saved in profile "${context.profileName}" keeps working until ${expiresAt}. Run `,
        command('pingone', '--create', PROFILE),
        ' (not --rotate, which would end that overlap): it reads the current secret and saves it.',
      ]),
  );
  const overlap = stillAhead(context, rotated.previousExpiresAt) ? `The previous secret still works until ${rotated.previousExpiresAt}. ` : 'The previous secret no longer works. ';
  return {
    values: { ...answers, applicationId, clientId: applicationId, clientSecret: rotated.secret, previousSecretExpiresAt: rotated.previousExpiresAt },
    keep: {
      with: ['authDomain', 'environmentId', 'adminClientId', 'adminEnvironmentId', 'adminProfile', 'apiUrl'],
      expiresOn: null,
      saidAs: `Saved the new Client Secret of application ${applicationId} in profile "${context.profileName}".`,
      // Rotating again would end the overlap Cyclr relies on: the new secret is read again instead.
      notSaved: (reason, keptAt) =>
        new CliError(
          'secret_not_saved',
          `PingOne issued a new Client Secret for application ${applicationId}, but it could not be saved: ${reason}${keptAt ? ` ${keptAt}.` : ''}`,
          [`${overlap}Once the profile can be saved, run `, command('pingone', '--create', PROFILE), ` (not --rotate): it reuses application ${applicationId} and reads its new secret again.`],
          1,
        ),
    },
    settles: true,
  };
};

/** While a rotation is half done, every verify says until when the previous secret works and how to finish. */
export function rotationWarning(context: Pick<StepContext, 'clock'>, values: Values): Hint | undefined {
  const until = values.previousSecretExpiresAt;
  if (!stillAhead(context, until)) return undefined;
  return [`The previous Client Secret still works until ${until}: update the Client Secret in Cyclr, then run `, command('pingone', '--rotate', '--finish', PROFILE), '.'];
}

/**
 * A Worker app refused for having no roles, with admin credentials at hand: its role assignments are listed to say
 * which of the roles Cyclr needs it lacks. Anything failing here leaves the refusal as it was.
 */
export async function namingMissingRoles(context: StepContext, given: Values, refusal: CliError): Promise<CliError> {
  const applicationId = given.applicationId ?? given.clientId;
  try {
    const values = { ...given, ...(await keptAdmin(context, given)) };
    if (!values.adminClientId || !values.adminClientSecret || applicationId === undefined) return refusal;
    const api = await signIn(context, values);
    const held = await context.check("The application's roles", () => api.roleIdsOf(applicationId));
    const wanted = await api.roles(parseRoleNames(values.roles ?? DEFAULT_ROLES.join(',')));
    const missing = wanted.filter((role) => !held.includes(role.id)).map((role) => role.name);
    if (missing.length === 0) return refusal;
    return new RejectedError(
      refusal.code,
      `${refusal.message} It holds ${held.length === 1 ? '1 role assignment' : `${held.length} role assignments`}, without ${missing.join(', ')}.`,
      joinHints(['Run ', command('pingone', '--create', '--client-id', applicationId, PROFILE), `, which grants ${missing.join(', ')} to this application; or: `], refusal.advice),
    );
  } catch {
    return refusal;
  }
}
