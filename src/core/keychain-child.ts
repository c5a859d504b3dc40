// The keychain, in a process of its own. A keychain waiting on an unlock prompt that nobody will answer leaves a
// call pending for ever: the parent kills this process instead (secret-backend.ts), so a run never hangs on it.
// Protocol, one JSON object per line: it says {"ready":true} once it has started; then answers each {"id","op":"get"|"set"|"delete","account","password"?}
// with {"id","ok":true,"value"?} or {"id","ok":false,"reason"}. It ends when its stdin ends.
import { createInterface } from 'node:readline';
import { MacKeychain } from './keychain/macos.js';
import { SecretServiceKeychain } from './keychain/secret-service.js';
import { WindowsCredentials } from './keychain/windows.js';

interface Request {
  id: number;
  op: 'get' | 'set' | 'delete';
  account: string;
  password?: string;
}

const SERVICE = 'connector-setup';

/** Only the first line of an error: the platform code never puts a value in one, and nothing else is added. */
function reasonOf(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return message.split('\n')[0]?.slice(0, 300) ?? 'unknown error';
}

function answer(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function perform(keychain: MacKeychain | WindowsCredentials | SecretServiceKeychain, request: Request): Promise<string | null | boolean> {
  if (request.op === 'get') return keychain.get(request.account);
  if (request.op === 'set') {
    await keychain.set(request.account, request.password ?? '');
    return true;
  }
  return keychain.delete(request.account);
}

async function main(): Promise<void> {
  // The Secret Service wherever a session bus may be: Linux and the BSDs.
  const keychain = process.platform === 'darwin' ? new MacKeychain(SERVICE) : process.platform === 'win32' ? new WindowsCredentials(SERVICE) : new SecretServiceKeychain(SERVICE, process.env);
  answer({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    let request: Request;
    try {
      request = JSON.parse(line) as Request;
    } catch {
      continue;
    }
    try {
      answer({ id: request.id, ok: true, value: await perform(keychain, request) });
    } catch (error) {
      answer({ id: request.id, ok: false, reason: reasonOf(error) });
    }
  }
  keychain.close();
}

void main();
