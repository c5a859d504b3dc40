// Finding a connector by name in the registry a command was given (the built-in one, or a test's).
import type { Connector } from './connector.js';
import { InputError } from '../errors.js';
import { command } from '../hint.js';

export function findConnector(registry: readonly Connector[], name: string): Connector {
  const found = registry.find((connector) => connector.name === name);
  if (!found) {
    throw new InputError(
      'unknown_connector',
      `Unknown connector "${name.slice(0, 40)}".`,
      [`Supported: ${registry.map((connector) => connector.name).join(', ')} (see `, command('connectors'), ').'],
    );
  }
  return found;
}
