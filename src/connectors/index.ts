// The registry: adding a connector is adding a folder and one line here.
import type { Connector } from '../core/run/connector.js';
import { inveniasDefinition } from './invenias/definition.js';
import { pingoneDefinition } from './pingone/definition.js';

export const connectors: readonly Connector[] = [pingoneDefinition, inveniasDefinition];
