// Each wizard walked as the README walks it, up to its hand-off (the menu shown, the cursor on Done), with the fake
// values of fixtures.ts: what a person types, for the tests of the end of a setup and of the README's samples.
import { afterAll, beforeAll } from '@jest/globals';
import { type ConnectProxy, startConnectProxy } from './connect-proxy.js';
import { FAKE } from './fixtures.js';
import { type PingOneServer, startPingOne } from './pingone-server.js';
import { KEY, type PtySession } from './pty.js';

export const AUTHORIZATION_URL = `https://auth.pingone.eu/${FAKE.environmentId}/as/authorize`;

/**
 * For a test file of the PingOne wizard: a stand-in holding the fake Worker application, reached as auth.pingone.eu
 * through a real CONNECT proxy; started before the file's tests, closed after them.
 */
export function pingOneInEurope(): { readonly server: PingOneServer; readonly proxy: ConnectProxy } {
  const started = {} as { server: PingOneServer; proxy: ConnectProxy };
  beforeAll(async () => {
    started.server = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
    started.proxy = await startConnectProxy({ 'auth.pingone.eu:443': started.server.port });
  });
  afterAll(async () => {
    await started.proxy.close();
    await started.server.close();
  });
  return started;
}

/** Chooses "Create a new application" and answers Name and Expiration with their defaults, and the Service Domain. */
export async function createWithDefaults(terminal: PtySession): Promise<void> {
  await terminal.waitFor(/❯ Create a new application through the Invenias API/);
  terminal.type(KEY.enter);
  await terminal.waitFor('? Application Name');
  terminal.type(KEY.enter);
  await terminal.waitFor('? Expiration');
  terminal.type(KEY.enter);
  await terminal.waitFor('? Cyclr Service Domain');
  terminal.type(`acme.cyclr.com${KEY.enter}`);
}

/** PingOne: the console steps, the Client ID and Secret, the pasted AUTHORIZATION URL. */
export async function answerPingOneWizard(terminal: PtySession): Promise<void> {
  await answerPingOneUpToTheUrl(terminal);
  terminal.type(`${AUTHORIZATION_URL}${KEY.enter}`);
  await handOffShown(terminal);
}

/** PingOne: the console steps, the Client ID and Secret, then "Paste the AUTHORIZATION URL", up to its question. */
export async function answerPingOneUpToTheUrl(terminal: PtySession): Promise<void> {
  await terminal.waitFor('? The Worker application for Cyclr');
  terminal.type(KEY.enter);
  await terminal.waitFor('? Client ID');
  terminal.type(`${FAKE.clientId}${KEY.enter}`);
  await terminal.waitFor('? Client Secret');
  terminal.type(`${FAKE.clientSecret}${KEY.enter}`);
  await terminal.waitFor(/❯ Paste the AUTHORIZATION URL/);
  terminal.type(KEY.enter);
  await terminal.waitFor('? AUTHORIZATION URL');
}

/** Invenias: subdomain acme, a new application with the default name and expiry, the API Key, then Cyclr's user. */
export async function answerInveniasWizard(terminal: PtySession, user: { username: string; password: string }): Promise<void> {
  await terminal.waitFor('? Subdomain');
  terminal.type(`acme${KEY.enter}`);
  await createWithDefaults(terminal);
  await terminal.waitFor('? API Key');
  terminal.type(`${FAKE.inveniasApiKey}${KEY.enter}`);
  await terminal.waitFor('? Create this application?');
  terminal.type(KEY.enter);
  await terminal.waitFor('? Username');
  terminal.type(`${user.username}${KEY.enter}`);
  await terminal.waitFor('? Password');
  terminal.type(`${user.password}${KEY.enter}`);
  await handOffShown(terminal);
}

async function handOffShown(terminal: PtySession): Promise<void> {
  await terminal.waitFor('? Take the values to Cyclr');
  await terminal.waitFor(/❯ Done/);
}
