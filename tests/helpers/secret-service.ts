// A real Linux Secret Service for the keychain tests: a private D-Bus session bus and gnome-keyring-daemon in a
// scratch directory, so nothing touches the machine's own keyring. The packages are installed by .ci/run; when
// they are missing the tests fail (never skip).
//
// States, as users meet them:
// - `unlocked`: a login keyring unlocked with a password (a desktop session);
// - `no-collection`: the daemon runs but holds no unlocked collection, and the prompt that would create or
//   unlock one fails at once (no display: WSL, SSH, servers);
// - `prompt-never-answers`: the same, but the prompt never appears and never answers (a prompter started on a
//   display nobody looks at); gnome-keyring then waits for the D-Bus activation timeout, set here to 10 minutes.
// - `locked`, `locked-prompt-never-answers`: a login keyring that exists but is locked (a desktop user's keyring
//   reached over SSH), with the unlock prompt failing at once or never answering as above.
// The bus offers no activation of org.freedesktop.secrets, so a killed daemon stays gone.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type KeyringState = 'unlocked' | 'no-collection' | 'prompt-never-answers' | 'locked' | 'locked-prompt-never-answers';

export interface SecretService {
  /** DBUS_SESSION_BUS_ADDRESS and friends for a CLI child that should use this keyring. */
  env: Record<string, string>;
  /** Looks an item up by its attributes, as any other Secret Service client would (secret-tool). */
  lookup(attributes: Record<string, string>): Promise<string | undefined>;
  /** Stores an item as any other Secret Service client would (secret-tool). */
  store(attributes: Record<string, string>, secret: string): Promise<void>;
  /** SIGKILLs gnome-keyring-daemon (the bus stays), resolving once it is gone. */
  kill(): Promise<void>;
  /**
   * Calls `listener` each time a client asks for a prompt (org.freedesktop.Secret.Prompt.Prompt) on this bus, as
   * the bus sees it; resolves once it is watching.
   */
  onPrompt(listener: () => void): Promise<void>;
  stop(): Promise<void>;
}

const MISSING = 'run .ci/run or apt-get install dbus-daemon dbus-bin gnome-keyring libsecret-tools';

/** Resolves with the first stdout line matching `pattern`; rejects if the child fails or exits first. */
function lineMatching(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const line = text.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) {
        child.stdout?.off('data', onData);
        resolve(line.trim());
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', (error) => reject(new Error(`${what} could not be started (${(error as NodeJS.ErrnoException).code}); ${MISSING}`)));
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready`)));
  });
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { env, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error && typeof (error as { code?: unknown }).code === 'string') return reject(error);
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function busConfig(socket: string, services: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <servicedir>${services}</servicedir>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
  <limit name="service_start_timeout">600000</limit>
</busconfig>
`;
}

export async function startSecretService(state: KeyringState = 'unlocked'): Promise<SecretService> {
  const home = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'keyring-'));
  const runtime = path.join(home, 'run');
  const services = path.join(home, 'services');
  mkdirSync(runtime, { mode: 0o700 });
  mkdirSync(services);
  const prompterPidFile = path.join(runtime, 'prompter.pid');
  // What answers when gnome-keyring asks for a prompt: nothing that can show one.
  const never = `/bin/sh -c 'echo $$ > ${prompterPidFile}; exec sleep infinity'`;
  const prompter = { unlocked: undefined, 'no-collection': '/bin/false', 'prompt-never-answers': never, locked: '/bin/false', 'locked-prompt-never-answers': never }[state];
  const withLogin = state === 'unlocked' || state.startsWith('locked');
  if (prompter) writeFileSync(path.join(services, 'org.gnome.keyring.SystemPrompter.service'), `[D-BUS Service]\nName=org.gnome.keyring.SystemPrompter\nExec=${prompter}\n`);
  writeFileSync(path.join(home, 'bus.conf'), busConfig(path.join(runtime, 'bus'), services));

  const bus = spawn('dbus-daemon', [`--config-file=${path.join(home, 'bus.conf')}`, '--nofork', '--nopidfile', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const children: ChildProcess[] = [bus];
  const stop = async (): Promise<void> => {
    for (const child of [...children].reverse()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(children.map(exited));
    // An activated prompter is not the bus's child to end.
    try {
      process.kill(Number(readFileSync(prompterPidFile, 'utf8').trim()), 'SIGKILL');
    } catch {
      // never started, or already gone
    }
  };
  try {
    const address = await lineMatching(bus, /^unix:/, 'dbus-daemon');
    const env: Record<string, string> = {
      DBUS_SESSION_BUS_ADDRESS: address,
      XDG_RUNTIME_DIR: runtime,
      XDG_DATA_HOME: path.join(home, 'data'),
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_CACHE_HOME: path.join(home, 'cache'),
      HOME: home,
    };
    const childEnv = { ...process.env, ...env };

    // The daemon's taking of org.freedesktop.secrets is awaited as the bus announces it, not polled for.
    const monitor = spawn('dbus-monitor', ['--address', address, "type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='org.freedesktop.secrets'"], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(monitor);
    // dbus-monitor is told it lost its own name once it has become a monitor: from then on it sees every change.
    await lineMatching(monitor, /member=NameLost/, 'dbus-monitor');
    // Only the NameOwnerChanged carries the name itself: the monitor's own NameLost, whose ":1.n" line may arrive
    // after its first line, does not.
    const announced = lineMatching(monitor, /string "org\.freedesktop\.secrets"/, 'dbus-monitor');
    announced.catch(() => undefined);

    // --unlock reads the new login keyring's password from stdin; without it no collection is unlocked.
    const args = ['--foreground', '--components=secrets', `--control-directory=${path.join(runtime, 'keyring')}`];
    const daemon = spawn('gnome-keyring-daemon', withLogin ? [...args, '--unlock'] : args, { env: childEnv, stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(daemon);
    daemon.stdin.on('error', () => undefined);
    daemon.stdin.end(withLogin ? 'test-keyring-password' : '');
    const failed = new Promise<never>((_, reject) => {
      daemon.once('error', (error) => reject(new Error(`gnome-keyring-daemon could not be started (${(error as NodeJS.ErrnoException).code}); ${MISSING}`)));
      daemon.once('exit', (code) => reject(new Error(`gnome-keyring-daemon exited (${code}) before it took org.freedesktop.secrets`)));
    });
    failed.catch(() => undefined);
    await Promise.race([announced, failed]);
    monitor.kill('SIGTERM');
    // Locking needs no prompt; unlocking again does.
    if (state.startsWith('locked')) {
      const locked = await run('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login'], childEnv);
      if (!locked.stdout.includes('/collection/login')) throw new Error(`the login keyring could not be locked (dbus-send ${locked.code}: ${locked.stderr.trim()})`);
    }
    return {
      env,
      async lookup(attributes) {
        const answer = await run('secret-tool', ['lookup', ...Object.entries(attributes).flat()], childEnv);
        return answer.code === 0 && answer.stdout !== '' ? answer.stdout : undefined;
      },
      async store(attributes, secret) {
        const answer = await run('secret-tool', ['store', '--label=connector-setup test item', ...Object.entries(attributes).flat()], childEnv, secret);
        if (answer.code !== 0) throw new Error(`secret-tool store failed (${answer.code})`);
      },
      async kill() {
        daemon.kill('SIGKILL');
        await exited(daemon);
      },
      async onPrompt(listener) {
        const prompts = spawn('dbus-monitor', ['--address', address, `type='method_call',interface='org.freedesktop.Secret.Prompt',member='Prompt'`], {
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        children.push(prompts);
        await lineMatching(prompts, /member=NameLost/, 'dbus-monitor');
        let partial = '';
        prompts.stdout.on('data', (chunk: Buffer) => {
          const lines = (partial + chunk.toString('utf8')).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) if (/interface=org\.freedesktop\.Secret\.Prompt; member=Prompt$/.test(line)) listener();
        });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
