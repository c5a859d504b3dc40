// Real HTTPS servers on 127.0.0.1 for the tests, with certificates from the throwaway CA.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type CertificateKind = 'trusted' | 'untrusted';

export function certificates(kind: CertificateKind = 'trusted'): { key: Buffer; cert: Buffer } {
  const directory = process.env.TEST_CERT_DIR;
  if (!directory) throw new Error('TEST_CERT_DIR is not set: run the tests with npm test');
  return {
    key: readFileSync(path.join(directory, `${kind}-server.key`)),
    cert: readFileSync(path.join(directory, `${kind}-server.pem`)),
  };
}

export interface RecordedRequest {
  method: string;
  url: string;
  host: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface TestServer {
  port: number;
  /** host:port, as an Auth Domain or custom domain would be typed. */
  hostPort: string;
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type Handler = (request: RecordedRequest, response: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** Starts an HTTPS server whose handler sees each request with its body already read and recorded. */
export async function startHttpsServer(handler: Handler, kind: CertificateKind = 'trusted'): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = https.createServer(certificates(kind), (raw, response) => {
    void readBody(raw).then(async (body) => {
      const request: RecordedRequest = { method: raw.method ?? '', url: raw.url ?? '', host: raw.headers.host ?? '', headers: raw.headers, body };
      requests.push(request);
      try {
        await handler(request, response, raw);
      } catch (error) {
        if (!response.headersSent) sendJson(response, 500, { error: 'test_server_error', message: String(error) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    hostPort: `127.0.0.1:${port}`,
    origin: `https://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
