// Shell completion as people use it: the script `connector-setup completion SHELL` prints, loaded into the real
// bash, zsh and fish, completing commands, flags, fixed values, connectors and saved profile names.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { BIN, baseEnv, runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE } from '../helpers/fixtures.js';
import { seedProfiles } from '../helpers/profiles.js';
import { startPtyClosedAfterEach } from '../helpers/pty.js';

const startPty = startPtyClosedAfterEach();
let env: NodeJS.ProcessEnv;
let scripts: Record<string, string>;
let configDir: string;
/** Every start of the tool by a completion script, one line each. */
let started: string;

beforeAll(async () => {
  configDir = tempConfigDir();
  const pingone = { clientId: FAKE.clientId, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId };
  await seedProfiles(configDir, [
    { connector: 'pingone', name: 'production', values: pingone, secrets: { clientSecret: FAKE.clientSecret } },
    { connector: 'pingone', name: 'staging', values: pingone, secrets: { clientSecret: FAKE.clientSecret } },
    { connector: 'invenias', name: 'acme', values: { subdomain: 'acme' }, secrets: { password: FAKE.inveniasPassword } },
  ]);
  // `connector-setup` on PATH, as an installed package puts it there.
  const bin = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'completion-bin-'));
  started = path.join(bin, 'started');
  writeFileSync(started, '');
  writeFileSync(path.join(bin, 'connector-setup'), `#!/bin/sh\necho "$*" >> ${JSON.stringify(started)}\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  chmodSync(path.join(bin, 'connector-setup'), 0o755);
  env = baseEnv({ CONNECTOR_SETUP_CONFIG_DIR: configDir, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, HOME: bin });
  scripts = {};
  for (const shell of ['bash', 'zsh', 'fish', 'powershell']) {
    const result = await runCli(['completion', shell], { configDir });
    expect(result.code).toBe(0);
    scripts[shell] = path.join(bin, `completion.${shell}`);
    writeFileSync(scripts[shell] as string, result.stdout);
  }
});

/** What bash's completion function offers for the words, the last being the one under the cursor. */
function bashCompletes(...words: string[]): string[] {
  const quoted = words.map((word) => `'${word}'`).join(' ');
  const script = `source ${scripts.bash}\nCOMP_WORDS=(${quoted})\nCOMP_CWORD=${words.length - 1}\n_connector_setup\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['--norc', '--noprofile', '-c', script], { env, encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** What fish offers for the command line (`complete -C`, fish's own completion of a typed line). */
function fishCompletes(line: string): string[] {
  const output = execFileSync('fish', ['--no-config', '-c', `source ${scripts.fish}; complete -C ${JSON.stringify(line)}`], { env, encoding: 'utf8' });
  return output.split('\n').filter(Boolean).map((entry) => entry.split('\t')[0] as string);
}

describe('bash', () => {
  test('commands, then the profiles subcommands', () => {
    expect(bashCompletes('connector-setup', '')).toEqual(expect.arrayContaining(['pingone', 'invenias', 'profiles', 'verify', 'connectors', 'completion']));
    expect(bashCompletes('connector-setup', 'pro')).toEqual(['profiles']);
    expect(bashCompletes('connector-setup', 'profiles', '')).toEqual(expect.arrayContaining(['list', 'show', 'export', 'import', 'remove']));
  });

  test('connectors, then the saved profiles of that connector only', () => {
    expect(bashCompletes('connector-setup', 'profiles', 'show', '')).toEqual(['pingone', 'invenias']);
    expect(bashCompletes('connector-setup', 'profiles', 'show', 'pingone', '')).toEqual(['production', 'staging']);
    expect(bashCompletes('connector-setup', 'profiles', 'export', 'invenias', '')).toEqual(['acme']);
    expect(bashCompletes('connector-setup', 'pingone', '--profile', 'st')).toEqual(['staging']);
  });

  test('flags, and the values of flags that take a fixed few', () => {
    expect(bashCompletes('connector-setup', 'verify', '--')).toEqual(expect.arrayContaining(['--all', '--junit', '--expiring-within', '--connector']));
    expect(bashCompletes('connector-setup', 'invenias', '--expiration', '')).toEqual(['OneYear', 'TwoYears', 'FiveYears']);
    expect(bashCompletes('connector-setup', 'pingone', '--auth-domain', 'auth.pingone.e')).toEqual(['auth.pingone.eu']);
    expect(bashCompletes('connector-setup', 'profiles', 'export', 'pingone', '--format', '')).toEqual(['env', 'dotenv', 'json', 'fish', 'powershell']);
    expect(bashCompletes('connector-setup', 'profiles', 'import', '--format', '')).toEqual(['json', 'dotenv']);
    expect(bashCompletes('connector-setup', 'verify', '--connector', '')).toEqual(['pingone', 'invenias']);
    expect(bashCompletes('connector-setup', 'completion', '')).toEqual(['bash', 'zsh', 'fish', 'powershell']);
  });

  test('the hidden command the scripts call is never offered', () => {
    expect(bashCompletes('connector-setup', '_')).toEqual([]);
  });
});

describe('fish', () => {
  test('commands, connectors, profile names and fixed values', () => {
    expect(fishCompletes('connector-setup pro')).toEqual(['profiles']);
    expect(fishCompletes('connector-setup profiles show pingone ')).toEqual(['production', 'staging']);
    expect(fishCompletes('connector-setup invenias --expiration T')).toEqual(['TwoYears']);
    expect(fishCompletes('connector-setup verify --jun')).toEqual(['--junit']);
  });
});

describe('zsh, in a terminal, pressing Tab', () => {
  test('completes a command and a saved profile name on the command line', async () => {
    // The completion is loaded from the shell's own startup file, as a user loads it: the prompt appears only once
    // compinit and the script are loaded and the line editor is reading keys, so nothing typed can arrive early.
    // compinit is given the completion system alone (Base, Zsh): reading the first line of the ~800 functions zsh
    // ships for other commands costs it over a second of CPU. An empty _compdir keeps it from adding them back.
    const zdotdir = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'zdotdir-'));
    const completionSystem = "_compdir=\nfpath=(${(M)fpath:#*/functions/Completion} ${(M)fpath:#*/Completion/(Base|Zsh)})\n";
    writeFileSync(path.join(zdotdir, '.zshrc'), `${completionSystem}autoload -U compinit && compinit -u -D\nsource ${scripts.zsh}\nPS1='ready> '\n`);
    const terminal = startPty(['-d', '-i'], { ...env, ZDOTDIR: zdotdir }, { file: 'zsh' });
    await terminal.waitFor('ready>', 60_000);
    terminal.mark();
    terminal.type('connector-setup profiles sh\t');
    await terminal.waitFor('connector-setup profiles show');
    terminal.mark();
    terminal.type('pingone prod\t');
    await terminal.waitFor('pingone production');
    terminal.type('\x15exit\r');
    expect(await terminal.exit).toBe(0);
  });
});

describe('the scripts', () => {
  test('each is what its shell reads without error; powershell registers a native completer', () => {
    execFileSync('bash', ['--norc', '-n', scripts.bash as string], { env });
    execFileSync('zsh', ['-f', '-n', scripts.zsh as string], { env });
    execFileSync('fish', ['--no-config', '--no-execute', scripts.fish as string], { env });
    expect(execFileSync('cat', [scripts.powershell as string], { encoding: 'utf8' })).toContain('Register-ArgumentCompleter -Native -CommandName connector-setup');
  });

  test('an unknown shell: exit 2, the shells named', async () => {
    const result = await runCli(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bash, zsh, fish, powershell');
  });
});

/** What zsh's completion function offers for the words (the last under the cursor), with compadd recording. */
function zshCompletes(...words: string[]): string[] {
  const quoted = words.map((word) => `'${word}'`).join(' ');
  const script = `compdef() { :; }\ncompadd() { shift; print -rl -- "\${(@P)1}"; }\nsource ${scripts.zsh}\nwords=(${quoted})\nCURRENT=${words.length}\n_connector_setup`;
  return execFileSync('zsh', ['-f', '-c', script], { env, encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** The tool's own answer (`__complete`), which every shell's answer must equal. */
async function toolCompletes(...words: string[]): Promise<string[]> {
  const result = await runCli(['__complete', String(words.length - 1), ...words], { configDir });
  return result.stdout.split('\n').filter(Boolean);
}

const starts = (): string[] => readFileSync(started, 'utf8').split('\n').filter(Boolean);

describe('saved profile names, on every Tab, without starting the tool', () => {
  const lines = [
    ['connector-setup', 'profiles', 'show', 'pingone', ''],
    ['connector-setup', 'profiles', 'remove', 'invenias', ''],
    ['connector-setup', 'pingone', '--profile', ''],
    ['connector-setup', 'invenias', '--no-input', '--profile', 'a'],
    ['connector-setup', 'verify', '--profile', ''],
    ['connector-setup', 'verify', '--connector', 'invenias', '--profile', ''],
    ['connector-setup', 'profiles', 'import', '--connector', 'pingone', '--profile', ''],
  ];

  test.each(lines.map((words) => [words.slice(1).join(' '), words]))('%s: bash, zsh and fish offer what the tool would, and the tool is not started', async (_line, words) => {
    const expected = (await toolCompletes(...(words as string[]))).filter((name) => name.startsWith((words as string[]).at(-1) as string));
    expect(expected.length).toBeGreaterThan(0);
    writeFileSync(started, '');
    expect(bashCompletes(...(words as string[]))).toEqual(expected);
    expect(zshCompletes(...(words as string[]))).toEqual(expected);
    expect(fishCompletes((words as string[]).join(' '))).toEqual(expected);
    expect(starts()).toEqual([]);
  });

  test('a saved or removed profile is offered, or not, at the next Tab; the names file holds names only', async () => {
    const seeded = tempConfigDir();
    const pingone = { clientId: FAKE.clientId, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId };
    await seedProfiles(seeded, [{ connector: 'pingone', name: 'eu-prod', values: pingone, secrets: { clientSecret: FAKE.clientSecret } }]);
    const here = { ...env, CONNECTOR_SETUP_CONFIG_DIR: seeded };
    const bash = (...words: string[]): string[] => completesIn(here, words);
    writeFileSync(started, '');
    expect(bash('connector-setup', 'pingone', '--profile', '')).toEqual(['eu-prod']);
    await seedProfiles(seeded, [{ connector: 'pingone', name: 'us-prod', values: pingone, secrets: { clientSecret: FAKE.clientSecret } }]);
    expect(bash('connector-setup', 'pingone', '--profile', '')).toEqual(['eu-prod', 'us-prod']);
    expect((await runCli(['profiles', 'remove', 'pingone', 'eu-prod', '--yes'], { configDir: seeded })).code).toBe(0);
    expect(bash('connector-setup', 'pingone', '--profile', '')).toEqual(['us-prod']);
    expect(starts()).toEqual([]);
    const names = readFileSync(path.join(seeded, 'profile-names'), 'utf8');
    expect(names).toBe('pingone us-prod\n* us-prod\n');
  });

  test('profiles.json changed by something else (a hand edit, an older version): the tool is asked, and answers from the file', async () => {
    const edited = tempConfigDir();
    const pingone = { clientId: FAKE.clientId, authDomain: 'auth.pingone.eu', environmentId: FAKE.environmentId };
    await seedProfiles(edited, [{ connector: 'pingone', name: 'before', values: pingone, secrets: { clientSecret: FAKE.clientSecret } }]);
    const file = path.join(edited, 'profiles.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { profiles: { pingone: Record<string, unknown> } };
    data.profiles.pingone.after = data.profiles.pingone.before;
    delete data.profiles.pingone.before;
    writeFileSync(file, JSON.stringify(data));
    // Later than the names file, as any write after the tool's own is.
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    writeFileSync(started, '');
    const here = { ...env, CONNECTOR_SETUP_CONFIG_DIR: edited };
    expect(completesIn(here, ['connector-setup', 'profiles', 'show', 'pingone', ''])).toEqual(['after']);
    expect(starts()).toHaveLength(1);
  });

  test('no profiles saved yet: nothing is offered, and the tool is not started', () => {
    const here = { ...env, CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() };
    writeFileSync(started, '');
    expect(completesIn(here, ['connector-setup', 'pingone', '--profile', ''])).toEqual([]);
    expect(starts()).toEqual([]);
  });
});

/** bashCompletes with another environment (another config directory). */
function completesIn(environment: NodeJS.ProcessEnv, words: string[]): string[] {
  const quoted = words.map((word) => `'${word}'`).join(' ');
  const script = `source ${scripts.bash}\nCOMP_WORDS=(${quoted})\nCOMP_CWORD=${words.length - 1}\n_connector_setup\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['--norc', '--noprofile', '-c', script], { env: environment, encoding: 'utf8' }).split('\n').filter(Boolean);
}
