// Places the CLI really cannot write to, for the user running the tests, root included (CI containers run as
// root, and root ignores permission bits): a directory with the immutable attribute (chattr +i; mode 0500 for
// anyone else), and a real file system that is full (a small tmpfs, filled to its last page; mounting needs root).
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Makes `directory` refuse new files and changes; the returned function makes it writable again (call it before removing it). */
export function makeUnwritable(directory: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', directory]);
    return () => execFileSync('chattr', ['-i', directory]);
  }
  chmodSync(directory, 0o500);
  return () => chmodSync(directory, 0o700);
}

export interface FullFileSystem {
  /** An empty owner-only directory on the full file system. */
  directory: string;
  /** Unmounts it. */
  release(): void;
}

/** A 512 KiB tmpfs with an empty directory on it, then filled until not one more byte fits (a new empty file still does). */
export function fullFileSystem(): FullFileSystem {
  const mountPoint = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', mountPoint]);
  const directory = path.join(mountPoint, 'config');
  mkdirSync(directory, { mode: 0o700 });
  const filler = openSync(path.join(mountPoint, 'filler'), 'w');
  try {
    for (const size of [64 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x2e);
      try {
        for (;;) writeSync(filler, chunk);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(filler);
  }
  return { directory, release: () => execFileSync('umount', [mountPoint]) };
}
