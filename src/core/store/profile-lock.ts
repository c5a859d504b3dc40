// profiles.lock: one writer at a time in a profile directory. The lock file names its owner's process id, so
// a lock left by a killed writer is taken over at once, not after a staleness delay (proper-lockfile can only
// judge a lock by its age).
import { promises as fs } from 'node:fs';
import { InputError, InterruptedError } from '../errors.js';

/** A lock whose owner cannot be told (unreadable, or a process id since reused) is stale after this. */
const STALE_AFTER_MS = 60_000;
/** How long a save waits for a live owner: its keychain calls may take a few seconds each. */
const GIVE_UP_AFTER_MS = 60_000;
/** A wait this long on another process is said, not left silent. */
const TELL_AFTER_MS = 1_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: string }).code !== 'ESRCH';
  }
}

async function ownerOf(lockFile: string): Promise<{ pid: number | undefined; ageMs: number } | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lockFile, 'utf8'), fs.stat(lockFile)]);
    const pid = /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
    return { pid, ageMs: Date.now() - stat.mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * Moves a dead owner's lock aside and removes it. Moving first, then checking what was moved, means a lock
 * that a live process took in the meantime is put back (link never replaces), not deleted.
 */
async function takeOver(lockFile: string, deadOwner: string): Promise<void> {
  const { randomBytes } = await import('node:crypto');
  const aside = `${lockFile}.dead-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(lockFile, aside);
  } catch {
    return;
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => '');
  if (moved !== deadOwner) await fs.link(aside, lockFile).catch(() => undefined);
  await fs.rm(aside, { force: true });
}

/**
 * Creates the lock whole: written beside it, then hard-linked into place, so no reader (and no owner killed
 * half-way) ever leaves it empty. False when another process holds it.
 */
async function createLock(lockFile: string): Promise<boolean> {
  const { randomBytes } = await import('node:crypto');
  const temporary = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.writeFile(temporary, `${process.pid}\n`, { mode: 0o600 });
  try {
    await fs.link(temporary, lockFile);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/** A lock being created by a process that is gone (killed between writing and linking it). */
export function isAbandonedLockPart(name: string): boolean {
  const match = /^profiles\.lock\.(?:(\d+)\.[0-9a-f]{8}|dead-[0-9a-f]{8})$/.exec(name);
  return match !== null && (match[1] === undefined || !isAlive(Number(match[1])));
}

/** How a save waits for a lock another process holds. */
export interface LockWait {
  /** Ctrl+C: the wait ends at once with an InterruptedError, and nothing is written. */
  signal?: AbortSignal;
  /** Told once, when a wait on another process has lasted a second, so the user knows what the run waits for. */
  waiting?: (owner: number | undefined) => void;
}

/** A poll's pause, cut short by an abort. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function withProfileLock<T>(lockFile: string, work: () => Promise<T>, wait: LockWait = {}): Promise<T> {
  const started = Date.now();
  let told = false;
  for (let attempt = 0; ; attempt += 1) {
    if (wait.signal?.aborted) throw new InterruptedError();
    if (await createLock(lockFile)) break;
    const owner = await ownerOf(lockFile);
    if (owner === undefined) continue;
    const dead = owner.pid !== undefined ? !isAlive(owner.pid) || owner.ageMs > STALE_AFTER_MS : owner.ageMs > STALE_AFTER_MS;
    if (dead) {
      await takeOver(lockFile, owner.pid !== undefined ? `${owner.pid}\n` : '');
      continue;
    }
    if (Date.now() - started > GIVE_UP_AFTER_MS) {
      throw new InputError(
        'profiles_locked',
        `Another connector-setup (process ${owner.pid ?? 'unknown'}) has been saving profiles for over a minute.`,
        `Wait for it to finish; if no such process runs, remove ${lockFile}.`,
      );
    }
    if (!told && owner.pid !== process.pid && Date.now() - started >= TELL_AFTER_MS) {
      told = true;
      wait.waiting?.(owner.pid);
    }
    // A live owner gives no event to wait for: poll, backing off, with jitter so waiters do not march in step.
    await pause(Math.min(200, 10 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()), wait.signal);
  }
  try {
    return await work();
  } finally {
    await fs.rm(lockFile, { force: true });
  }
}
