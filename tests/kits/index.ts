// Every connector the shared suites cover: the built-in ones and the test-only fixtures, each with its kit. Adding a
// connector is adding its kit here; the suites then run over it.
import { connectors } from '../../src/connectors/index.js';
import type { Connector } from '../../src/core/run/connector.js';
import { appMint } from '../fixtures/created-app/connector.js';
import { appMintKit } from '../fixtures/created-app/kit.js';
import { plainOAuth } from '../fixtures/plain-oauth/connector.js';
import { plainKit } from '../fixtures/plain-oauth/kit.js';
import { inveniasKit } from './invenias.js';
import type { ConnectorKit } from './kit.js';
import { pingoneKit } from './pingone.js';

/** The built-in connectors and the fixtures, as the in-process runs of the shared suites register them. */
export const registry: readonly Connector[] = [...connectors, plainOAuth, appMint];

export const kits: readonly ConnectorKit[] = [pingoneKit, inveniasKit, plainKit, appMintKit];

/** Every fake secret of every kit. */
export const KIT_SECRETS: readonly string[] = kits.flatMap((kit) => kit.secrets);
