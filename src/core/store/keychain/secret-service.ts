// Linux (and other D-Bus desktops): the Secret Service (https://specifications.freedesktop.org/secret-service-spec/)
// on the session bus, as gnome-keyring and KWallet offer it. Items carry the attributes keyring-rs gives them
// (`service`, `username`), so what connector-setup 0.1.0 wrote through @napi-rs/keyring is found again.
import { NO_SESSION_BUS, sessionBusAddress } from './bus-address.js';
import { type DBusValue, DBusConnection, type Message } from './dbus.js';

const SECRETS = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';
const SERVICE = 'org.freedesktop.Secret.Service';
const ITEM = 'org.freedesktop.Secret.Item';
const PROMPT = 'org.freedesktop.Secret.Prompt';
/** What the specification returns for "no object" (no prompt needed, no such alias). */
const NONE = '/';

const paths = (value: DBusValue | undefined): string[] => (Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : []);

export class SecretServiceKeychain {
  private connection: Promise<{ bus: DBusConnection; session: string }> | undefined;
  /** Ends an opening still under way (a bus that never finishes authenticating) when the keychain is closed. */
  private readonly opening = new AbortController();
  /** Held apart from `connection`, so a bus whose Secret Service never answers OpenSession can still be closed. */
  private bus: DBusConnection | undefined;

  constructor(
    private readonly service: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private connect(): Promise<{ bus: DBusConnection; session: string }> {
    this.connection ??= (async () => {
      const address = sessionBusAddress(this.env);
      if (!address) throw new Error(NO_SESSION_BUS);
      const bus = await DBusConnection.open(address, process.getuid?.() ?? 0, this.opening.signal);
      this.bus = bus;
      if (this.opening.signal.aborted) bus.close();
      // "plain", not an encrypted session: the secret passes only through the user's own bus daemon to the keyring.
      const [, session] = await bus.call({ destination: SECRETS, path: SERVICE_PATH, interface: SERVICE, member: 'OpenSession', signature: 'sv', body: ['plain', { signature: 's', value: '' }] });
      return { bus, session: String(session) };
    })();
    return this.connection;
  }

  private async call(path: string, iface: string, member: string, signature = '', body: DBusValue[] = []): Promise<DBusValue[]> {
    const { bus } = await this.connect();
    return bus.call({ destination: SECRETS, path, interface: iface, member, signature, body });
  }

  /** Shows a prompt (unlock, delete) and waits for its answer; a dismissed prompt means the keychain said no. */
  private async prompt(prompt: string, what: string): Promise<void> {
    if (prompt === NONE) return;
    const { bus } = await this.connect();
    let stop = (): void => undefined;
    const completed = new Promise<Message>((resolve) => {
      stop = bus.onSignal((signal) => {
        if (signal.path === prompt && signal.interface === PROMPT && signal.member === 'Completed') resolve(signal);
      });
    });
    const rule = `type='signal',interface='${PROMPT}',member='Completed',path='${prompt}'`;
    await bus.call({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'AddMatch', signature: 's', body: [rule] });
    // No window to attach the prompt to: the empty window id. The parent's deadline ends a prompt nobody answers.
    await this.call(prompt, PROMPT, 'Prompt', 's', ['']);
    const [dismissed] = (await completed.finally(stop)).body ?? [];
    if (dismissed === true) throw new Error(`the prompt to ${what} was dismissed`);
  }

  private async unlock(objects: string[]): Promise<void> {
    if (objects.length === 0) return;
    const [, prompt] = await this.call(SERVICE_PATH, SERVICE, 'Unlock', 'ao', [objects]);
    await this.prompt(String(prompt), 'unlock the keyring');
  }

  private attributes(account: string): DBusValue[] {
    return [['service', this.service], ['username', account]];
  }

  /** Every item of this account, unlocked. */
  private async items(account: string): Promise<string[]> {
    const [unlocked, locked] = await this.call(SERVICE_PATH, SERVICE, 'SearchItems', 'a{ss}', [this.attributes(account)]);
    await this.unlock(paths(locked));
    return [...paths(unlocked), ...paths(locked)];
  }

  async get(account: string): Promise<string | null> {
    const [item] = await this.items(account);
    if (item === undefined) return null;
    const { session } = await this.connect();
    const [secret] = await this.call(item, ITEM, 'GetSecret', 'o', [session]);
    const value = Array.isArray(secret) ? secret[2] : undefined;
    if (!Buffer.isBuffer(value)) throw new Error('the Secret Service answered GetSecret without a secret');
    return value.toString('utf8');
  }

  async set(account: string, password: string): Promise<void> {
    const [collection] = await this.call(SERVICE_PATH, SERVICE, 'ReadAlias', 's', ['default']);
    // Creating a collection needs a prompt for its new password, which a headless session cannot show.
    if (collection === NONE) throw new Error('the Secret Service has no default keyring to store items in');
    await this.unlock([String(collection)]);
    const { session } = await this.connect();
    const properties: DBusValue[] = [
      [`${ITEM}.Label`, { signature: 's', value: `${this.service} ${account}` }],
      [`${ITEM}.Attributes`, { signature: 'a{ss}', value: this.attributes(account) }],
    ];
    const secret: DBusValue = [session, Buffer.alloc(0), Buffer.from(password, 'utf8'), 'text/plain; charset=utf8'];
    const [item, prompt] = await this.call(String(collection), 'org.freedesktop.Secret.Collection', 'CreateItem', 'a{sv}(oayays)b', [properties, secret, true]);
    if (item === NONE) await this.prompt(String(prompt), 'store the item');
  }

  async delete(account: string): Promise<boolean> {
    const items = await this.items(account);
    for (const item of items) {
      const [prompt] = await this.call(item, ITEM, 'Delete');
      await this.prompt(String(prompt), 'delete the item');
    }
    return items.length > 0;
  }

  close(): void {
    this.opening.abort();
    this.bus?.close();
  }
}

