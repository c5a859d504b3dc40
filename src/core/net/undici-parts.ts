// Only the parts of undici this tool uses: its dispatchers and the request API. Importing the package root
// would also load fetch, WebSocket and caching code on every run: measured 2026-11-24, the bundle of the public
// exports takes 115 ms to load against 52 ms for these parts (median of 15), which would put `pingone --verify`
// past its start-up target. undici is pinned to an exact version and bundled at build time, so a moved path
// fails the build (esbuild cannot resolve it), never a user's run.
import { setFlagsFromString } from 'node:v8';
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';

// undici parses HTTP with llhttp compiled to WebAssembly, compiled on the first connection. On Node 20 (V8 11.3)
// that compile runs V8's optimising compiler over the whole parser: measured 2026-11-24 with perf, 40 % of the CPU of
// a `pingone --verify` run, and 0.41 s against 0.25 s of wall time for the run (median of 3, this 2-core machine).
// Liftoff, V8's baseline compiler, is plenty for a few small responses. Node 22 and 24 do not pay that cost (0.21 s
// either way), so they keep their defaults. V8 reads the flag when it compiles a module: it holds when set before the
// first connection, which this module's load always is.
if (process.versions.node.split('.')[0] === '20') setFlagsFromString('--liftoff-only');

interface DefaultExport<T> {
  default: T;
}

type Api = Pick<Dispatcher, 'request' | 'connect' | 'stream' | 'pipeline' | 'upgrade'>;

/**
 * What undici's index.js does on load: give every dispatcher the request API. The proxy agent relies on it
 * (it tunnels with `connect`), so it must happen before any dispatcher is used.
 */
async function installApi(): Promise<void> {
  const [{ default: DispatcherClass }, { default: api }] = await Promise.all([
    // @ts-expect-error: undici publishes no types for its internal paths.
    import('undici/lib/dispatcher/dispatcher.js') as Promise<DefaultExport<{ prototype: object }>>,
    // @ts-expect-error: as above.
    import('undici/lib/api/index.js') as Promise<DefaultExport<Api>>,
  ]);
  Object.assign(DispatcherClass.prototype, api);
}

export async function createDispatcher(options: Undici.Agent.Options & Undici.EnvHttpProxyAgent.Options, proxied: boolean): Promise<Dispatcher> {
  await installApi();
  if (proxied) {
    // @ts-expect-error: as above.
    const module = (await import('undici/lib/dispatcher/env-http-proxy-agent.js')) as DefaultExport<typeof Undici.EnvHttpProxyAgent>;
    return new module.default(options);
  }
  // @ts-expect-error: as above.
  const module = (await import('undici/lib/dispatcher/agent.js')) as DefaultExport<typeof Undici.Agent>;
  return new module.default(options);
}
