// macOS: the login Keychain through /usr/bin/security, a generic password per item (service, account), as
// keyring-rs stores it. The secret never goes on a command line: `security -i` reads the add command from stdin,
// as zalando/go-keyring does (keyring_darwin.go), with the value base64-encoded so any text survives the line.
import { type ChildProcess, execFile } from 'node:child_process';

const SECURITY = '/usr/bin/security';
/** Marks a value this tool encoded; a value without it (written by 0.1.0 through keyring-rs) is read as it is. */
const ENCODED = 'connector-setup-base64:';
/** `security -i` reads lines into a fixed buffer (go-keyring's ErrSetDataTooBig); a longer line would be cut. */
const MAX_LINE = 4096;
/** errSecItemNotFound, as `security` reports it in its exit status. */
const NOT_FOUND = 44;

/** A word for the `security -i` line: bare when safe, else single-quoted (POSIX, as go-keyring's shellescape). */
export function quote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** The stdin line for `security -i` that stores a value (replacing any item of the same service and account). */
export function addCommand(service: string, account: string, password: string): string {
  const value = ENCODED + Buffer.from(password, 'utf8').toString('base64');
  const line = `add-generic-password -U -s ${quote(service)} -a ${quote(account)} -w ${quote(value)}\n`;
  if (line.length > MAX_LINE) throw new Error(`the value is too long for the macOS keychain tool (${line.length} of at most ${MAX_LINE} bytes)`);
  return line;
}

/** What `find-generic-password -w` printed, as the stored text. */
export function storedValue(output: string): string {
  const text = output.replace(/\n$/, '');
  if (text.startsWith(ENCODED)) return Buffer.from(text.slice(ENCODED.length), 'base64').toString('utf8');
  // `security` prints a value that is not plain printable ASCII as hex; this tool's values are JSON, never hex.
  if (/^([0-9a-f]{2})+$/.test(text)) return Buffer.from(text, 'hex').toString('utf8');
  return text;
}

/** Runs `security`, one of `running` until it ends (so close() can end it). */
function security(running: Set<ChildProcess>, env: NodeJS.ProcessEnv, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(SECURITY, args, { encoding: 'utf8', env }, (error, stdout, stderr) => {
      running.delete(child);
      if (error && typeof error.code === 'string') return reject(new Error(`${SECURITY} could not be run (${error.code})`));
      if (error?.killed) return reject(new Error(`${SECURITY} was ended before it answered`));
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    running.add(child);
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/** The first line of what `security` said about a failure; only find and delete, whose input holds no secret. */
const failure = (command: string, answer: { code: number; stderr: string }): Error =>
  new Error(`security ${command} failed (exit ${answer.code}${answer.stderr.trim() ? `: ${answer.stderr.trim().split('\n')[0]!.slice(0, 200)}` : ''})`);

export class MacKeychain {
  private readonly running = new Set<ChildProcess>();

  /** `env`: what `security` runs with (the run's environment). */
  constructor(
    private readonly service: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async get(account: string): Promise<string | null> {
    const answer = await security(this.running, this.env, ['find-generic-password', '-s', this.service, '-a', account, '-w']);
    if (answer.code === NOT_FOUND) return null;
    if (answer.code !== 0) throw failure('find-generic-password', answer);
    return storedValue(answer.stdout);
  }

  async set(account: string, password: string): Promise<void> {
    const answer = await security(this.running, this.env, ['-i'], addCommand(this.service, account, password));
    // Its output may echo the line it read, secret included: only the exit status is reported.
    if (answer.code !== 0) throw new Error(`security add-generic-password failed (exit ${answer.code})`);
  }

  async delete(account: string): Promise<boolean> {
    const answer = await security(this.running, this.env, ['delete-generic-password', '-s', this.service, '-a', account]);
    if (answer.code === NOT_FOUND) return false;
    if (answer.code !== 0) throw failure('delete-generic-password', answer);
    return true;
  }

  close(): void {
    for (const child of this.running) child.kill('SIGKILL');
  }
}
