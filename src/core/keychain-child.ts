// The keychain, in a process of its own. A Secret Service waiting on an unlock prompt that nobody will answer
// blocks the native call, and a blocked native call cannot be abandoned in-process (Node waits for it even in
// process.exit): the parent kills this process instead (secret-backend.ts).
// Protocol, one JSON object per line: it says {"ready":true} or {"ready":false,"reason":…} once the binding is
// loaded; then answers each {"id","op":"get"|"set"|"delete","account","password"?} with {"id","ok":true,"value"?}
// or {"id","ok":false,"reason"}. It ends when its stdin ends.
import { createInterface } from 'node:readline';

type KeyringModule = typeof import('@napi-rs/keyring');

interface Request {
  id: number;
  op: 'get' | 'set' | 'delete';
  account: string;
  password?: string;
}

const SERVICE = 'connector-setup';

/** Only the first line of a binding error, without anything that could echo a value. */
function reasonOf(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return message.split('\n')[0]?.slice(0, 300) ?? 'unknown error';
}

function answer(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function perform(keyring: KeyringModule, request: Request): string | null | boolean {
  // On Linux the Secret Service only: the binding's fallback, the kernel keyring, forgets everything at logout.
  const entry = new keyring.Entry(SERVICE, request.account, { linux: { store: 'secret-service' } });
  if (request.op === 'get') return entry.getPassword();
  if (request.op === 'set') {
    entry.setPassword(request.password ?? '');
    return true;
  }
  return entry.deleteCredential();
}

async function main(): Promise<void> {
  let keyring: KeyringModule;
  try {
    keyring = await import('@napi-rs/keyring');
  } catch (error) {
    answer({ ready: false, reason: `the keychain binding could not be loaded (${reasonOf(error)})` });
    return;
  }
  answer({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    let request: Request;
    try {
      request = JSON.parse(line) as Request;
    } catch {
      continue;
    }
    try {
      answer({ id: request.id, ok: true, value: perform(keyring, request) });
    } catch (error) {
      answer({ id: request.id, ok: false, reason: reasonOf(error) });
    }
  }
}

void main();
