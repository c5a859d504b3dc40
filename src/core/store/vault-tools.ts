// The team vaults' own command-line tools (1Password `op`, HashiCorp `vault`, AWS `aws`, `pass`): how each is run,
// how it says it is missing or not logged in, and the errors that say so. Values reach a tool on stdin only, never
// in its arguments (shell history, `ps`), and the tool runs with an environment the caller has scrubbed.
import { InputError } from '../errors.js';
import { type ToolAnswer, ToolRuns } from './keychain/tool.js';

export type VaultToolName = 'op' | 'vault' | 'aws' | 'pass';

interface ToolInfo {
  /** How the user knows it. */
  title: string;
  /** The tool's own login, for hints. */
  login: string;
  /** Whether a failed call means "not logged in" (as opposed to "no such secret"). */
  notLoggedIn: RegExp;
}

export const VAULT_TOOLS: Readonly<Record<VaultToolName, ToolInfo>> = {
  op: {
    title: 'the 1Password CLI (op)',
    login: 'op signin (or set OP_SERVICE_ACCOUNT_TOKEN)',
    notLoggedIn: /not currently signed in|no accounts configured|authorization prompt dismissed|session expired|OP_SERVICE_ACCOUNT_TOKEN/i,
  },
  vault: {
    title: 'the Vault CLI (vault)',
    login: 'vault login (with VAULT_ADDR set to your Vault server)',
    notLoggedIn: /missing client token|invalid token|token is expired|permission denied|connection refused|no such host|server gave HTTP response to HTTPS client/i,
  },
  aws: {
    title: 'the AWS CLI (aws)',
    login: 'aws configure or aws sso login',
    notLoggedIn: /unable to locate credentials|expiredtoken|token has expired|security token included in the request is (?:invalid|expired)|sso session|could not connect to the endpoint/i,
  },
  pass: {
    title: 'pass',
    login: 'pass init <your GnuPG key id> (and gpg-agent with the key unlocked)',
    notLoggedIn: /password store is empty|pass init|no secret key|decryption failed|no public key|gpg-id|unusable public key|inappropriate ioctl|no pinentry/i,
  },
};

/**
 * The line of a tool's stderr that says what went wrong (vault lists its errors as "* …" under a generic first
 * line; the others say it first), without anything the caller knows to be a value.
 */
export function toolSaid(answer: ToolAnswer, values: readonly string[] = []): string {
  const lines = answer.stderr.trim().split('\n').map((line) => line.trim()).filter(Boolean);
  let line = (lines.find((each) => each.startsWith('* '))?.slice(2) ?? lines[0] ?? '').slice(0, 200);
  for (const value of values) if (value) line = line.split(value).join('…');
  // op prefixes its lines with `[ERROR] 2024/09/11 11:57:08 `: the date says nothing to the user.
  return line.replace(/^\[ERROR\] \S+ \S+ /, '');
}

/** The tool is missing, cannot run, or is not logged in: nothing was read or written (exit 2). */
export class StoreUnavailableError extends InputError {
  constructor(tool: VaultToolName, why: string) {
    const info = VAULT_TOOLS[tool];
    super('store_unavailable', `${capitalise(info.title)} is not available: ${why}.`, `Install it if needed and log in with ${info.login}; then run the command again.`);
  }
}

/** A reference the tool answered but could not resolve (no such item, field or key). */
export class ReferenceUnresolvedError extends InputError {
  constructor(reference: string, why: string, hint = 'Check the reference (profiles show prints it), or save the secret again with a working --store.') {
    super('reference_unresolved', `The secret reference ${reference} could not be read: ${why}.`, hint);
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Runs one tool. `env`: the scrubbed environment it runs with. A tool that cannot be started at all (not on PATH)
 * is StoreUnavailableError; otherwise its answer, for the caller to read.
 */
export async function runVaultTool(tool: VaultToolName, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<ToolAnswer> {
  try {
    return await new ToolRuns(tool, env).run(args, input);
  } catch (error) {
    const message = (error as Error).message;
    throw new StoreUnavailableError(tool, /ENOENT/.test(message) ? `${tool} is not installed or not on PATH` : message);
  }
}

/** A failed call: not logged in (StoreUnavailableError) or, when `reference` is given, a reference that does not resolve. */
export function failedCall(tool: VaultToolName, answer: ToolAnswer, what: string, reference?: string, values: readonly string[] = []): InputError {
  const said = toolSaid(answer, values) || `exit ${answer.code}`;
  if (VAULT_TOOLS[tool].notLoggedIn.test(answer.stderr) || !reference) return new StoreUnavailableError(tool, `${what} failed (${said})`);
  return new ReferenceUnresolvedError(reference, `${tool} said: ${said}`);
}
