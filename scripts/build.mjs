// Bundles src/ into dist/: one entry plus lazily loaded chunks, so start-up reads few files.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  minify: process.env.CONNECTOR_SETUP_NO_MINIFY !== '1',
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // A native addon with per-platform prebuilt packages: loaded from node_modules at run time.
  external: ['@napi-rs/keyring'],
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  define: { __VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
