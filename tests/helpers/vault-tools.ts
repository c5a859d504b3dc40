// The team vaults' CLIs for tests. `pass` is the real one (Debian's pass and GnuPG) with a throwaway key in a
// scratch GNUPGHOME; `op`, `vault` and `aws` have no server here, so each is a small stand-in executable on PATH
// that behaves as its documentation says (docs/vaults.md cites it): exit codes, stdout, stdin, and the message it
// gives when not logged in. Every call a stand-in answers is logged with its argv and stdin, so a test can show
// that no value was ever an argument.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface StandIns {
  /** PATH with the stand-ins first. */
  env: Record<string, string>;
  /** What the stand-ins hold: 1Password items by vault, Vault secrets by path, AWS secrets by id. */
  state(): StandInState;
  seed(state: Partial<StandInState>): void;
  /** Every call so far: the tool, its arguments and what it read on stdin. */
  calls(): { tool: string; args: string[]; stdin: string }[];
  stop(): Promise<void>;
}

export interface StandInState {
  op: Record<string, { id: string; title: string; fields: { id?: string; label: string; value: string }[] }[]>;
  vault: Record<string, Record<string, string>>;
  aws: Record<string, string>;
}

/** What one call of a stand-in answers. */
interface ToolAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

class Exit {
  constructor(readonly answer: ToolAnswer) {}
}

/**
 * The three tools, as their documentation says they behave. `signedIn`: which of the variables each reads for its
 * login were set (non-empty) in the calling environment.
 */
function answer(state: StandInState, tool: string, args: string[], input: string, signedIn: Set<string>): ToolAnswer {
  let stdout = '';
  const print = (text: string): void => {
    stdout += text;
  };
  const exit = (code: number): never => {
    throw new Exit({ code, stdout, stderr: '' });
  };
  const fail = (code: number, text: string): never => {
    throw new Exit({ code, stdout, stderr: `${text}\n` });
  };
  try {
    if (tool === 'op') {
      // op 2: signed in through a service account token (CI) or a session; otherwise every command says so.
      const stamp = '[ERROR] 2024/09/11 11:57:08 ';
      if (!signedIn.has('OP_SERVICE_ACCOUNT_TOKEN')) fail(1, `${stamp}You are not currently signed in. Please run \`op signin --help\` for instructions`);
      if (args[0] === 'whoami') {
        print('URL: https://example.1password.com\nUser Type: SERVICE_ACCOUNT\n');
        exit(0);
      }
      if (args[0] === 'read') {
        const ref = args.find((arg) => arg.startsWith('op://')) ?? '';
        const parts = ref.slice(5).split('/');
        const [vault = '', item = ''] = parts;
        const field = parts[parts.length - 1];
        const found = (state.op[vault] ?? []).find((each) => each.id === item || each.title === item);
        if (!found) fail(1, `${stamp}could not read secret '${ref}': error retrieving item: "${item}" isn't an item in the "${vault}" vault. Specify the item with its UUID, name, or domain.`);
        const value = found?.fields.find((each) => each.label === field || each.id === field);
        if (!value) fail(1, `${stamp}could not read secret '${ref}': item '${vault}/${item}' does not have a field '${field}'`);
        print((value?.value ?? '') + (args.includes('--no-newline') ? '' : '\n'));
        exit(0);
      }
      if (args[0] === 'item' && args[1] === 'create') {
        const vault = args[args.indexOf('--vault') + 1] ?? '';
        const template = JSON.parse(input) as { title: string; fields: { id?: string; label: string; value: string }[] };
        const id = `standin${String(Object.values(state.op).flat().length + 1).padStart(19, '0')}`;
        (state.op[vault] ??= []).push({ id, title: template.title, fields: template.fields.map((field) => ({ id: field.id, label: field.label, value: field.value })) });
        print(`${JSON.stringify({ id, title: template.title, vault: { name: vault } })}\n`);
        exit(0);
      }
      if (args[0] === 'item' && args[1] === 'delete') {
        const vault = args[args.indexOf('--vault') + 1] ?? '';
        state.op[vault] = (state.op[vault] ?? []).filter((each) => each.id !== args[2]);
        exit(0);
      }
      fail(1, `${stamp}unknown command`);
    }

    if (tool === 'vault') {
      // vault: the token from VAULT_TOKEN; without one the server answers 400 "missing client token".
      const apiError = (code: number, method: string, at: string, text: string): never =>
        fail(2, `Error making API request.\n\nURL: ${method} https://vault.example:8200/v1/${at}\nCode: ${code}. Errors:\n\n* ${text}`);
      if (!signedIn.has('VAULT_TOKEN')) apiError(400, 'GET', 'auth/token/lookup-self', 'missing client token');
      if (args[0] === 'token' && args[1] === 'lookup') {
        print('Key    Value\n---    -----\npolicies    [default]\n');
        exit(0);
      }
      if (args[0] === 'kv' && args[1] === 'get') {
        const field = (args.find((arg) => arg.startsWith('-field=')) ?? '').slice(7);
        const at = args[args.length - 1] ?? '';
        const data = state.vault[at];
        if (!data) fail(2, `No value found at ${at.replace('/', '/data/')}`);
        if (!(field in (data ?? {}))) fail(1, `Field "${field}" not present in secret`);
        print(data?.[field] ?? '');
        exit(0);
      }
      if (args[0] === 'kv' && (args[1] === 'put' || args[1] === 'patch')) {
        const at = args[2] ?? '';
        if (args[1] === 'patch' && !state.vault[at]) fail(2, `No value found at ${at.replace('/', '/data/')}`);
        const data: Record<string, string> = args[1] === 'put' ? {} : (state.vault[at] ?? {});
        for (const pair of args.slice(3)) {
          const equals = pair.indexOf('=');
          data[pair.slice(0, equals)] = pair.slice(equals + 1) === '-' ? input : pair.slice(equals + 1);
        }
        state.vault[at] = data;
        print(`== Secret Path ==\n${at}\n`);
        exit(0);
      }
      if (args[0] === 'kv' && args[1] === 'metadata' && args[2] === 'delete') {
        delete state.vault[args[3] ?? ''];
        exit(0);
      }
      fail(1, 'Usage: vault <command> [args]');
    }

    if (tool === 'aws') {
      // AWS CLI v2: exit 253 when no credentials are configured, 254 when the service returned an error.
      if (!signedIn.has('AWS_ACCESS_KEY_ID') && !signedIn.has('AWS_PROFILE')) fail(253, '\nUnable to locate credentials. You can configure credentials by running "aws configure".');
      if (args[0] === 'secretsmanager' && args[1] === 'get-secret-value') {
        const id = args[args.indexOf('--secret-id') + 1] ?? '';
        if (!(id in state.aws)) fail(254, "\nAn error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.");
        print(`${args.includes('--query') ? state.aws[id] : JSON.stringify({ Name: id, SecretString: state.aws[id] })}\n`);
        exit(0);
      }
      fail(252, 'usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]');
    }
    return fail(127, `${tool}: unknown stand-in`);
  } catch (thrown) {
    if (thrown instanceof Exit) return thrown.answer;
    return { code: 70, stdout: '', stderr: `${tool} stand-in failed: ${String(thrown)}\n` };
  }
}

/** The variables a tool reads its login from: the stand-in is told which were set, never their values. */
const LOGIN_VARIABLES = ['OP_SERVICE_ACCOUNT_TOKEN', 'VAULT_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_PROFILE'];

/**
 * The executable each tool name is: bash hands its name, which login variables are set, its arguments and (when an
 * argument says `-`) its stdin to the test's process over a TCP connection (bash's /dev/tcp), and gives back the
 * answer: exit code, stdout, stderr. Fields are NUL-terminated; a bash start costs a fraction of a node start.
 */
function standInScript(port: number): string {
  return `#!/bin/bash
exec 3<>/dev/tcp/127.0.0.1/${port} || exit 70
input=
for arg in "$@"; do
  if [ "$arg" = - ] || [ "\${arg%=-}" != "$arg" ]; then IFS= read -r -d '' input; break; fi
done
printf '%s\\0' "\${0##*/}" ${LOGIN_VARIABLES.map((name) => `"\${${name}:+${name}}"`).join(' ')} "$#" "$@" "$input" >&3
IFS= read -r -d '' code <&3
IFS= read -r -d '' out <&3
IFS= read -r -d '' err <&3
printf '%s' "$out"
printf '%s' "$err" >&2
exit "$code"
`;
}

/**
 * Starts the stand-ins: `op`, `vault` and `aws` on PATH, answered by this process. Stopped with `stop()` (the
 * listening socket would keep the test's process alive).
 */
export async function startStandIns(): Promise<StandIns> {
  const dir = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'vault-tools-'));
  let state: StandInState = { op: {}, vault: {}, aws: {} };
  const calls: { tool: string; args: string[]; stdin: string }[] = [];
  const server = createServer((socket) => {
    let received = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const fields = received.toString('utf8').split('\0');
      // tool, the login variables, the argument count, the arguments, stdin; then the empty rest after the last NUL.
      const head = 1 + LOGIN_VARIABLES.length;
      if (fields.length < head + 2) return;
      const count = Number(fields[head]);
      if (fields.length < head + 1 + count + 2) return;
      const tool = fields[0] ?? '';
      const signedIn = new Set(fields.slice(1, head).filter(Boolean));
      const args = fields.slice(head + 1, head + 1 + count);
      const stdin = fields[head + 1 + count] ?? '';
      calls.push({ tool, args, stdin });
      const { code, stdout, stderr } = answer(state, tool, args, stdin, signedIn);
      socket.end(`${code}\0${stdout}\0${stderr}\0`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  for (const tool of ['op', 'vault', 'aws']) writeFileSync(path.join(dir, tool), standInScript(port), { mode: 0o755 });
  const copy = (): StandInState => JSON.parse(JSON.stringify(state)) as StandInState;
  return {
    env: { PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` },
    state: copy,
    seed(more) {
      state = { ...copy(), ...JSON.parse(JSON.stringify(more)) };
    },
    calls: () => calls.map((call) => ({ ...call, args: [...call.args] })),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
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
    // Curve keys: GnuPG 2.2's default (RSA 3072) took gpg-agent 2-4 s of CPU to generate, these a few milliseconds.
    await run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', userId, 'ed25519', 'sign', 'never'], childEnv);
    const fingerprint = /^fpr:+([0-9A-F]+):/m.exec(await run('gpg', ['--batch', '--with-colons', '--list-secret-keys', userId], childEnv))?.[1];
    if (!fingerprint) throw new Error('gpg made no key');
    await run('gpg', ['--batch', '--passphrase', '', '--quick-add-key', fingerprint, 'cv25519', 'encr', 'never'], childEnv);
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
