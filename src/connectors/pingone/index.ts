// PingOne as steps: the Worker app checklist and the questions (setup), the token request as Cyclr sends it, and
// the diagnosis of a refusal. Core runs them, verifies, saves and renders.
import type { ConnectorSteps } from '../../core/run/connector.js';
import { diagnoseRefusal, tokenRequest } from './token.js';
import { askStep } from '../../core/run/wizard.js';
import { QUESTIONS, showChecklist } from './wizard.js';

export const pingone: ConnectorSteps = {
  setup: [
    async (context) => {
      if (context.interactive) showChecklist(context);
    },
    askStep(QUESTIONS),
  ],
  questions: QUESTIONS,
  verifyKeys: ['clientId', 'clientSecret', 'authDomain', 'environmentId'],
  tokenRequest,
  diagnose: (context, refusal, values) => diagnoseRefusal(context, refusal, values),
  nextMoves: () => [
    { name: 'Try again (after changing the setting in the PingOne console)', value: 'retry' },
    { name: 'Change the values I entered', value: 'edit' },
    { name: 'Quit', value: 'quit' },
  ],
  // PingOne applies console changes with a delay: its own Go SDK retries "Unsupported authentication method" for this
  // reason (docs/partners.md P-SETTLE). Four tries over 14 s; a wrong environment or region does not settle by waiting.
  settling: { codes: ['wrong_auth_method', 'unauthorized_client', 'no_roles', 'invalid_client', 'app_disabled'], waitsSeconds: [2, 4, 8] },
};
