import os from 'node:os';
import path from 'node:path';

/** Where profiles live: CONNECTOR_SETUP_CONFIG_DIR, else the OS config directory. */
export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CONNECTOR_SETUP_CONFIG_DIR;
  if (override) return path.resolve(override);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'connector-setup');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'connector-setup');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'connector-setup');
}
