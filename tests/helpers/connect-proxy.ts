// A real HTTP CONNECT proxy on 127.0.0.1: the CLI reaches "auth.pingone.eu:443" through HTTPS_PROXY, and
// the proxy tunnels each host to the local test server playing it. Unknown hosts get 502, as from a
// proxy that cannot resolve them.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface ConnectProxy {
  url: string;
  /** Every CONNECT target asked for, e.g. "auth.pingone.eu:443". */
  targets: string[];
  route(hostPort: string, localPort: number): void;
  close(): Promise<void>;
}

export async function startConnectProxy(routes: Record<string, number> = {}): Promise<ConnectProxy> {
  const table = new Map(Object.entries(routes));
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_request, response) => {
    response.writeHead(405).end();
  });
  server.on('connect', (request: http.IncomingMessage, client: net.Socket) => {
    const target = request.url ?? '';
    targets.push(target);
    sockets.add(client);
    const localPort = table.get(target);
    if (localPort === undefined) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = net.connect(localPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    const destroy = (): void => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', destroy);
    client.on('error', destroy);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    route: (hostPort, localPort) => table.set(hostPort, localPort),
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
