// Files are replaced, never rewritten in place: a process killed mid-write leaves the old file whole.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from './errors.js';

export function damagedFile(file: string, problem: string): InputError {
  return new InputError(
    'config_damaged',
    `The profile file ${file} is damaged: ${problem}.`,
    'Fix the file by hand or move it aside; connector-setup never overwrites a damaged file.',
  );
}

type ConfInstance = { store: Record<string, unknown> };

/**
 * One JSON file of the profile directory (profiles.json, secrets.json), read, checked and written through
 * conf: its writer (atomically) replaces the file whole, fsynced, with the given mode.
 */
export class JsonFile<T extends object> {
  readonly path: string;
  private conf: Promise<ConfInstance> | undefined;

  constructor(
    directory: string,
    private readonly configName: string,
    /** Turns the parsed JSON into T or throws damagedFile: what is on disk is checked, never trusted as typed. */
    private readonly check: (data: unknown, file: string) => T,
    private readonly empty: () => T,
  ) {
    this.path = path.join(directory, `${configName}.json`);
  }

  private open(): Promise<ConfInstance> {
    this.conf ??= import('conf').then(
      ({ default: Conf }) =>
        new Conf<Record<string, unknown>>({
          cwd: path.dirname(this.path),
          configName: this.configName,
          clearInvalidConfig: false,
          configFileMode: 0o600,
          // The bytes on disk are checked as they are: conf alone would turn `[]` or `null` into an empty store.
          deserialize: (text: string) => {
            let data: unknown;
            try {
              data = JSON.parse(text);
            } catch {
              throw damagedFile(this.path, text.trim() === '' ? 'it is empty' : 'it is not valid JSON');
            }
            return this.check(data, this.path) as Record<string, unknown>;
          },
        }),
    );
    return this.conf;
  }

  async read(): Promise<T> {
    // conf would create a missing directory just to read; a missing file is simply empty.
    try {
      await fs.access(this.path);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return this.empty();
    }
    try {
      // Each read goes back to the file: another process may have changed it since.
      return (await this.open()).store as T;
    } catch (error) {
      if (error instanceof InputError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'ENOENT') return this.empty();
      throw damagedFile(this.path, `it could not be read (${code ?? 'unknown error'})`);
    }
  }

  async write(data: T): Promise<void> {
    (await this.open()).store = data as Record<string, unknown>;
  }
}

/** The temporary file atomically writes beside its target; one left behind belongs to a killed writer. */
export function isLeftoverOf(name: string, target: string): boolean {
  return name.startsWith(`${target}.tmp-`) && /^\d{10}[0-9a-f]{6}$/.test(name.slice(target.length + 5));
}

/** A JUnit report and the like: written whole beside the target, then renamed over it. */
export async function writeFileAtomic(file: string, data: string, mode: number): Promise<void> {
  // node:crypto is loaded here, not at start-up: most runs never save anything.
  const { randomBytes } = await import('node:crypto');
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(temporary, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** Creates the directory owner-only, and tightens it if it already existed wider. */
export async function ensurePrivateDirectory(directory: string): Promise<void> {
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await fs.chmod(directory, 0o700);
}
