import path from 'node:path';
import envPaths from 'env-paths';

/** Where profiles live: CONNECTOR_SETUP_CONFIG_DIR, else the OS config directory (as env-paths names it). */
export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CONNECTOR_SETUP_CONFIG_DIR;
  if (override) return path.resolve(override);
  return envPaths('connector-setup', { suffix: '' }).config;
}
