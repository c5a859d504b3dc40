// A small D-Bus client: just enough of the wire protocol (https://dbus.freedesktop.org/doc/dbus-specification.html)
// to call the Secret Service on the session bus. Unix sockets only, EXTERNAL authentication, no file descriptors.
import net from 'node:net';

/** A variant carries its own signature; arrays, structs and dict entries are JS arrays; `ay` is a Buffer. */
export type DBusValue = string | number | bigint | boolean | Buffer | Variant | DBusValue[];
export interface Variant {
  signature: string;
  value: DBusValue;
}

export interface Message {
  type: MessageType;
  serial: number;
  flags?: number;
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  replySerial?: number;
  destination?: string;
  sender?: string;
  signature?: string;
  body?: DBusValue[];
}

export const enum MessageType {
  MethodCall = 1,
  MethodReturn = 2,
  Error = 3,
  Signal = 4,
}

/** Bytes that are not a D-Bus message; the connection that carried them cannot be trusted further. */
export class MalformedMessageError extends Error {}

/**
 * The specification allows 128 MiB; a Secret Service answer is a few hundred bytes (a secret, some object paths).
 * A peer that announces more is not the Secret Service, and is not read.
 */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const MAX_ARRAY_BYTES = MAX_MESSAGE_BYTES;
/** The bus answers AUTH with one short line (`OK <guid>`); a peer that sends more without ending it is cut off. */
const MAX_AUTH_LINE_BYTES = 1024;
/** The specification's limit of 32 nested arrays plus 32 nested structs; variants are held to it as well. */
const MAX_DEPTH = 64;

const ALIGNMENT: Record<string, number> = { y: 1, b: 4, n: 2, q: 2, i: 4, u: 4, x: 8, t: 8, d: 8, h: 4, s: 4, o: 4, g: 1, a: 4, '(': 8, '{': 8, v: 1 };
const BASIC = 'ybnqiuxtdhsog';

/** One complete type from a signature, with where it ends. */
interface TypeNode {
  code: string;
  children: TypeNode[];
  text: string;
}

function parseOne(signature: string, at: number, depth: number): TypeNode {
  if (depth > MAX_DEPTH) throw new MalformedMessageError('a signature nests too deeply');
  const code = signature[at];
  if (code === undefined) throw new MalformedMessageError('a signature ends in the middle of a type');
  if (BASIC.includes(code) || code === 'v') return { code, children: [], text: code };
  if (code === 'a') {
    const element = parseOne(signature, at + 1, depth + 1);
    return { code, children: [element], text: `a${element.text}` };
  }
  if (code === '(' || code === '{') {
    const close = code === '(' ? ')' : '}';
    const children: TypeNode[] = [];
    let next = at + 1;
    while (signature[next] !== close) {
      const child = parseOne(signature, next, depth + 1);
      children.push(child);
      next += child.text.length;
    }
    const wellFormed = code === '(' ? children.length > 0 : children.length === 2 && BASIC.includes(children[0]!.code) && signature[at - 1] === 'a';
    if (!wellFormed) throw new MalformedMessageError(`the signature "${signature}" has a malformed ${code === '(' ? 'struct' : 'dict entry'}`);
    return { code, children, text: signature.slice(at, next + 1) };
  }
  throw new MalformedMessageError(`the signature "${signature.slice(0, 255)}" has an unknown type code`);
}

/** The complete types of a signature: `a{sv}b` is two. */
function parseSignature(signature: string): TypeNode[] {
  if (signature.length > 255) throw new MalformedMessageError('a signature is longer than 255 characters');
  const types: TypeNode[] = [];
  for (let at = 0; at < signature.length; ) {
    const type = parseOne(signature, at, 0);
    types.push(type);
    at += type.text.length;
  }
  return types;
}

class Writer {
  private buffer = Buffer.alloc(256);
  length = 0;

  private reserve(bytes: number): number {
    if (this.length + bytes > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + bytes));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    const at = this.length;
    this.length += bytes;
    return at;
  }

  align(boundary: number): void {
    this.reserve((boundary - (this.length % boundary)) % boundary);
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private append(chunk: Buffer): void {
    const at = this.reserve(chunk.length);
    chunk.copy(this.buffer, at);
  }

  /** A fixed-size value, written by one of Buffer's little-endian writers. */
  private fixed(size: number, put: (chunk: Buffer) => unknown): void {
    const chunk = Buffer.alloc(size);
    put(chunk);
    this.append(chunk);
  }

  write(type: TypeNode, value: DBusValue): void {
    const wrong = (): never => {
      throw new TypeError(`a D-Bus ${type.text} cannot hold a ${Array.isArray(value) ? 'list' : typeof value}`);
    };
    const number = (): number => (typeof value === 'number' ? value : wrong());
    const big = (): bigint => (typeof value === 'bigint' ? value : wrong());
    this.align(ALIGNMENT[type.code]!);
    switch (type.code) {
      case 'y':
        return this.fixed(1, (chunk) => chunk.writeUInt8(number()));
      case 'b':
        return this.fixed(4, (chunk) => chunk.writeUInt32LE(typeof value === 'boolean' ? Number(value) : wrong()));
      case 'n':
        return this.fixed(2, (chunk) => chunk.writeInt16LE(number()));
      case 'q':
        return this.fixed(2, (chunk) => chunk.writeUInt16LE(number()));
      case 'i':
        return this.fixed(4, (chunk) => chunk.writeInt32LE(number()));
      case 'u':
      case 'h':
        return this.fixed(4, (chunk) => chunk.writeUInt32LE(number()));
      case 'x':
        return this.fixed(8, (chunk) => chunk.writeBigInt64LE(big()));
      case 't':
        return this.fixed(8, (chunk) => chunk.writeBigUInt64LE(big()));
      case 'd':
        return this.fixed(8, (chunk) => chunk.writeDoubleLE(number()));
      case 's':
      case 'o':
      case 'g': {
        const text = Buffer.from(typeof value === 'string' ? value : wrong(), 'utf8');
        if (type.code === 'g') this.fixed(1, (chunk) => chunk.writeUInt8(text.length));
        else this.fixed(4, (chunk) => chunk.writeUInt32LE(text.length));
        return this.append(Buffer.concat([text, Buffer.alloc(1)]));
      }
      case 'v': {
        const variant = typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) ? value : wrong();
        const [inner, ...rest] = parseSignature(variant.signature);
        if (!inner || rest.length > 0) throw new TypeError(`a variant holds one complete type, not "${variant.signature}"`);
        this.write({ code: 'g', children: [], text: 'g' }, variant.signature);
        return this.write(inner, variant.value);
      }
      case 'a': {
        const element = type.children[0]!;
        const lengthAt = this.reserve(4);
        this.align(ALIGNMENT[element.code]!);
        const start = this.length;
        if (element.code === 'y' && Buffer.isBuffer(value)) this.append(value);
        else for (const item of Array.isArray(value) ? value : wrong()) this.write(element, item);
        return void this.buffer.writeUInt32LE(this.length - start, lengthAt);
      }
      default: {
        const fields = Array.isArray(value) && value.length === type.children.length ? value : wrong();
        type.children.forEach((child, index) => this.write(child, fields[index]!));
      }
    }
  }
}

class Reader {
  offset = 0;

  constructor(
    private readonly buffer: Buffer,
    private readonly littleEndian: boolean,
  ) {}

  private take(bytes: number): number {
    if (this.offset + bytes > this.buffer.length) throw new MalformedMessageError('a value runs past the end of its message');
    const at = this.offset;
    this.offset += bytes;
    return at;
  }

  align(boundary: number): void {
    const padding = (boundary - (this.offset % boundary)) % boundary;
    const at = this.take(padding);
    for (let index = at; index < at + padding; index++) if (this.buffer[index] !== 0) throw new MalformedMessageError('alignment padding is not zero');
  }

  uint32(): number {
    const at = this.take(4);
    return this.littleEndian ? this.buffer.readUInt32LE(at) : this.buffer.readUInt32BE(at);
  }

  private text(length: number): string {
    const at = this.take(length + 1);
    if (this.buffer[at + length] !== 0) throw new MalformedMessageError('a string is not nul-terminated');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.buffer.subarray(at, at + length));
    } catch {
      throw new MalformedMessageError('a string is not UTF-8');
    }
  }

  read(type: TypeNode, depth = 0): DBusValue {
    if (depth > MAX_DEPTH) throw new MalformedMessageError('a value nests too deeply');
    this.align(ALIGNMENT[type.code]!);
    const b = this.buffer;
    const le = this.littleEndian;
    switch (type.code) {
      case 'y':
        return b.readUInt8(this.take(1));
      case 'b': {
        const flag = this.uint32();
        if (flag > 1) throw new MalformedMessageError('a boolean is neither 0 nor 1');
        return flag === 1;
      }
      case 'n':
        return le ? b.readInt16LE(this.take(2)) : b.readInt16BE(this.take(2));
      case 'q':
        return le ? b.readUInt16LE(this.take(2)) : b.readUInt16BE(this.take(2));
      case 'i':
        return le ? b.readInt32LE(this.take(4)) : b.readInt32BE(this.take(4));
      case 'u':
      case 'h':
        return this.uint32();
      case 'x':
        return le ? b.readBigInt64LE(this.take(8)) : b.readBigInt64BE(this.take(8));
      case 't':
        return le ? b.readBigUInt64LE(this.take(8)) : b.readBigUInt64BE(this.take(8));
      case 'd':
        return le ? b.readDoubleLE(this.take(8)) : b.readDoubleBE(this.take(8));
      case 's':
      case 'o':
        return this.text(this.uint32());
      case 'g':
        return this.text(b.readUInt8(this.take(1)));
      case 'v': {
        const signature = this.text(b.readUInt8(this.take(1)));
        const [inner, ...rest] = parseSignature(signature);
        if (!inner || rest.length > 0) throw new MalformedMessageError('a variant does not hold exactly one complete type');
        return { signature, value: this.read(inner, depth + 1) };
      }
      case 'a': {
        const length = this.uint32();
        if (length > MAX_ARRAY_BYTES) throw new MalformedMessageError('an array is longer than 1 MiB');
        const element = type.children[0]!;
        this.align(ALIGNMENT[element.code]!);
        const end = this.offset + length;
        if (end > b.length) throw new MalformedMessageError('an array runs past the end of its message');
        if (element.code === 'y') return Buffer.from(b.subarray(this.take(length), end));
        const items: DBusValue[] = [];
        while (this.offset < end) items.push(this.read(element, depth + 1));
        if (this.offset !== end) throw new MalformedMessageError('an array ends in the middle of an element');
        return items;
      }
      default:
        return type.children.map((child) => this.read(child, depth + 1));
    }
  }
}

/** Values in D-Bus wire form, little-endian, aligned as at the start of a message body. */
export function marshal(signature: string, values: DBusValue[]): Buffer {
  const writer = new Writer();
  const types = parseSignature(signature);
  if (types.length !== values.length) throw new TypeError(`the signature "${signature}" takes ${types.length} values, not ${values.length}`);
  types.forEach((type, index) => writer.write(type, values[index]!));
  return Buffer.from(writer.bytes());
}

export function unmarshal(signature: string, bytes: Buffer, littleEndian = true): DBusValue[] {
  const reader = new Reader(bytes, littleEndian);
  const values = parseSignature(signature).map((type) => reader.read(type));
  if (reader.offset !== bytes.length) throw new MalformedMessageError('a body is longer than its signature says');
  return values;
}

const FIELDS = [
  [1, 'path', 'o'],
  [2, 'interface', 's'],
  [3, 'member', 's'],
  [4, 'errorName', 's'],
  [5, 'replySerial', 'u'],
  [6, 'destination', 's'],
  [7, 'sender', 's'],
  [8, 'signature', 'g'],
] as const;
const HEADER_TYPES = parseSignature('yyyyuua(yv)');

export function encodeMessage(message: Message): Buffer {
  const body = message.signature ? marshal(message.signature, message.body ?? []) : Buffer.alloc(0);
  const fields: DBusValue[] = [];
  for (const [code, key, signature] of FIELDS) {
    const value = message[key];
    if (value !== undefined && value !== '') fields.push([code, { signature, value }]);
  }
  const writer = new Writer();
  for (const [value, code] of [[0x6c, 'y'], [message.type, 'y'], [message.flags ?? 0, 'y'], [1, 'y'], [body.length, 'u'], [message.serial, 'u']] as const) {
    writer.write({ code, children: [], text: code }, value);
  }
  writer.write(HEADER_TYPES[6]!, fields);
  writer.align(8);
  return Buffer.concat([writer.bytes(), body]);
}

/** The length of the first message in `bytes`, or undefined until its fixed header has arrived. */
export function messageLength(bytes: Buffer): number | undefined {
  if (bytes.length < 16) return undefined;
  const littleEndian = endianness(bytes);
  const read = (at: number): number => (littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const fieldsLength = read(12);
  const length = 16 + fieldsLength + ((8 - (fieldsLength % 8)) % 8) + read(4);
  if (fieldsLength > MAX_ARRAY_BYTES || length > MAX_MESSAGE_BYTES) throw new MalformedMessageError('a message is longer than 1 MiB');
  return length;
}

function endianness(bytes: Buffer): boolean {
  if (bytes[0] === 0x6c) return true;
  if (bytes[0] === 0x42) return false;
  throw new MalformedMessageError('a message starts with an unknown byte order');
}

/** One whole message (as messageLength measured it) to its parts; throws MalformedMessageError, nothing else. */
export function decodeMessage(bytes: Buffer): Message {
  const littleEndian = endianness(bytes);
  const reader = new Reader(bytes, littleEndian);
  try {
    const [, type, flags, version, bodyLength, serial, fields] = HEADER_TYPES.map((node) => reader.read(node)) as [number, number, number, number, number, number, [number, Variant][]];
    if (version !== 1) throw new MalformedMessageError(`a message has protocol version ${version}`);
    if (type < 1 || type > 4 || serial === 0) throw new MalformedMessageError('a message has no valid type or serial');
    reader.align(8);
    const message: Message = { type, flags, serial };
    for (const [code, { signature, value }] of fields) {
      const known = FIELDS.find(([fieldCode]) => fieldCode === code);
      if (known && known[2] !== signature) throw new MalformedMessageError(`header field ${code} is not of type ${known[2]}`);
      if (known) (message as unknown as Record<string, DBusValue>)[known[1]] = value;
    }
    const body = bytes.subarray(reader.offset, reader.offset + bodyLength);
    if (body.length !== bodyLength || reader.offset + bodyLength !== bytes.length) throw new MalformedMessageError('a message body does not match its length');
    message.body = unmarshal(message.signature ?? '', body, littleEndian);
    return message;
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    throw new MalformedMessageError(`a message could not be read (${(error as Error).message})`);
  }
}

/** The sockets a bus address names, in order: `unix:path=` and `unix:abstract=` (Linux), `;`-separated. */
export function socketPaths(address: string): string[] {
  const paths: string[] = [];
  for (const entry of address.split(';')) {
    const [transport, options = ''] = entry.split(/:(.*)/s);
    if (transport !== 'unix') continue;
    const keys = new Map(options.split(',').map((pair) => pair.split(/=(.*)/s) as [string, string]));
    const unescape = (value: string): string => Buffer.from(value.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))), 'latin1').toString('utf8');
    if (keys.get('path')) paths.push(unescape(keys.get('path')!));
    else if (keys.get('abstract')) paths.push(`\0${unescape(keys.get('abstract')!)}`);
  }
  return paths;
}

interface MethodCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: DBusValue[];
}

/** A connection to one bus: method calls matched to their replies by serial, and signals to listeners. */
export class DBusConnection {
  private nextSerial = 1;
  private readonly pending = new Map<number, { resolve: (body: DBusValue[]) => void; reject: (error: Error) => void }>();
  private readonly signalListeners = new Set<(signal: Message) => void>();
  private closedBy: Error | undefined;

  private constructor(private readonly socket: net.Socket) {}

  /**
   * Connects, authenticates as this process's user, and says Hello to the bus. `signal` abandons the opening at any
   * point (connect, authentication, Hello): the socket is destroyed and nothing more is read.
   */
  static async open(address: string, uid: number, signal?: AbortSignal): Promise<DBusConnection> {
    const candidates = socketPaths(address);
    if (candidates.length === 0) throw new Error(`the session bus address "${address.slice(0, 200)}" names no unix socket`);
    const abandoned = (): Error => new Error('the session bus connection was closed');
    if (signal?.aborted) throw abandoned();
    let socket: net.Socket | undefined;
    let failure = '';
    for (const socketPath of candidates) {
      socket = await new Promise<net.Socket | undefined>((resolve) => {
        const attempt = net.connect({ path: socketPath }, () => resolve(attempt));
        attempt.once('error', (error: NodeJS.ErrnoException) => {
          failure = error.code ?? error.message;
          resolve(undefined);
        });
        signal?.addEventListener('abort', () => attempt.destroy(), { once: true });
      });
      if (socket) break;
    }
    if (!socket) throw new Error(`cannot connect to the session bus at ${address.slice(0, 200)} (${failure})`);
    const connection = new DBusConnection(socket);
    const onAbort = (): void => connection.close(abandoned());
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) throw abandoned();
      await connection.authenticate(uid);
      await connection.call({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello' });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return connection;
  }

  private authenticate(uid: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let text = '';
      const fail = (reason: string): void => {
        this.socket.destroy();
        reject(new Error(reason));
      };
      const onData = (chunk: Buffer): void => {
        text += chunk.toString('latin1');
        if (!text.includes('\r\n')) {
          if (text.length > MAX_AUTH_LINE_BYTES) fail('the session bus sent an authentication line longer than 1 KiB');
          return;
        }
        this.socket.off('data', onData).off('error', onError).off('close', onClose);
        if (!text.startsWith('OK ')) return fail('the session bus refused EXTERNAL authentication');
        this.socket.write('BEGIN\r\n');
        this.listen();
        resolve();
      };
      const onError = (error: NodeJS.ErrnoException): void => fail(`the session bus connection failed (${error.code ?? error.message})`);
      const onClose = (): void => fail('the session bus closed the connection while authenticating');
      this.socket.on('data', onData).on('error', onError).on('close', onClose);
      this.socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString('hex')}\r\n`);
    });
  }

  private listen(): void {
    // Chunks are kept as they come and joined once a whole message is there: joining on every chunk would copy a
    // large message over and over.
    let chunks: Buffer[] = [];
    let buffered = 0;
    let needed: number | undefined;
    this.socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      buffered += chunk.length;
      try {
        for (;;) {
          if (needed === undefined) {
            if (buffered < 16) return;
            if (chunks[0]!.length < 16) chunks = [Buffer.concat(chunks, buffered)];
            needed = messageLength(chunks[0]!);
          }
          if (needed === undefined || buffered < needed) return;
          const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
          const message = decodeMessage(all.subarray(0, needed));
          const rest = all.subarray(needed);
          chunks = rest.length > 0 ? [rest] : [];
          buffered = rest.length;
          needed = undefined;
          this.dispatch(message);
          if (this.closedBy) return;
        }
      } catch (error) {
        this.close(new Error(`the session bus sent a malformed message (${(error as Error).message})`));
      }
    });
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.close(new Error(`the session bus connection failed (${error.code ?? error.message})`)));
    this.socket.on('close', () => this.close(new Error('the session bus closed the connection')));
  }

  private dispatch(message: Message): void {
    if (message.type === MessageType.Signal) {
      for (const listener of this.signalListeners) listener(message);
      return;
    }
    const waiting = message.replySerial === undefined ? undefined : this.pending.get(message.replySerial);
    if (!waiting) return;
    this.pending.delete(message.replySerial!);
    if (message.type === MessageType.MethodReturn) waiting.resolve(message.body ?? []);
    else if (message.type === MessageType.Error) {
      // The error's name (e.g. org.freedesktop.DBus.Error.ServiceUnknown) and the first line of its text.
      const name = message.errorName ?? 'org.freedesktop.DBus.Error.Failed';
      const detail = typeof message.body?.[0] === 'string' ? message.body[0].split('\n')[0]!.slice(0, 200) : '';
      waiting.reject(new Error(detail ? `${name}: ${detail}` : name));
    }
  }

  call(call: MethodCall): Promise<DBusValue[]> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    const serial = this.nextSerial++;
    return new Promise((resolve, reject) => {
      this.pending.set(serial, { resolve, reject });
      this.socket.write(encodeMessage({ type: MessageType.MethodCall, serial, ...call }));
    });
  }

  /** Calls `listener` with every signal the bus routes to this connection (see AddMatch) until the returned function is called. */
  onSignal(listener: (signal: Message) => void): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }

  close(reason = new Error('the session bus connection was closed')): void {
    if (this.closedBy) return;
    this.closedBy = reason;
    this.socket.destroy();
    for (const waiting of this.pending.values()) waiting.reject(reason);
    this.pending.clear();
  }
}
