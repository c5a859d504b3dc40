// The screens as a person reads them at 60, 80, 100 and 120 columns: what a real terminal emulator shows once the
// bytes are drawn (a line redrawn in place shows only its last drawing), not the text sent to it. No half-erased
// line, no word broken inside, no tick before a failure.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type ConnectProxy, startConnectProxy } from '../helpers/connect-proxy.js';
import { type InveniasServer, existingApp, startInvenias } from '../helpers/invenias-server.js';
import { type ManagementApiServer, startManagementApi } from '../helpers/pingone-api-server.js';
import { type PingOneServer, type WorkerApp, startPingOne } from '../helpers/pingone-server.js';
import { seedProfiles } from '../helpers/profiles.js';
import { doneWithHandOff, KEY, startPtyClosedAfterEach } from '../helpers/pty.js';
import { rowsOf } from '../helpers/screen-rows.js';
import { answerInveniasWizard, answerPingOneUpToTheUrl } from '../helpers/wizard-walks.js';

const WIDTHS = [60, 80, 100, 120];
const startPty = startPtyClosedAfterEach();

/** An application whose Token Endpoint Authentication Method is still Client Secret Basic until the test changes it. */
const basicAtFirst: WorkerApp = { clientId: '21111111-2222-4333-8444-555555555555', clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId, authMethod: 'client_secret_basic' };
/** One such application per width, for the countdowns that run side by side. */
const changedDuringCountdown = new Map(WIDTHS.map((cols): [number, WorkerApp] => [cols, { ...basicAtFirst, clientId: `21111111-2222-4333-8444-${String(cols).padStart(12, '0')}` }]));

/** An admin worker allowed to create applications and grant their roles. */
const ADMIN: WorkerApp = { clientId: '22222222-3333-4444-8555-666666666666', clientSecret: 'FAKE-admin-secret-do-not-use-0006', environmentId: FAKE.environmentId, roles: ['Environment Admin', 'Identity Data Admin'] };

const USERNAME = 'cyclr.integration';
/** Invenias names its applications with GUIDs, so the address of a renew is longer than most terminals are wide. */
const RENEWED_APP = '9a0c4e1b-0d6f-4c3e-9a61-5c1f00000abc';
let server: PingOneServer;
let invenias: InveniasServer;
let api: ManagementApiServer;
let proxy: ConnectProxy;
beforeAll(async () => {
  server = await startPingOne([basicAtFirst, ...changedDuringCountdown.values(), ADMIN]);
  api = await startManagementApi(server);
  proxy = await startConnectProxy({ 'auth.pingone.eu:443': server.port, 'api.pingone.eu:443': api.port });
  invenias = await startInvenias({ subdomain: 'acme', adminKeys: [FAKE.inveniasApiKey], users: [{ username: USERNAME, password: FAKE.inveniasPassword }], apps: [existingApp(RENEWED_APP, `${FAKE.inveniasClientSecret}-renewable`)] });
});
afterAll(async () => {
  await proxy.close();
  await api.close();
  await server.close();
  await invenias.close();
});

/** The row where a line ends: the row itself, or the indented row it was wrapped onto. */
function endOfLine(text: readonly string[], index: number): string {
  const row = text[index] ?? '';
  const next = text[index + 1] ?? '';
  return /ms\)/.test(row) || !/^\s+\S/.test(next) ? row : next;
}

/**
 * The lines as the program wrote them: each row the terminal broke off the one before (too long for its width) joined
 * back to it, as a terminal's copy of the line joins them.
 */
function logicalLines(rows: readonly { text: string; wrapped: boolean }[], cols: number): string[] {
  return rows.reduce<string[]>((lines, row) => {
    if (row.wrapped && lines.length > 0) lines[lines.length - 1] = `${(lines.at(-1) ?? '').padEnd(cols)}${row.text}`;
    else lines.push(row.text);
    return lines;
  }, []);
}

/** The lines a terminal broke over more than one row (too long for its width), joined back. */
function brokenByTheTerminal(rows: readonly { text: string; wrapped: boolean }[], cols: number): string[] {
  return logicalLines(rows, cols).filter((line) => line.length > cols);
}

/** The rows from the one that starts with `first` to the one that ends with `last`. */
function paragraph(text: readonly string[], first: string, last: string): string[] {
  const start = text.findIndex((row) => row.trimStart().startsWith(first));
  const end = text.findIndex((row, index) => index >= start && row.trimEnd().endsWith(last));
  expect([start, end].every((index) => index >= 0)).toBe(true);
  return text.slice(start, end + 1);
}

/**
 * The rows of a paragraph wrapped once, at the terminal's width: each row's next word did not fit on it. A text
 * wrapped twice (at a narrower width, then again) leaves short rows whose next word would have fitted.
 */
function rowsWithRoomLeft(rows: readonly string[], cols: number): string[] {
  return rows.slice(0, -1).filter((row, index) => {
    const next = rows[index + 1]?.trim() ?? '';
    // The last row holds the paragraph's last two words together, so the row above may have had room for the first.
    const moved = index === rows.length - 2 && next.split(' ').length === 2 ? next : next.split(' ')[0] ?? '';
    return [...row].length + 1 + [...moved].length <= cols;
  });
}

/** A paragraph of more than one row whose last row is a single word. */
const endsWithAWordAlone = (rows: readonly string[]): boolean => rows.length > 1 && !(rows.at(-1) ?? '').trim().includes(' ');

// The countdown takes real seconds (the built CLI runs on the real clock): the four widths count down side by side.
describe('Try again after a console change', () => {
  test.concurrent.each(WIDTHS)('at %i columns: the countdown is redrawn in place and erased, in words, and every line reads whole', async (cols) => {
    const app = changedDuringCountdown.get(cols) as WorkerApp;
    const terminal = startPty(
      ['pingone', '--client-id', app.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId, '--no-save'],
      { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() },
      { cols },
    );
    await terminal.waitFor('? Client Secret');
    terminal.type(`${FAKE.clientSecret}${KEY.enter}`);
    await terminal.waitFor('? What now?');
    terminal.type(KEY.enter);
    // The person has switched the method to Client Secret Post; PingOne applies it while the countdown runs.
    await terminal.waitFor(/Trying again in \d s \(try 2 of 4\)/);
    app.authMethod = 'client_secret_post';
    await terminal.waitFor('Enter these in Cyclr');
    await doneWithHandOff(terminal);
    expect(await terminal.exit).toBe(0);

    const rows = await rowsOf(terminal);
    const text = rows.map((row) => row.text);
    // The countdown was drawn (the raw bytes say so) and is gone from the screen once the try it announced ran.
    expect(terminal.screen()).toMatch(/Trying again in \d s \(try 2 of 4\)/);
    expect(text.filter((row) => /Trying again|try \d of \d/.test(row))).toEqual([]);
    // Each check's line ends with its time: nothing of another line stands behind it.
    const checks = text.flatMap((row, index) => (/^[✔✖] Token request/.test(row) ? [endOfLine(text, index)] : []));
    expect(checks.length).toBeGreaterThanOrEqual(2);
    for (const row of checks) expect(row).toMatch(/\(\d+ ms\)$/);
    expect(rows.filter((row) => row.wrapped)).toEqual([]);
    // Words for people: no internal code in the countdown, which the raw bytes still hold.
    expect(terminal.screen()).not.toMatch(/\(wrong_auth_method\)/);
    expectNoSecrets(terminal.raw());
  });
});

describe.each(WIDTHS)('at %i columns', (cols) => {
  test('no keychain on this machine: saving says so in one sentence, without the D-Bus detail', async () => {
    const configDir = tempConfigDir();
    // The test's environment has no session bus, so the keychain the default store tries is unavailable.
    const terminal = startPty(
      ['pingone', '--no-input', '--client-id', basicAtFirst.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId],
      { CONNECTOR_SETUP_CONFIG_DIR: configDir, PINGONE_CLIENT_SECRET: FAKE.clientSecret },
      { cols },
    );
    basicAtFirst.authMethod = 'client_secret_post';
    expect(await terminal.exit).toBe(0);
    const rows = await rowsOf(terminal);
    const text = rows.map((row) => row.text);
    const notice = text.slice(text.findIndex((row) => row.startsWith('! OS keychain')), text.findIndex((row) => row.startsWith('Saved profile')));
    const sentence = `! OS keychain unavailable: secrets saved in ${path.join(configDir, 'secrets.json')} (mode 0600).`;
    expect(notice.join(' ').replace(/\s+/g, ' ')).toBe(sentence);
    // One row wherever it fits in one (the test's config directory is longer than a person's ~/.config).
    if (sentence.length <= cols) expect(notice).toHaveLength(1);
    expect(terminal.screen()).not.toMatch(/D-Bus|session bus|dbus/i);
    expect(rows.filter((row) => row.wrapped)).toEqual([]);
  });

  test('profiles list fits the terminal: each value under its label, dates as people write them, nothing cut', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(configDir, [
      {
        connector: 'invenias',
        name: 'acme-production',
        values: { subdomain: 'acme', baseUrl: 'https://acme-eu-west-2.invenias.example', clientId: '9a0c4e1b-0d6f-4c3e-9a61-5c1f00000abc', username: 'cyclr.integration@acme.example', serviceDomain: 'acme.cyclr.com', appName: 'Integration', expiration: 'FiveYears' },
        secrets: { clientSecret: FAKE.inveniasClientSecret, password: FAKE.inveniasPassword },
        expiresOn: '2031-11-22T20:06:24.831Z',
        lastVerified: '2026-11-24T15:40:12.345Z',
      },
      {
        connector: 'pingone',
        name: 'production',
        values: { clientId: FAKE.clientId, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId },
        secrets: { clientSecret: FAKE.clientSecret },
      },
    ]);
    const terminal = startPty(['profiles', 'list'], { CONNECTOR_SETUP_CONFIG_DIR: configDir }, { cols });
    expect(await terminal.exit).toBe(0);
    const rows = await rowsOf(terminal);
    const screen = rows.map((row) => row.text).join('\n');
    expect(rows.filter((row) => row.wrapped || [...row.text].length > cols)).toEqual([]);
    // Labels, not the keys of profiles.json; moments as people write them, not ISO 8601.
    expect(screen).not.toMatch(/clientId|authDomain|environmentId|serviceDomain|lastVerified|expiresOn|\d{4}-\d\d-\d\dT\d/);
    const text = screen.replace(/\s+/g, ' ');
    expect(text).toContain(`pingone production Client ID ${FAKE.clientId} Auth Domain auth.pingone.eu Environment ID ${FAKE.environmentId}`);
    expect(text).toContain('Base URL https://acme-eu-west-2.invenias.example');
    expect(text).toContain('Last verified 2026-11-24 15:40 UTC Expires on 2031-11-22');
    expect(text).toContain('Last verified never');
    expectNoSecrets(screen);
  });

  test('the Invenias wizard, start to hand-off: every paragraph wrapped once, no word or address broken', async () => {
    const terminal = startPty(['invenias', '--base-url', invenias.origin], { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir(), BROWSER: 'none' }, { cols });
    await answerInveniasWizard(terminal, { username: USERNAME, password: FAKE.inveniasPassword });
    terminal.type(KEY.enter);
    expect(await terminal.exit).toBe(0);
    const rows = await rowsOf(terminal);
    const text = rows.map((row) => row.text);
    const intro = paragraph(text, 'This creates the application', 'prints the values for Cyclr.');
    const userNote = paragraph(text, 'The Invenias user Cyclr acts as', 'refuses its API calls.');
    expect(rowsWithRoomLeft(intro, cols)).toEqual([]);
    expect(rowsWithRoomLeft(userNote, cols)).toEqual([]);
    expect([intro, userNote].filter(endsWithAWordAlone)).toEqual([]);
    // A value too long for its row goes on under the value column, not under the labels.
    const secretRows = paragraph(text, 'Client Secret  ****', 'reveals it)');
    for (const row of secretRows.slice(1)) expect(row).toMatch(/^ {17}\S/);
    expect(rows.filter((row) => row.wrapped)).toEqual([]);
    expectNoSecrets(terminal.raw());
  });

  test('--renew shows the address it will send to whole, on a line of its own, so it reads and copies as one', async () => {
    const terminal = startPty(['invenias', '--base-url', invenias.origin, '--subdomain', 'acme', '--renew', '--client-id', RENEWED_APP], { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir(), BROWSER: 'none' }, { cols });
    await terminal.waitFor('? Expiration');
    terminal.type(KEY.enter);
    await terminal.waitFor('? API Key');
    terminal.type(`${FAKE.inveniasApiKey}${KEY.enter}`);
    await terminal.waitFor('? Renew this application?');
    // Stopped at the confirmation: nothing is sent, the address stays on the screen.
    terminal.type(KEY.ctrlC);
    expect(await terminal.exit).toBe(130);
    const url = `${invenias.origin}/api/v1/thirdpartyapplications/${RENEWED_APP}/renew?expiration=FiveYears`;
    const rows = await rowsOf(terminal);
    // The address is one line alone: nothing before it on its row, nothing after it.
    expect(logicalLines(rows, cols)).toContain(url);
    // No row holds a piece of it under a label or an indentation (a terminal's copy would give the piece, or a broken address).
    expect(rows.filter((row) => row.text.includes('thirdpartyapplications') && !(row.text.startsWith(invenias.origin) || row.wrapped))).toEqual([]);
    const intro = paragraph(rows.map((row) => row.text), 'This gives the application', 'Cyclr.');
    expect(rowsWithRoomLeft(intro, cols)).toEqual([]);
    expect(endsWithAWordAlone(intro)).toBe(false);
    expect(invenias.renewRequests()).toEqual([]);
    expectNoSecrets(terminal.raw());
  });

  test('pingone --create --dry-run shows each address it would send to whole, on a line of its own', async () => {
    const terminal = startPty(
      ['pingone', '--create', '--dry-run', '--auth-domain', 'auth.pingone.eu', '--environment-id', FAKE.environmentId],
      { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir(), HTTPS_PROXY: proxy.url, PINGONE_ADMIN_CLIENT_ID: ADMIN.clientId, PINGONE_ADMIN_CLIENT_SECRET: ADMIN.clientSecret },
      { cols },
    );
    expect(await terminal.exit).toBe(0);
    const rows = await rowsOf(terminal);
    const applications = `https://api.pingone.eu/v1/environments/${FAKE.environmentId}/applications`;
    const lines = logicalLines(rows, cols).map((line) => line.trimEnd());
    for (const url of [applications, `${applications}/{id}/roleAssignments`, `${applications}/{id}/secret`]) expect(lines).toContain(url);
    // The terminal broke no line but an address standing alone: no word, no JSON body, no address after a method.
    expect(brokenByTheTerminal(rows, cols).filter((line) => !/^https:\/\/\S+\s*$/.test(line))).toEqual([]);
    expect(rows.filter((row) => row.text.includes('/v1/environments') && !(row.text.startsWith('https://') || row.wrapped))).toEqual([]);
    expect(terminal.screen()).toContain('Dry run: nothing was created or changed.');
    expectNoSecrets(terminal.raw(), [ADMIN.clientSecret]);
  });

  /**
   * The PingOne wizard walked once at this width up to the AUTHORIZATION URL question, then Ctrl+C: its opening and
   * its answered choices are both on the screen it leaves.
   */
  let walkedToTheUrl: Promise<{ code: number; rows: { text: string; wrapped: boolean }[]; raw: string }> | undefined;
  const walkToTheUrl = () =>
    (walkedToTheUrl ??= (async () => {
      const terminal = startPty(['pingone'], { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() }, { cols });
      await answerPingOneUpToTheUrl(terminal);
      terminal.type(KEY.ctrlC);
      return { code: await terminal.exit, rows: await rowsOf(terminal), raw: terminal.raw() };
    })());

  test('the PingOne wizard opens with its title, then asks its first question, then shows the console steps', async () => {
    const { code, rows } = await walkToTheUrl();
    expect(code).toBe(130);
    const text = rows.map((row) => row.text);
    const rowOf = (start: string): number => text.findIndex((row) => row.trimStart().startsWith(start));
    const order = ['PingOne partner setup: create a Worker', '✔ The Worker application for Cyclr', '1. Sign in to the PingOne', '9. Copy the Client ID'].map(rowOf);
    // The title on the first row; each of the others below the one before it.
    expect(order[0]).toBe(0);
    expect(order.slice(1).every((row, index) => row > (order[index] ?? Infinity))).toBe(true);
    expect(text.filter((row) => row.startsWith('PingOne partner setup'))).toHaveLength(1);
  });

  test('a choice once answered is said in a few words, so its line is not broken by the terminal', async () => {
    const { code, rows, raw } = await walkToTheUrl();
    expect(code).toBe(130);
    const lines = logicalLines(rows, cols);
    const worker = '✔ The Worker application for Cyclr in the PingOne console';
    const authDomain = '✔ Auth Domain (the host of the AUTHORIZATION URL) from the AUTHORIZATION URL';
    // Each whole on one row wherever it fits one (the choices' long names made both wrap at 80 and 100 columns).
    expect(lines).toContain(worker);
    expect([worker, authDomain].filter((line) => line.length <= cols).filter((line) => !lines.includes(line))).toEqual([]);
    expectNoSecrets(raw);
  });

  test('Ctrl+C at a list: the list and its key help are gone, the interruption is said', async () => {
    const terminal = startPty(['pingone', '--client-id', basicAtFirst.clientId], { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() }, { cols });
    await terminal.waitFor('? Client Secret');
    terminal.type(`${FAKE.clientSecret}${KEY.enter}`);
    await terminal.waitFor('auth.pingone.asia');
    await terminal.waitFor('navigate');
    terminal.type(KEY.ctrlC);
    expect(await terminal.exit).toBe(130);
    const rows = (await rowsOf(terminal)).map((row) => row.text);
    expect(rows.filter((row) => /navigate|⏎ select/.test(row))).toEqual([]);
    expect(rows.join('\n')).toContain('Interrupted');
    // The regions' names stand in one column.
    const regions = terminal.screen().split('\n').filter((row) => /^\s*❯?\s*auth\.pingone\.\S+ {2,}\S/.test(row));
    expect(regions.length).toBeGreaterThanOrEqual(6);
    expect(new Set(regions.map((row) => row.search(/ {2,}\S/ ) + (/ {2,}(\S)/.exec(row)?.[0].length ?? 0)))).toHaveProperty('size', 1);
  });
});
