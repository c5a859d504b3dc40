// Misbehaving HTTPS servers for the fault suite. Each fault is a Handler for startHttpsServer, so any
// connector's endpoint (PingOne token, Invenias token or create) can be made to misbehave the same way.
import { type AddressInfo, type Socket, createServer } from 'node:net';
import { type CertificateKind, type Handler, type TestServer, sendJson, startHttpsServer } from './https-server.js';

export const FAKE_ACCESS_TOKEN = 'FAKE-access-token-do-not-use-0009';

/** What a huge-body server managed to send before the client hung up. */
export interface StreamStats {
  bytesWritten: number;
  /** True once the client closed the connection. */
  clientClosed: boolean;
  /** True when the server ran out of bytes to send (the client read everything: a failure). */
  finished: boolean;
  /** Resolves when the response ended, one way or the other. */
  ended: Promise<void>;
}

/**
 * Sends a TCP RST (ECONNRESET on the client). A TLS socket has no TCP handle of its own, so the reset
 * goes to the TCP socket under it; if that is not reachable, the connection is simply closed.
 */
function resetConnection(socket: Socket): void {
  const tcp = (socket as Socket & { _parent?: Socket | null })._parent;
  if (tcp && typeof tcp.resetAndDestroy === 'function') tcp.resetAndDestroy();
  else socket.destroy();
}

export const faults = {
  /** A token endpoint that works (docs/partners.md P-TOKEN-200, I-TOKEN-200). */
  token(accessToken: string = FAKE_ACCESS_TOKEN): Handler {
    return (_request, response) => sendJson(response, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 });
  },

  /** Any status and JSON body. */
  json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
    return (_request, response) => sendJson(response, status, body, headers);
  },

  /** Any status and raw text. */
  text(status: number, body: string, contentType = 'text/plain', headers: Record<string, string> = {}): Handler {
    return (_request, response) => {
      response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
      response.end(body);
    };
  },

  /** The request is read, then the TCP connection is dropped without a byte of answer. */
  resetBeforeAnswer(): Handler {
    return (_request, _response, raw) => resetConnection(raw.socket);
  },

  /** Headers and part of the body are sent, then the connection is dropped. */
  resetMidAnswer(): Handler {
    return (_request, response, raw) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      // Nothing tells a server that the client has read the headers: the short wait makes "mid-answer" the likely
      // case, and a reset before them ends the same way (unreachable), so the outcome never depends on it.
      response.write('{"access_token": "', () => setTimeout(() => resetConnection(raw.socket), 20));
    };
  },

  /** Bytes that are not HTTP at all, straight onto the TLS connection. */
  notHttp(): Handler {
    return (_request, _response, raw) => {
      raw.socket.end('SSH-2.0-OpenSSH_9.6 this is not HTTP\r\n\r\n');
    };
  },

  /** A status line followed by 200 KB of headers. */
  hugeHeaders(): Handler {
    return (_request, _response, raw) => {
      const header = `X-Filler: ${'h'.repeat(1000)}\r\n`;
      raw.socket.end(`HTTP/1.1 200 OK\r\n${header.repeat(200)}content-length: 2\r\n\r\n{}`);
    };
  },

  /**
   * Never answers (the connection stays open until the server closes). `onHeld` is told once the request is
   * here: the moment a test ends the run's time limit (Deadlines), instead of waiting for it.
   */
  hang(onHeld?: () => void): Handler {
    return () => onHeld?.();
  },

  /**
   * A tarpit: a 200 with its headers at once, then one byte of body every `everyMs`, never the end. undici's body
   * timeout starts again with each byte, so only a time limit on the whole exchange ends it. `onByte` is told after
   * each byte is written.
   */
  trickle(everyMs: number, onByte?: (sent: number) => void): Handler {
    return (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
      let sent = 0;
      const timer = setInterval(() => {
        if (response.destroyed) return clearInterval(timer);
        sent += 1;
        response.write(sent === 1 ? '{' : ' ', () => onByte?.(sent));
      }, everyMs);
      response.on('close', () => clearInterval(timer));
    };
  },

  /** `103 Early Hints` every `everyMs`, and never the answer itself; `onHint` is told after each one is written. */
  earlyHints(everyMs: number, onHint?: (sent: number) => void): Handler {
    return (_request, response) => {
      let sent = 0;
      const timer = setInterval(() => {
        if (response.destroyed) return clearInterval(timer);
        sent += 1;
        response.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' }, () => onHint?.(sent));
      }, everyMs);
      response.on('close', () => clearInterval(timer));
    };
  },

  redirect(location: string, status = 302): Handler {
    return (_request, response) => {
      response.writeHead(status, { location, 'content-length': '0' });
      response.end();
    };
  },

  /** The first handlers answer the first requests in turn; the last one answers every request after. */
  sequence(...handlers: Handler[]): Handler {
    let next = 0;
    return (request, response, raw) => {
      const handler = handlers[Math.min(next, handlers.length - 1)];
      next += 1;
      return handler?.(request, response, raw);
    };
  },

  /**
   * A 200 whose body is `totalBytes` long, streamed with back-pressure so the server only sends what the
   * client reads. `declareLength` sends a Content-Length header (else chunked, so only counting stops it).
   */
  hugeBody(totalBytes: number, declareLength: boolean): { handler: Handler; stats: StreamStats } {
    let endResponse: () => void = () => undefined;
    const stats: StreamStats = { bytesWritten: 0, clientClosed: false, finished: false, ended: new Promise((resolve) => (endResponse = resolve)) };
    const chunk = Buffer.alloc(256 * 1024, '{"padding":"xxxxxxxxxxxxxxxx"}'.repeat(8));
    const handler: Handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(totalBytes) } : {}) });
      response.on('close', () => {
        stats.clientClosed = !stats.finished;
        endResponse();
      });
      const pump = (): void => {
        while (stats.bytesWritten < totalBytes && !response.destroyed) {
          const size = Math.min(chunk.length, totalBytes - stats.bytesWritten);
          stats.bytesWritten += size;
          if (!response.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
            response.once('drain', pump);
            return;
          }
        }
        if (!response.destroyed) {
          stats.finished = true;
          response.end();
        }
      };
      pump();
    };
    return { handler, stats };
  },
};

export function startFaultServer(handler: Handler, kind: CertificateKind = 'trusted'): Promise<TestServer> {
  return startHttpsServer(handler, kind);
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. For waiting on events, not timing them. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
