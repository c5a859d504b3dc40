// What an invenias command line asks for beyond its values, read once from its flags (definition.ts checked that
// they go together): the steps are built for it and never read the flags.
import type { ConnectorOptions } from '../../core/run/connector.js';

export interface InveniasRequest {
  /** --new-app: another application is created even when the profile holds one. */
  readonly newApp: boolean;
  /** --renew: the application gets a new Client Secret (the current one stops at once). */
  readonly renew: boolean;
  /** --yes (with --renew): renew without a terminal, without asking. */
  readonly yes: boolean;
}

export function readInveniasRequest(options: ConnectorOptions): InveniasRequest {
  return { newApp: options.newApp === true, renew: options.renew === true, yes: options.yes === true };
}
