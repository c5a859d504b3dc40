// The team vaults' CLIs for tests. `pass` is the real one (Debian's pass and GnuPG) with a throwaway key in a
// scratch GNUPGHOME; `op`, `vault` and `aws` have no server here, so each is a small stand-in executable on PATH
// that behaves as its documentation says (docs/vaults.md cites it): exit codes, stdout, stdin, and the message it
// gives when not logged in. Every call a stand-in answers is logged with its argv and stdin, so a test can show
// that no value was ever an argument.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface StandIns {
  /** PATH with the stand-ins first. */
  env: Record<string, string>;
  /** What the stand-ins hold: 1Password items by vault, Vault secrets by path, AWS secrets by id. */
  state(): StandInState;
  seed(state: Partial<StandInState>): void;
  /** Every call so far: the tool, its arguments and what it read on stdin. */
  calls(): { tool: string; args: string[]; stdin: string }[];
}

export interface StandInState {
  op: Record<string, { id: string; title: string; fields: { id?: string; label: string; value: string }[] }[]>;
  vault: Record<string, Record<string, string>>;
  aws: Record<string, string>;
}

// One script for the three tools: it looks at the name it was called by.
const SCRIPT = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const tool = path.basename(process.argv[1]);
const args = process.argv.slice(2);
const dir = path.dirname(process.argv[1]);
const stateFile = path.join(dir, 'state.json');
const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
const save = () => fs.writeFileSync(stateFile, JSON.stringify(state));
const stdin = () => { try { return fs.readFileSync(0, 'utf8'); } catch { return ''; } };
const input = args.includes('-') || args.some((arg) => arg.endsWith('=-')) ? stdin() : '';
fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify({ tool, args, stdin: input }) + '\n');
const fail = (code, text) => { process.stderr.write(text + '\n'); process.exit(code); };
const env = process.env;

if (tool === 'op') {
  // op 2: signed in through a service account token (CI) or a session; otherwise every command says so.
  const stamp = '[ERROR] 2024/09/11 11:57:08 ';
  if (!env.OP_SERVICE_ACCOUNT_TOKEN) fail(1, stamp + 'You are not currently signed in. Please run ' + '\x60op signin --help\x60 for instructions');
  if (args[0] === 'whoami') { process.stdout.write('URL: https://example.1password.com\nUser Type: SERVICE_ACCOUNT\n'); process.exit(0); }
  if (args[0] === 'read') {
    const ref = args.find((arg) => arg.startsWith('op://'));
    const parts = ref.slice(5).split('/');
    const [vault, item] = parts;
    const field = parts[parts.length - 1];
    const found = (state.op[vault] || []).find((each) => each.id === item || each.title === item);
    if (!found) fail(1, stamp + 'could not read secret ' + "'" + ref + "'" + ': error retrieving item: "' + item + '" isn' + "'" + 't an item in the "' + vault + '" vault. Specify the item with its UUID, name, or domain.');
    const value = found.fields.find((each) => each.label === field || each.id === field);
    if (!value) fail(1, stamp + 'could not read secret ' + "'" + ref + "'" + ': item ' + "'" + vault + '/' + item + "'" + ' does not have a field ' + "'" + field + "'");
    process.stdout.write(value.value + (args.includes('--no-newline') ? '' : '\n'));
    process.exit(0);
  }
  if (args[0] === 'item' && args[1] === 'create') {
    const vault = args[args.indexOf('--vault') + 1];
    const template = JSON.parse(input);
    const id = 'standin' + String(Object.values(state.op).flat().length + 1).padStart(19, '0');
    (state.op[vault] = state.op[vault] || []).push({ id, title: template.title, fields: template.fields.map((field) => ({ id: field.id, label: field.label, value: field.value })) });
    save();
    process.stdout.write(JSON.stringify({ id, title: template.title, vault: { name: vault } }) + '\n');
    process.exit(0);
  }
  if (args[0] === 'item' && args[1] === 'delete') {
    const vault = args[args.indexOf('--vault') + 1];
    state.op[vault] = (state.op[vault] || []).filter((each) => each.id !== args[2]);
    save();
    process.exit(0);
  }
  fail(1, stamp + 'unknown command');
}

if (tool === 'vault') {
  // vault: the token from VAULT_TOKEN; without one the server answers 400 "missing client token".
  const apiError = (code, method, p, text) => fail(2, 'Error making API request.\n\nURL: ' + method + ' https://vault.example:8200/v1/' + p + '\nCode: ' + code + '. Errors:\n\n* ' + text);
  if (!env.VAULT_TOKEN) apiError(400, 'GET', 'auth/token/lookup-self', 'missing client token');
  if (args[0] === 'token' && args[1] === 'lookup') { process.stdout.write('Key    Value\n---    -----\npolicies    [default]\n'); process.exit(0); }
  if (args[0] === 'kv' && args[1] === 'get') {
    const field = (args.find((arg) => arg.startsWith('-field=')) || '').slice(7);
    const p = args[args.length - 1];
    const data = state.vault[p];
    if (!data) fail(2, 'No value found at ' + p.replace('/', '/data/'));
    if (!(field in data)) fail(1, 'Field "' + field + '" not present in secret');
    process.stdout.write(data[field]);
    process.exit(0);
  }
  if (args[0] === 'kv' && (args[1] === 'put' || args[1] === 'patch')) {
    const p = args[2];
    if (args[1] === 'patch' && !state.vault[p]) fail(2, 'No value found at ' + p.replace('/', '/data/'));
    const data = args[1] === 'put' ? {} : state.vault[p];
    for (const pair of args.slice(3)) {
      const at = pair.indexOf('=');
      data[pair.slice(0, at)] = pair.slice(at + 1) === '-' ? input : pair.slice(at + 1);
    }
    state.vault[p] = data;
    save();
    process.stdout.write('== Secret Path ==\n' + p + '\n');
    process.exit(0);
  }
  if (args[0] === 'kv' && args[1] === 'metadata' && args[2] === 'delete') { delete state.vault[args[3]]; save(); process.exit(0); }
  fail(1, 'Usage: vault <command> [args]');
}

if (tool === 'aws') {
  // AWS CLI v2: exit 253 when no credentials are configured, 254 when the service returned an error.
  if (!env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) fail(253, '\nUnable to locate credentials. You can configure credentials by running "aws configure".');
  if (args[0] === 'secretsmanager' && args[1] === 'get-secret-value') {
    const id = args[args.indexOf('--secret-id') + 1];
    if (!(id in state.aws)) fail(254, '\nAn error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can' + "'" + 't find the specified secret.');
    const text = args.includes('--query') ? state.aws[id] : JSON.stringify({ Name: id, SecretString: state.aws[id] });
    process.stdout.write(text + '\n');
    process.exit(0);
  }
  fail(252, 'usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]');
}
`;

export function startStandIns(): StandIns {
  const dir = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'vault-tools-'));
  writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ op: {}, vault: {}, aws: {} }));
  writeFileSync(path.join(dir, 'calls.jsonl'), '');
  writeFileSync(path.join(dir, 'standin.cjs'), SCRIPT);
  for (const tool of ['op', 'vault', 'aws']) {
    const file = path.join(dir, tool);
    // import() works whether the file is read as CommonJS or as a module (a package.json above it may say either).
    writeFileSync(file, `#!${process.execPath}\nimport(${JSON.stringify(pathToFileURL(path.join(dir, 'standin.cjs')).href)});\n`);
    chmodSync(file, 0o755);
  }
  const read = (): StandInState => JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as StandInState;
  return {
    env: { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` },
    state: read,
    seed(state) {
      writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ ...read(), ...state }));
    },
    calls() {
      return readFileSync(path.join(dir, 'calls.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { tool: string; args: string[]; stdin: string });
    },
  };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { env, encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || error.message}`)) : resolve(stdout),
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

export interface PassStore {
  /** GNUPGHOME and PASSWORD_STORE_DIR for a child that should use this store. */
  env: Record<string, string>;
  /** `pass show`, as the user would run it. */
  show(entry: string): Promise<string>;
  insert(entry: string, value: string): Promise<void>;
  /** The files under the store, relative to it (what is on disk). */
  files(): string[];
  directory: string;
  /** Ends the gpg-agent the store started and removes the key. */
  stop(): Promise<void>;
}

const MISSING = 'run .ci/run or apt-get install pass gnupg';

/** A real password store, encrypted to a throwaway GnuPG key without a passphrase, made for this test. */
export async function startPassStore(): Promise<PassStore> {
  const root = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'pass-'));
  // gpg-agent's socket path must stay short (108 bytes on Linux): the home goes under the OS temp directory.
  const gnupgHome = mkdtempSync(path.join(os.tmpdir(), 'gpg-'));
  chmodSync(gnupgHome, 0o700);
  const directory = path.join(root, 'store');
  mkdirSync(directory);
  const env = { GNUPGHOME: gnupgHome, PASSWORD_STORE_DIR: directory };
  const childEnv = { ...process.env, ...env };
  const userId = 'connector-setup test <test@example.invalid>';
  try {
    await run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', userId, 'default', 'default', 'never'], childEnv);
    await run('pass', ['init', userId], childEnv);
  } catch (error) {
    throw new Error(`${(error as Error).message} (${MISSING})`);
  }
  return {
    env,
    directory,
    show: (entry) => run('pass', ['show', entry], childEnv),
    insert: async (entry, value) => {
      await run('pass', ['insert', '--multiline', '--force', entry], childEnv, `${value}\n`);
    },
    files: () => listFiles(directory),
    stop: async () => {
      await run('gpgconf', ['--kill', 'all'], childEnv).catch(() => undefined);
      rmSync(gnupgHome, { recursive: true, force: true });
    },
  };
}

function listFiles(directory: string, prefix = ''): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(directory, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}
