// Opening a page in the user's browser, only where one can open: never in CI, never with BROWSER=none, and
// on Linux only with a display. No shell is involved, so a URL cannot become a command.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { type Redaction, childEnvironment } from '../redact.js';

export interface BrowserCommand {
  command: string;
  args: string[];
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  const candidates = path.isAbsolute(command)
    ? [command]
    : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((directory) => path.join(directory, command));
  return candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** How a URL would be opened here, or undefined when no browser can or should be opened. */
export function browserCommand(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): BrowserCommand | undefined {
  const chosen = env.BROWSER?.trim();
  if (chosen !== undefined && /^(none|false|0|)$/i.test(chosen)) return undefined;
  if (env.CI) return undefined;
  if (chosen) {
    // BROWSER may list several commands separated by ':'; the first one is used, with its own arguments.
    const [command, ...args] = (chosen.split(':')[0] ?? '').split(/\s+/).filter(Boolean);
    return command && onPath(command, env) ? { command, args } : undefined;
  }
  if (platform === 'darwin') return onPath('open', env) ? { command: 'open', args: [] } : undefined;
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler'] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  return onPath('xdg-open', env) ? { command: 'xdg-open', args: [] } : undefined;
}

/** Starts the browser detached, without the run's secrets in its environment; resolves false when it could not start. */
export async function openInBrowser(url: string, command: BrowserCommand, env: NodeJS.ProcessEnv, redactor?: Redaction): Promise<boolean> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    try {
      const child = spawn(command.command, [...command.args, url], { detached: true, stdio: 'ignore', shell: false, env: childEnvironment(env, redactor) });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
