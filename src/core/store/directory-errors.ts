// Why the profile directory cannot be used, in words: shared by the store, which checks the directory, and the
// file reader, which finds out when a path runs through a file.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';

export const FIX_HINT = 'Point CONNECTOR_SETUP_CONFIG_DIR at a directory of your own that only you can write (connector-setup creates it, mode 0700, when it does not exist).';

/** The config directory cannot be used to keep profiles or secrets: nothing is sent (exit 2). */
export function unusableDirectory(directory: string, problem: string, hint = FIX_HINT): InputError {
  return new InputError('config_unusable', `The profile directory ${directory} cannot be used: ${problem}.`, hint);
}

/** Why a path cannot be a directory: it, or a folder on the way to it, is a file (named, so it can be found). */
export async function notADirectory(directory: string): Promise<string> {
  for (let at = directory; ; at = path.dirname(at)) {
    const stat = await fs.stat(at).catch(() => undefined);
    if (stat && !stat.isDirectory()) return at === directory ? 'it is a file, not a directory' : `${at} is a file, not a directory`;
    if (stat || path.dirname(at) === at) return 'it is not a directory';
  }
}

/** What an error code of the file system means for the directory, in words. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full (ENOSPC)';
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'EACCES':
    case 'EPERM':
      return `it is not writable (${code})`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `it is not a directory (${code})`;
    default:
      return `it could not be written (${code ?? 'unknown error'})`;
  }
}
