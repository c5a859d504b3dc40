// macOS: the login Keychain through /usr/bin/security, a generic password per item (service, account), as
// keyring-rs stores it. The secret never goes on a command line: `security -i` reads the add command from stdin,
// as zalando/go-keyring does (keyring_darwin.go), with the value base64-encoded so any text survives the line.
import { ToolRuns, toolFailure } from './tool.js';

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

export class MacKeychain {
  private readonly security: ToolRuns;

  /** `env`: what `security` runs with (the run's environment). */
  constructor(
    private readonly service: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.security = new ToolRuns(SECURITY, env);
  }

  async get(account: string): Promise<string | null> {
    const answer = await this.security.run(['find-generic-password', '-s', this.service, '-a', account, '-w']);
    if (answer.code === NOT_FOUND) return null;
    // find and delete: their input holds no secret for `security` to echo.
    if (answer.code !== 0) throw toolFailure('security find-generic-password', answer);
    return storedValue(answer.stdout);
  }

  async set(account: string, password: string): Promise<void> {
    const answer = await this.security.run(['-i'], addCommand(this.service, account, password));
    // Its output may echo the line it read, secret included: only the exit status is reported.
    if (answer.code !== 0) throw new Error(`security add-generic-password failed (exit ${answer.code})`);
  }

  async delete(account: string): Promise<boolean> {
    const answer = await this.security.run(['delete-generic-password', '-s', this.service, '-a', account]);
    if (answer.code === NOT_FOUND) return false;
    if (answer.code !== 0) throw toolFailure('security delete-generic-password', answer);
    return true;
  }

  close(): void {
    this.security.endAll();
  }
}
