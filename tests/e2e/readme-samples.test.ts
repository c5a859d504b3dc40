// The README's samples of the wizards are the screens a person sees: each wizard is run in a real terminal, walked
// as the README walks it, against the stand-ins reached under the partners' own host names, and its screen compared
// to the README's block. Only the timings differ from run to run.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ROOT } from '../helpers/cli.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type InveniasServer, existingApp, startInvenias } from '../helpers/invenias-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { KEY, startPtyClosedAfterEach } from '../helpers/pty.js';
import { rowsOf } from '../helpers/screen-rows.js';
import { answerInveniasWizard, answerPingOneWizard } from '../helpers/wizard-walks.js';

const startPty = startPtyClosedAfterEach();
const USER = { username: 'cyclr.integration', password: FAKE.inveniasPassword };
/** The application the README's Invenias run creates (an ID in Invenias' form, fixed so the sample can show it). */
const README_APP = existingApp('9a0c4e1b-0d6f-4c3e-9a61-5c1f00000abc', FAKE.inveniasClientSecret, '2031-12-07T00:00:00Z');

let pingone: PingOneServer;
let invenias: InveniasServer;
let proxy: ConnectProxy;

beforeAll(async () => {
  pingone = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  invenias = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users: [USER], apps: [README_APP] });
  proxy = await startConnectProxy({ 'auth.pingone.eu:443': pingone.port, 'acme.invenias.com:443': invenias.port });
});

afterAll(async () => {
  await proxy.close();
  await Promise.all([pingone.close(), invenias.close()]);
});

/** The ```text block of a README section: the wizard as a person sees it. */
function readmeSample(heading: string, next: string): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading), readme.indexOf(next));
  const block = /```text\n([\s\S]*?)\n```/.exec(section)?.[1];
  expect(block).toBeDefined();
  return (block ?? '').split('\n').map(untimed);
}

/** Only the timings differ from one run to the next. */
const untimed = (line: string): string => line.replace(/\(\d+ ms\)/g, '(N ms)');

/** A terminal 120 columns wide, as the README's samples are, for a person whose home is /home/you. */
function wizardInTerminal(args: string[]) {
  const home = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'home-'));
  const terminal = startPty(args, { HOME: home, XDG_CONFIG_HOME: undefined, HTTPS_PROXY: proxy.url, CONNECTOR_SETUP_SECRET_STORE: 'file', BROWSER: 'none' }, { cols: 120 });
  const screen = async (): Promise<string[]> => (await rowsOf(terminal)).map((row) => untimed(row.text.replaceAll(home, '/home/you')));
  return { terminal, screen };
}

test("the README's PingOne sample is the wizard's screen, start to hand-off", async () => {
  const { terminal, screen } = wizardInTerminal(['pingone']);
  await answerPingOneWizard(terminal);
  const shown = await screen();
  terminal.type(KEY.enter);
  expect(await terminal.exit).toBe(0);
  expect(readmeSample('## Quick start: PingOne', '## Quick start: Invenias')).toEqual(shown);
  expectNoSecrets(shown.join('\n'));
});

test("the README's Invenias sample is the end of the wizard's screen, from the verified line to the hand-off", async () => {
  // Invenias answers the create with the application the README shows.
  invenias.script({ status: 201, body: { ClientId: README_APP.clientId, ClientSecret: README_APP.clientSecret, ExpiresOn: README_APP.expiresOn, IsEnabled: true, Name: 'Cyclr', FlowType: 'ResourceOwner', ReplyUrl: README_APP.replyUrl } });
  const { terminal, screen } = wizardInTerminal(['invenias']);
  await answerInveniasWizard(terminal, USER);
  const shown = await screen();
  terminal.type(KEY.enter);
  expect(await terminal.exit).toBe(0);
  const sample = readmeSample('## Quick start: Invenias', '## In CI');
  expect(sample[0]).toBe('✔ Invenias setup verified.');
  expect(sample).toEqual(shown.slice(shown.indexOf(sample[0] ?? '')));
  expectNoSecrets(shown.join('\n'));
});
