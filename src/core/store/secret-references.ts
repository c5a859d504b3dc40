// A saved secret may be a reference to the team's vault instead of a copy: resolved per use through the vault's
// own CLI and its own login, held in memory for the run, never written to disk.
//   op://VAULT/ITEM/FIELD (or op://VAULT/ITEM/SECTION/FIELD)   op read
//   vault:PATH#FIELD                                           vault kv get -field=FIELD PATH
//   aws-sm:SECRET_ID#KEY (or aws-sm:SECRET_ID for the whole)   aws secretsmanager get-secret-value, SecretString
//   pass:PATH                                                  pass show PATH, the first line
import { InputError } from '../errors.js';
import { ReferenceUnresolvedError, type VaultToolName, failedCall, runVaultTool } from './vault-tools.js';

export interface SecretReference {
  tool: VaultToolName;
  /** The reference as written, which is what `profiles show` prints. */
  text: string;
  /** Vault path, AWS secret id, pass entry; for op the whole reference. */
  path: string;
  /** Vault field, AWS JSON key. */
  field?: string;
}

const OP_REFERENCE = /^op:\/\/[^/]+\/[^/]+(?:\/[^/]+)?\/[^/]+$/;

/** Whether a saved text is a reference at all (a plain secret never starts with one of these prefixes). */
export function isSecretReference(text: string): boolean {
  return /^(?:op:\/\/|vault:|aws-sm:|pass:)/.test(text);
}

function badReference(text: string, shape: string): InputError {
  return new InputError('invalid_input', `The secret reference ${text} is not valid.`, `Write it as ${shape}.`);
}

/** An argument that starts with "-" would be read by the tool as an option: refused, never passed on. */
function checkArgument(part: string, text: string, shape: string): string {
  if (part === '' || part.startsWith('-') || /[\u0000-\u001f\u007f]/.test(part)) throw badReference(text, shape);
  return part;
}

/** The reference in `text`, or undefined when it is a plain value; a reference of a known kind that is malformed is an error. */
export function parseSecretReference(text: string): SecretReference | undefined {
  if (text.startsWith('op://')) {
    const shape = 'op://VAULT/ITEM/FIELD';
    if (!OP_REFERENCE.test(text) || /[\u0000-\u001f\u007f]/.test(text)) throw badReference(text, shape);
    return { tool: 'op', text, path: text };
  }
  const split = (rest: string, shape: string, fieldRequired: boolean): { path: string; field?: string } => {
    const hash = rest.lastIndexOf('#');
    if (hash < 0) {
      if (fieldRequired) throw badReference(text, shape);
      return { path: checkArgument(rest, text, shape) };
    }
    return { path: checkArgument(rest.slice(0, hash), text, shape), field: checkArgument(rest.slice(hash + 1), text, shape) };
  };
  if (text.startsWith('vault:')) return { tool: 'vault', text, ...split(text.slice('vault:'.length), 'vault:PATH#FIELD', true) };
  if (text.startsWith('aws-sm:')) return { tool: 'aws', text, ...split(text.slice('aws-sm:'.length), 'aws-sm:SECRET_ID#KEY', false) };
  if (text.startsWith('pass:')) return { tool: 'pass', text, path: checkArgument(text.slice('pass:'.length), text, 'pass:PATH') };
  return undefined;
}

function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** The SecretString's key, when the secret is a JSON object (as the Secrets Manager console stores key/value pairs). */
function keyOfSecretString(reference: SecretReference, secretString: string): string {
  if (reference.field === undefined) return secretString;
  let data: unknown;
  try {
    data = JSON.parse(secretString);
  } catch {
    throw new ReferenceUnresolvedError(reference.text, `the secret ${reference.path} is not a JSON object, so it has no key ${reference.field}`);
  }
  const value = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>)[reference.field] : undefined;
  if (typeof value !== 'string') throw new ReferenceUnresolvedError(reference.text, `the secret ${reference.path} has no text key ${reference.field}`);
  return value;
}

/**
 * The value the reference names, read through its tool with `env` (the scrubbed environment). Errors:
 * StoreUnavailableError (the tool is missing or not logged in), ReferenceUnresolvedError (no such secret, or empty).
 */
export async function resolveSecretReference(reference: SecretReference, env: NodeJS.ProcessEnv): Promise<string> {
  const { tool } = reference;
  const args =
    tool === 'op'
      ? ['read', '--no-newline', reference.path]
      : tool === 'vault'
        ? ['kv', 'get', `-field=${reference.field}`, reference.path]
        : tool === 'aws'
          ? ['secretsmanager', 'get-secret-value', '--secret-id', reference.path, '--query', 'SecretString', '--output', 'text']
          : ['show', reference.path];
  const answer = await runVaultTool(tool, args, env);
  if (answer.code !== 0) throw failedCall(tool, answer, `Reading ${reference.text}`, reference.text);
  const output = tool === 'pass' ? (answer.stdout.split('\n')[0] ?? '') : withoutFinalNewline(answer.stdout);
  // aws prints "None" for a secret stored as SecretBinary, which has no SecretString.
  if (tool === 'aws' && output === 'None') throw new ReferenceUnresolvedError(reference.text, `the secret ${reference.path} holds binary data, not text`);
  const value = tool === 'aws' ? keyOfSecretString(reference, output) : output;
  if (value.trim() === '') throw new ReferenceUnresolvedError(reference.text, 'it is empty');
  return value.replace(/\r$/, '');
}

/**
 * Every reference among `secrets` replaced by its value, one tool call per reference, in order (a tool asking
 * for an unlock asks once, not several times at once). Plain values pass through unchanged.
 */
export async function resolveSecrets(secrets: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const [key, text] of Object.entries(secrets)) {
    const reference = parseSecretReference(text);
    resolved[key] = reference ? await resolveSecretReference(reference, env) : text;
  }
  return resolved;
}
