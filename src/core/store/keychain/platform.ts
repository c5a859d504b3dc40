// The OS keychain of this machine, called from the run's own process (secret-backend.ts gives each call its
// deadline). Every platform's call can be abandoned: close() ends the session bus connection (Linux) or the tool
// process under way (`security` on macOS, `powershell.exe` on Windows), and a call waiting on it fails at once.
import { MacKeychain } from './macos.js';
import { SecretServiceKeychain } from './secret-service.js';
import { WindowsCredentials } from './windows.js';

export interface PlatformKeychain {
  /** The stored text, or null when there is no such item. */
  get(account: string): Promise<string | null>;
  /** Stores the text, replacing any item of the same account. */
  set(account: string, password: string): Promise<void>;
  /** Whether there was an item to remove. */
  delete(account: string): Promise<boolean>;
  /** Ends the connection or tool process; a call under way fails. */
  close(): void;
}

/** `env`: the run's environment, where the session bus is found and what the tools run with. */
export function platformKeychain(service: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): PlatformKeychain {
  // The Secret Service wherever a session bus may be: Linux and the BSDs.
  if (platform === 'darwin') return new MacKeychain(service, env);
  if (platform === 'win32') return new WindowsCredentials(service, env);
  return new SecretServiceKeychain(service, env);
}
