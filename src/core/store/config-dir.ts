// Where profiles live, and whether that directory can be trusted with secrets. A directory the tool creates is
// made owner-only; one it finds is never re-moded (it may be shared on purpose, e.g. /tmp): if others could
// plant or swap files in it, it is refused instead.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';
import { InputError } from '../errors.js';
import { proveWritable } from './atomic-file.js';
import { FIX_HINT, describeFsError, notADirectory, unusableDirectory } from './directory-errors.js';

/** Where profiles live: CONNECTOR_SETUP_CONFIG_DIR, else the OS config directory (as env-paths names it). */
export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CONNECTOR_SETUP_CONFIG_DIR;
  if (override) return path.resolve(override);
  return envPaths('connector-setup', { suffix: '' }).config;
}

/**
 * `--secret-out FILE`, proven before anything is sent: the file must not exist (it is never overwritten) and a
 * probe as large as the file will be is written in its directory, so a secret that has to go there (the profile
 * could not keep it) is not lost to a typo, a read-only directory or a full disk.
 */
export async function proveSecretOut(file: string): Promise<void> {
  const target = path.resolve(file);
  const refuse = (problem: string): InputError =>
    new InputError(
      'invalid_input',
      `--secret-out ${file} cannot be used: ${problem}.`,
      'Name a new file in a directory you can write to; it is created (mode 0600) only if the profile cannot keep a new secret, and never overwritten.',
    );
  const existing = await fs.lstat(target).catch(() => undefined);
  if (existing !== undefined) throw refuse(existing.isDirectory() ? 'it is a directory' : 'it already exists');
  const directory = await fs.stat(path.dirname(target)).catch(() => undefined);
  if (directory === undefined) throw refuse('its directory does not exist');
  if (!directory.isDirectory()) throw refuse('its directory is not a directory');
  try {
    await proveWritable(target, 16 * 1024);
  } catch (error) {
    throw refuse(describeFsError(error).replace(/^it is/, 'its directory is').replace(/^it could/, 'its directory could'));
  }
}

/**
 * Refuses a directory others could write to (files planted or swapped under us) or that belongs to another user;
 * a missing one is created owner-only. Never changes the mode of a directory it did not create.
 */
export async function ensurePrivateDirectory(directory: string): Promise<void> {
  let created: string | undefined;
  try {
    created = await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw unusableDirectory(directory, code === 'ENOTDIR' || code === 'EEXIST' ? await notADirectory(directory) : describeFsError(error));
  }
  if (process.platform === 'win32') return;
  // Ours: exactly owner-only, whatever the umask did.
  if (created !== undefined) {
    await fs.chmod(directory, 0o700);
    return;
  }
  await checkFoundDirectory(directory);
}

/** A directory that exists already: used as it is when only its owner (us) can write to it. */
export async function checkFoundDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  let stat;
  try {
    stat = await fs.stat(directory);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') return;
    throw unusableDirectory(directory, code === 'ENOTDIR' ? await notADirectory(directory) : describeFsError(error));
  }
  if (!stat.isDirectory()) throw unusableDirectory(directory, await notADirectory(directory));
  const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw unusableDirectory(directory, `it belongs to another user (uid ${stat.uid}, mode ${mode})`);
  }
  if ((stat.mode & 0o022) !== 0) {
    throw unusableDirectory(
      directory,
      `others can write to it (mode ${mode})`,
      `Run chmod 700 ${directory} if it is yours alone, or ${FIX_HINT.charAt(0).toLowerCase()}${FIX_HINT.slice(1)}`,
    );
  }
}
