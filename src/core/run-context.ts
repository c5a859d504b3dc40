// Builds the context a connector's steps receive, for one profile: the same for an interactive setup, a
// single --verify and each profile of `verify --all`.
import type { ConnectorDefinition } from '../connectors/types.js';
import type { Output } from './output.js';
import type { ProfileWithSecrets } from './profile-store.js';
import { type Prompter, createPrompter, noPrompter } from './prompts.js';
import { resolveValues } from './resolve.js';
import type { RunContext } from './run.js';
import type { Session } from './session.js';

export interface RunContextInput {
  session: Session;
  connector: ConnectorDefinition;
  profileName: string;
  /** Parsed command options (commander's names); `{}` when only the saved profile counts. */
  options: Record<string, unknown>;
  /** The environment values are read from; `{}` when only the saved profile counts. */
  env: NodeJS.ProcessEnv;
  saved: ProfileWithSecrets | undefined;
  /** How messages name the saved profile, e.g. `the saved profile "default" in /home/me/.config/connector-setup`. */
  savedFrom?: string;
  /** The line read for a `--*-stdin` flag. */
  stdinLine?: string;
  interactive: boolean;
  /** Where this run's human text goes; the session's output unless given (verify --all keeps each quiet). */
  out?: Output;
}

export function createRunContext(input: RunContextInput): RunContext {
  const { session, connector, saved } = input;
  const out = input.out ?? session.out;
  session.redactor.add(input.stdinLine);
  for (const secret of Object.values(saved?.secrets ?? {})) session.redactor.add(secret);
  const resolved = resolveValues({
    fields: connector.fields,
    options: input.options,
    stdinLine: input.stdinLine,
    env: input.env,
    saved,
    savedFrom: input.savedFrom,
  });
  for (const field of connector.fields) if (field.secret) session.redactor.add(resolved.values[field.key]);
  resolved.notices.forEach((notice) => out.warn(notice));
  const prompt: Prompter = input.interactive ? createPrompter(session.signal) : noPrompter;
  return {
    connector,
    profileName: input.profileName,
    options: input.options,
    env: input.env,
    interactive: input.interactive,
    prompt,
    out,
    http: session.http,
    redactor: session.redactor,
    store: session.store,
    saved,
    resolved,
    checks: [],
    warnings: [],
  };
}
