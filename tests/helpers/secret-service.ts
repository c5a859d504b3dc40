// A real Linux Secret Service for the keychain tests: a private D-Bus session bus and gnome-keyring-daemon
// with a freshly unlocked login keyring, all in a scratch directory, so nothing touches the machine's own
// keyring. The packages are installed by .ci/run; when they are missing the tests fail (never skip).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SecretService {
  /** DBUS_SESSION_BUS_ADDRESS and friends for a CLI child that should use this keyring. */
  env: Record<string, string>;
  /** Looks an item up by its attributes, as any other Secret Service client would (secret-tool). */
  lookup(attributes: Record<string, string>): Promise<string | undefined>;
  stop(): Promise<void>;
}

function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        child.stdout?.off('data', onData);
        resolve(text.slice(0, newline).trim());
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', (error) => reject(new Error(`${what} could not be started (${(error as NodeJS.ErrnoException).code}); run .ci/run or apt-get install dbus gnome-keyring libsecret-tools`)));
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready`)));
  });
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { env, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error && typeof (error as { code?: unknown }).code === 'string') return reject(error);
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startSecretService(): Promise<SecretService> {
  const home = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'keyring-'));
  const runtime = path.join(home, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', `--address=unix:path=${path.join(runtime, 'bus')}`, '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const children: ChildProcess[] = [bus];
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await sleep(100);
  };
  try {
    const address = await firstLine(bus, 'dbus-daemon');
    const env: Record<string, string> = {
      DBUS_SESSION_BUS_ADDRESS: address,
      XDG_RUNTIME_DIR: runtime,
      XDG_DATA_HOME: path.join(home, 'data'),
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_CACHE_HOME: path.join(home, 'cache'),
      HOME: home,
    };
    const childEnv = { ...process.env, ...env };
    // --unlock reads the new login keyring's password from stdin; the daemon then owns org.freedesktop.secrets.
    const daemon = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets', `--control-directory=${path.join(runtime, 'keyring')}`], {
      env: childEnv,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    children.push(daemon);
    const started = new Promise<void>((_, reject) => {
      daemon.once('error', (error) => reject(new Error(`gnome-keyring-daemon could not be started (${(error as NodeJS.ErrnoException).code}); run .ci/run or apt-get install gnome-keyring`)));
    });
    daemon.stdin?.end('test-keyring-password');
    const ready = (async () => {
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const answer = await run(
          'dbus-send',
          ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'],
          childEnv,
        );
        if (/boolean true/.test(answer.stdout)) return;
        if (daemon.exitCode !== null) throw new Error(`gnome-keyring-daemon exited (${daemon.exitCode})`);
        await sleep(100);
      }
      throw new Error('gnome-keyring-daemon did not take org.freedesktop.secrets on the bus');
    })();
    await Promise.race([ready, started]);
    return {
      env,
      async lookup(attributes) {
        const answer = await run('secret-tool', ['lookup', ...Object.entries(attributes).flat()], childEnv);
        return answer.code === 0 && answer.stdout !== '' ? answer.stdout : undefined;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
