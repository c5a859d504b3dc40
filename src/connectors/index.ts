// The registry: adding a connector is adding a folder and one line here.
import { InputError } from '../core/errors.js';
import { inveniasDefinition } from './invenias/definition.js';
import { pingoneDefinition } from './pingone/definition.js';
import type { ConnectorDefinition } from './types.js';

export const connectors: readonly ConnectorDefinition[] = [pingoneDefinition, inveniasDefinition];

export function findConnector(name: string): ConnectorDefinition {
  const found = connectors.find((connector) => connector.name === name);
  if (!found) {
    throw new InputError(
      'unknown_connector',
      `Unknown connector "${name.slice(0, 40)}".`,
      `Supported: ${connectors.map((connector) => connector.name).join(', ')} (see connector-setup connectors).`,
    );
  }
  return found;
}
