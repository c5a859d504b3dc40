// What every connector gives the shared suites (hostile input, secrets everywhere, faults, Ctrl+C): its stand-in,
// good values pointed at any server, the fake secrets those hold, and its own hostile cases. A connector with a kit
// in tests/kits/index.ts is covered by every shared suite; a connector registered without one fails hostile-input.test.ts.
import type { Connector } from '../../src/core/run/connector.js';
import type { FieldSpec } from '../../src/core/run/fields.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import type { Deadlines } from '../helpers/in-process.js';
import type { TestServer } from '../helpers/https-server.js';
import { registry } from './index.js';

/** `verify`: `--verify` of an application that exists; `setup`: a scripted setup (`--no-input`) that saves a profile. */
export type KitMode = 'verify' | 'setup';

/** A command line's values: flags (an empty value leaves the flag out) and environment. */
export interface KitValues {
  flags: Record<string, string>;
  env: Record<string, string>;
}

export interface ConnectorKit {
  readonly connector: Connector;
  /** Every fake secret its good values hold or its stand-in issues: none may ever reach output. */
  readonly secrets: readonly string[];
  /** The partner's stand-in: a real HTTPS server on 127.0.0.1 that answers good values with a token. */
  start(): Promise<TestServer>;
  /** Good values for `mode`, pointed at `server` (the stand-in, or a fault server that answers every path). */
  values(server: Pick<TestServer, 'origin' | 'hostPort'>, mode: KitMode): KitValues;
  /** Its own hostile input, beyond what every field gets (see fieldCases). */
  readonly hostile?: readonly HostileCase[];
}

/** Input that must be refused (exit 2, invalid_input) before anything is sent. */
export interface HostileCase {
  what: string;
  /** `setup` (the default) reads every field; `verify` only what a verify uses. */
  mode?: KitMode;
  /** Overrides of the good flags; an empty value leaves the flag out. */
  flags?: Record<string, string>;
  env?: Record<string, string>;
  stdin?: string;
  extra?: string[];
  /** Words the message must contain (it names the value, and where it came from). */
  names: string;
}

export interface KitRunOptions {
  json?: boolean;
  configDir?: string;
  deadlines?: Deadlines;
}

/** The command line of one run of the kit's connector against `server`, with a case's overrides. */
export function kitArgs(kit: ConnectorKit, server: Pick<TestServer, 'origin' | 'hostPort'>, mode: KitMode, overrides: Pick<HostileCase, 'flags' | 'env' | 'extra'> = {}, json = true): KitValues & { args: string[] } {
  const good = kit.values(server, mode);
  const flags = Object.entries({ ...good.flags, ...overrides.flags }).filter(([, value]) => value !== '');
  const args = [kit.connector.name, mode === 'verify' ? '--verify' : '--no-input', ...(json ? ['--json'] : []), ...flags.flat(), ...(overrides.extra ?? [])];
  return { args, flags: Object.fromEntries(flags), env: { ...good.env, ...overrides.env } };
}

/** Runs the kit's connector in this process (the connector registered by tests/kits/index.ts). */
export async function runKit(kit: ConnectorKit, server: Pick<TestServer, 'origin' | 'hostPort'>, testCase: Omit<HostileCase, 'what' | 'names'> = {}, options: KitRunOptions = {}): Promise<CliResult> {
  const { args, env } = kitArgs(kit, server, testCase.mode ?? 'setup', testCase, options.json ?? true);
  return runCli(args, {
    env,
    registry,
    ...(testCase.stdin !== undefined ? { stdin: testCase.stdin } : {}),
    ...(options.configDir ? { configDir: options.configDir } : {}),
    ...(options.deadlines ? { deadlines: options.deadlines } : {}),
  });
}

const BIG = 'x'.repeat(100 * 1024);

/**
 * What every field of every connector refuses, from its own spec: a control character (header injection, terminal
 * escapes) or 100 KB, from its flag, its variable and its stdin flag. The message names the field.
 */
export function fieldCases(fields: readonly FieldSpec[]): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const field of fields) {
    const { label } = field;
    if (field.flag) {
      cases.push({ what: `CR/LF in the ${label} (${field.flag})`, flags: { [field.flag]: `fake\r\nX-Injected: 1` }, names: label });
      cases.push({ what: `an escape sequence in the ${label} (${field.flag})`, flags: { [field.flag]: `fake\x1b]0;pwned\x07` }, names: label });
      cases.push({ what: `a 100 KB ${label} (${field.flag})`, flags: { [field.flag]: BIG }, names: label });
    }
    if (field.env) {
      // The flag, if any, is left out so the variable is what counts.
      const unflagged = field.flag ? { [field.flag]: '' } : {};
      cases.push({ what: `CR/LF in ${field.env}`, flags: unflagged, env: { [field.env]: `FAKE-value\r\nX: 1` }, names: label });
      cases.push({ what: `a C1 control (NEL) in ${field.env}`, flags: unflagged, env: { [field.env]: `FAKE-value\u0085x` }, names: label });
    }
    if (field.stdinFlag) {
      const unset = field.env ? { [field.env]: '' } : {};
      cases.push({ what: `a NUL byte in the ${label} (${field.stdinFlag})`, extra: [field.stdinFlag], env: unset, stdin: `FAKE-value\0tail\n`, names: label });
      cases.push({ what: `more than 64 KiB on stdin (${field.stdinFlag})`, extra: [field.stdinFlag], env: unset, stdin: `FAKE-${'y'.repeat(70 * 1024)}`, names: '64 KiB' });
    }
  }
  return cases;
}

/** What every connector refuses of the general options. */
export const GENERAL_CASES: readonly HostileCase[] = [
  { what: 'a --timeout that is not a number', extra: ['--timeout', 'abc'], names: '--timeout' },
  { what: 'a negative --timeout', extra: ['--timeout', '-1'], names: '--timeout' },
  { what: 'a profile name with an escape sequence', extra: ['--profile', '\x1b]0;pwned\x07'], names: 'Profile name' },
  { what: 'a profile name with a path', extra: ['--profile', '../../etc/passwd'], names: 'Profile name' },
  { what: 'a --timeout that is not a number, under --verify', mode: 'verify', extra: ['--timeout', 'soon'], names: '--timeout' },
  { what: 'a profile name with a path, under --verify', mode: 'verify', extra: ['--profile', '../x'], names: 'Profile name' },
];
