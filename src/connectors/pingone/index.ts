import { RejectedError } from '../../core/errors.js';
import { requireValues } from '../../core/resolve.js';
import type { RunContext, SetupSummary } from '../../core/run.js';
import { type NextMove, askNextMove } from '../../core/wizard.js';
import type { ConnectorModule } from '../types.js';
import { pingoneFields } from './fields.js';
import { verifyAfterConsoleChange } from './settle.js';
import { type PingOneCredentials, verifyCredentials } from './token.js';
import { type PingOneDraft, collect, showChecklist } from './wizard.js';

function complete(draft: PingOneDraft): PingOneCredentials {
  requireValues(pingoneFields, draft as Record<string, string>);
  return draft as PingOneCredentials;
}

function summary(credentials: PingOneCredentials): SetupSummary {
  const { clientId, clientSecret, authDomain, environmentId } = credentials;
  return {
    values: { clientId, authDomain, environmentId },
    secrets: { clientSecret },
    cyclrValues: [
      { label: 'Client ID', value: clientId, secret: false },
      { label: 'Client Secret', value: clientSecret, secret: true },
      { label: 'Auth Domain', value: authDomain, secret: false },
      { label: 'Environment ID', value: environmentId, secret: false },
    ],
  };
}

/** After a refusal, a person can fix the console and retry, or correct what they typed. */
function nextMove(context: RunContext, error: RejectedError): Promise<NextMove> {
  return askNextMove(context, error, [
    { name: 'Try again (after changing the setting in the PingOne console)', value: 'retry' },
    { name: 'Change the values I entered', value: 'edit' },
    { name: 'Quit', value: 'quit' },
  ]);
}

export const pingone: ConnectorModule = {
  async setup(context) {
    const draft: PingOneDraft = { ...context.resolved.values };
    // A failed run reports the non-secret values collected so far.
    context.draft = draft;
    if (context.interactive) {
      showChecklist(context);
      await collect(context, draft, false);
    }
    let move: NextMove | undefined;
    for (;;) {
      const credentials = complete(draft);
      try {
        await (move === 'retry' ? verifyAfterConsoleChange(context, credentials) : verifyCredentials(context, credentials));
        return summary(credentials);
      } catch (error) {
        if (!context.interactive || !(error instanceof RejectedError)) throw error;
        move = await nextMove(context, error);
        if (move === 'edit') await collect(context, draft, true);
      }
    }
  },

  async verify(context) {
    const credentials = complete({ ...context.resolved.values });
    await verifyCredentials(context, credentials);
    return summary(credentials);
  },
};
