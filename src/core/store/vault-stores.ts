// Where new secrets go when the team keeps them in its vault (`--store op:VAULT|vault:PATH|pass:PREFIX`, or
// CONNECTOR_SETUP_SECRET_STORE): the values are written there through the vault's own CLI, with the values on
// stdin only, and the profile keeps the references (secret-references.ts) instead of copies.
import { InputError } from '../errors.js';
import { type SecretStoreKind, type Secrets } from './secret-backend.js';
import { StoreUnavailableError, type VaultToolName, failedCall, runVaultTool, toolSaid } from './vault-tools.js';

export type VaultStore = { tool: 'op'; vault: string } | { tool: 'vault'; path: string } | { tool: 'pass'; prefix: string };
export type StoreChoice = SecretStoreKind | 'auto' | VaultStore;

const STORE_SHAPES = 'keychain, file, op:VAULT, vault:PATH or pass:PREFIX';

function badStore(raw: string, where: string): InputError {
  return new InputError('invalid_input', `${where} must be ${STORE_SHAPES}, not "${raw.slice(0, 60)}".`, 'For example --store op:Engineering, --store vault:secret/connector-setup or --store pass:connector-setup.');
}

/** `--store` or CONNECTOR_SETUP_SECRET_STORE, checked; `where` names which, for the message. */
export function parseStoreChoice(raw: string, where = '--store'): StoreChoice {
  const text = raw.trim();
  const lower = text.toLowerCase();
  if (lower === '' || lower === 'auto') return 'auto';
  if (lower === 'keychain' || lower === 'file') return lower;
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  // No leading "-" (an option to the tool), no leading or trailing "/", no control characters.
  const place = text.slice(colon + 1);
  if (colon < 0 || place === '' || place.startsWith('-') || /^\/|\/$|[\u0000-\u001f\u007f#]/.test(place)) throw badStore(text, where);
  if (kind === 'op' && !place.includes('/')) return { tool: 'op', vault: place };
  if (kind === 'vault') return { tool: 'vault', path: place };
  if (kind === 'pass') return { tool: 'pass', prefix: place };
  throw badStore(text, where);
}

export function describeStore(store: VaultStore): string {
  return store.tool === 'op' ? `op:${store.vault}` : store.tool === 'vault' ? `vault:${store.path}` : `pass:${store.prefix}`;
}

/** Writes a profile's secrets to a team vault through its CLI; the references to read them back. */
export class VaultStoreWriter {
  constructor(
    readonly store: VaultStore,
    /** The scrubbed environment the tool runs with. */
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private get tool(): VaultToolName {
    return this.store.tool;
  }

  private run(args: string[], input = '') {
    return runVaultTool(this.tool, args, this.env, input);
  }

  /**
   * Whether a write can succeed, asked before anything is created at a partner (a one-time secret must have
   * somewhere to go): the tool runs and is logged in; for pass, an entry can be encrypted and removed.
   */
  async check(): Promise<void> {
    const store = this.store;
    if (store.tool === 'op') {
      const answer = await this.run(['whoami']);
      if (answer.code !== 0) throw failedCall('op', answer, 'op whoami');
    } else if (store.tool === 'vault') {
      const answer = await this.run(['token', 'lookup']);
      if (answer.code !== 0) throw failedCall('vault', answer, 'vault token lookup');
    } else {
      const probe = `${store.prefix}/.connector-setup-probe`;
      const written = await this.run(['insert', '--multiline', '--force', probe], 'probe\n');
      if (written.code !== 0) throw failedCall('pass', written, `pass insert ${probe}`);
      await this.run(['rm', '--force', probe]);
    }
  }

  /** Writes the secrets; returns, for each key, the reference that reads it back. */
  async write(connector: string, name: string, secrets: Secrets): Promise<Secrets> {
    const values = Object.values(secrets);
    const store = this.store;
    const references: Secrets = {};
    if (store.tool === 'op') {
      const title = `connector-setup ${connector} ${name}`;
      // The 1Password item JSON template: one concealed field per secret, labelled by its key.
      const template = {
        title,
        category: 'PASSWORD',
        fields: Object.entries(secrets).map(([key, value]) => ({ id: key, label: key, type: 'CONCEALED', value })),
      };
      const answer = await this.run(['item', 'create', '--vault', store.vault, '--format', 'json', '-'], JSON.stringify(template));
      if (answer.code !== 0) throw failedCall('op', answer, `op item create in vault ${store.vault}`, undefined, values);
      // The item's id, not its title, goes into the references: titles need not be unique.
      const id = itemId(answer.stdout);
      if (!id) throw new StoreUnavailableError('op', 'op item create did not say which item it created');
      for (const key of Object.keys(secrets)) references[key] = `op://${store.vault}/${id}/${key}`;
    } else if (store.tool === 'vault') {
      const path = `${store.path}/${connector}/${name}`;
      // One key per call, as `k=-` reads one value from stdin: `put` replaces the secret, `patch` adds to it.
      let first = true;
      for (const [key, value] of Object.entries(secrets)) {
        const answer = await this.run(['kv', first ? 'put' : 'patch', path, `${key}=-`], value);
        if (answer.code !== 0) throw failedCall('vault', answer, `vault kv ${first ? 'put' : 'patch'} ${path}`, undefined, values);
        references[key] = `vault:${path}#${key}`;
        first = false;
      }
    } else {
      for (const [key, value] of Object.entries(secrets)) {
        const entry = `${store.prefix}/${connector}/${name}/${key}`;
        const answer = await this.run(['insert', '--multiline', '--force', entry], `${value}\n`);
        if (answer.code !== 0) throw failedCall('pass', answer, `pass insert ${entry}`, undefined, values);
        references[key] = `pass:${entry}`;
      }
    }
    return references;
  }

  /** Removes what write() stored for the profile (`references`: what it returned); a failure is said, not hidden. */
  async remove(references: Secrets): Promise<void> {
    const store = this.store;
    const done = new Set<string>();
    for (const text of Object.values(references)) {
      const target =
        store.tool === 'op' ? text.match(/^op:\/\/[^/]+\/([^/]+)\//)?.[1] : store.tool === 'vault' ? text.match(/^vault:(.+)#[^#]+$/)?.[1] : text.match(/^pass:(.+)$/)?.[1];
      if (!target || target.startsWith('-') || done.has(target)) continue;
      done.add(target);
      const args =
        store.tool === 'op'
          ? ['item', 'delete', target, '--vault', store.vault]
          : store.tool === 'vault'
            ? ['kv', 'metadata', 'delete', target]
            : ['rm', '--force', target];
      const answer = await this.run(args);
      if (answer.code !== 0) throw new StoreUnavailableError(this.tool, `removing ${target} failed (${toolSaid(answer) || `exit ${answer.code}`})`);
    }
  }
}

function itemId(stdout: string): string | undefined {
  try {
    const data = JSON.parse(stdout) as { id?: unknown };
    return typeof data.id === 'string' && /^[A-Za-z0-9]+$/.test(data.id) ? data.id : undefined;
  } catch {
    return undefined;
  }
}
