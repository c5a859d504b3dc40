// Files are replaced, never rewritten in place: a process killed mid-write leaves the old file whole.
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { notADirectory, unusableDirectory } from './directory-errors.js';

/** What a file of the profile directory is, in the user's words: secrets.json holds secrets, not profiles. */
function fileWords(file: string): string {
  return path.basename(file) === 'secrets.json' ? 'The secrets file' : 'The profile file';
}

export function damagedFile(file: string, problem: string): InputError {
  return new InputError(
    'config_damaged',
    `${fileWords(file)} ${file} is damaged: ${problem}.`,
    'Fix the file by hand or move it aside; connector-setup never overwrites a damaged file.',
  );
}

/**
 * One JSON file of the profile directory (profiles.json, secrets.json): read and checked as the bytes on disk
 * say, and replaced whole through writeFileAtomic.
 */
export class JsonFile<T extends object> {
  readonly path: string;

  constructor(
    directory: string,
    name: string,
    /** Turns the parsed JSON into T or throws damagedFile: what is on disk is checked, never trusted as typed. */
    private readonly check: (data: unknown, file: string) => T,
    private readonly empty: () => T,
    /**
     * How many levels of maps readShared readies at once (no prototype, frozen); what lies deeper (a profile's own
     * record) is readied by sealed() when it is handed out, so looking up one profile does not walk them all.
     */
    private readonly sharedLevels = Infinity,
  ) {
    this.path = path.join(directory, `${name}.json`);
  }

  read(): Promise<T> {
    return this.parse(Infinity);
  }

  private async parse(levels: number): Promise<T> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ENOENT') return this.empty();
      // A path through a file (CONNECTOR_SETUP_CONFIG_DIR=/some/file/dir) is a wrong directory, not a damaged file.
      if (code === 'ENOTDIR') throw unusableDirectory(path.dirname(this.path), await notADirectory(path.dirname(this.path)));
      throw damagedFile(this.path, `it could not be read (${code ?? 'unknown error'})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw damagedFile(this.path, text.trim() === '' ? 'it is empty' : 'it is not valid JSON');
    }
    return this.check(withoutPrototypes(data, levels), this.path);
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(data, null, 2)}\n`, 0o600);
  }

  /**
   * For reads that change nothing: the file as last read while it is the same file (every write replaces it, so a
   * new inode), frozen. A batch looks up a thousand profiles without reading and checking the file a thousand times.
   */
  async readShared(): Promise<T> {
    // Synchronous: a thousand look-ups would otherwise queue a thousand trips through the thread pool.
    const stat = statSync(this.path, { bigint: true, throwIfNoEntry: false });
    const key = stat ? `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}` : 'absent';
    if (this.shared?.key === key) return this.shared.data;
    // The read itself is shared: the first profiles of a batch all ask at once, before any read has ended.
    const data = this.parse(this.sharedLevels).then((checked) => deepFreeze(checked, this.sharedLevels));
    const shared = { key, data };
    this.shared = shared;
    data.catch(() => {
      if (this.shared === shared) this.shared = undefined;
    });
    return data;
  }

  private shared: { key: string; data: Promise<T> } | undefined;
}

function deepFreeze<T>(value: T, levels = Infinity): T {
  if (levels > 0 && value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const key in value) deepFreeze(value[key], levels - 1);
    Object.freeze(value);
  }
  return value;
}

/**
 * Every object read gets no prototype: a profile named "constructor" or "__proto__" is its own key, never Object's
 * (JSON.parse makes "__proto__" an own key). Done in place after a plain parse: a reviver costs ten times the parse.
 * Objects `levels` deep and below are left for sealed().
 */
function withoutPrototypes(value: unknown, levels = Infinity): unknown {
  if (levels <= 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (const item of value) withoutPrototypes(item, levels - 1);
    return value;
  }
  for (const key in value) withoutPrototypes((value as Record<string, unknown>)[key], levels - 1);
  Object.setPrototypeOf(value, null);
  return value;
}

/**
 * A part of what readShared returned below its ready levels, made as the rest of it (no prototypes, frozen) before it
 * is handed out: withoutPrototypes and deepFreeze in one walk, which steps into objects only (a list seals a thousand).
 */
export function sealed<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (!Array.isArray(value)) Object.setPrototypeOf(value, null);
  const parts = value as Record<string, unknown>;
  for (const key in parts) {
    const child = parts[key];
    if (child !== null && typeof child === 'object') sealed(child);
  }
  return Object.freeze(value);
}

/** The temporary file writeFileAtomic writes beside its target; one left behind belongs to a killed writer. */
export function isLeftoverOf(name: string, target: string): boolean {
  return name.startsWith(`.${target}.`) && /^\d+\.[0-9a-f]{8}\.tmp$/.test(name.slice(target.length + 2));
}

/**
 * The one writer for files we replace (profiles.json, secrets.json, a JUnit report): written whole beside the
 * target, flushed, then renamed over it. A short write (disk full, file size limit) is an error here, never a
 * shorter file: conf's writer (atomically) renamed a cut-off file into place in that case, so conf is not used.
 */
export async function writeFileAtomic(file: string, data: string, mode: number): Promise<void> {
  const temporary = await temporaryBeside(file);
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

/**
 * Writes a file that must not exist yet (`wx`: an existing file is never overwritten, a symlink never followed),
 * flushed; one cut short (disk full) is removed rather than left half-written.
 */
export async function writeNewFile(file: string, data: string, mode: number): Promise<void> {
  const handle = await fs.open(file, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(file, { force: true });
    throw error;
  }
  await handle.close();
}

/** The name of a replacement (or probe) written beside `file`: one a killed writer leaves is a leftover of it. */
async function temporaryBeside(file: string): Promise<string> {
  // node:crypto is loaded here, not at start-up: most runs never save anything.
  const { randomBytes } = await import('node:crypto');
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Proves that `bytes` can be written and flushed beside `file` (the way writeFileAtomic would), then removes the
 * probe. A directory that refuses new files and a disk too full for the bytes both fail here.
 */
export async function proveWritable(file: string, bytes: number): Promise<void> {
  const temporary = await temporaryBeside(file);
  const handle = await fs.open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(Buffer.alloc(bytes, 0x20));
    await handle.sync();
  } finally {
    await handle.close();
    await fs.rm(temporary, { force: true });
  }
}

/** A map keyed by names from disk or the command line: no prototype, so only its own keys are ever found. */
export function ownMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** `map[key]` when the map has that key of its own; never an inherited property such as `constructor`. */
export function own<T>(map: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}
