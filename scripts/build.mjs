// Bundles src/ into dist/: cli.js, the entry, answers --version by itself; main.js holds the command table,
// every command, the connectors, the core and the parts of undici in use, in one file, so a run reads one file
// instead of walking module trees. profiles.js is main.js without the command table and the other commands, for
// `profiles list` and `profiles show` (src/profiles-line.ts), which people run over a thousand profiles. Libraries that only some runs need (prompts, colour) are bundled separately
// into dist/vendor/ and loaded when first used, as is keychain.js, the code that talks to the OS keychain
// (src/core/store/keychain/). Every bundled package's licence goes into dist/THIRD-PARTY-LICENSES (most of them
// carry no inline licence comment for legalComments to keep).
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * A plugin that bundles source of our own in place of a module: each import whose path `filter` matches and `when`
 * accepts resolves into the plugin's namespace, where `contents(path)` is what esbuild bundles for it (`resolveDir`:
 * where that source's own imports resolve from).
 */
function standIn({ name, namespace = name, filter, when = () => true, contents, resolveDir }) {
  return {
    name,
    setup(builder) {
      builder.onResolve({ filter }, (args) => (when(args) ? { path: args.path, namespace } : undefined));
      builder.onLoad({ filter: /.*/, namespace }, (args) => ({ contents: contents(args.path), resolveDir, loader: 'js' }));
    },
  };
}

/**
 * @inquirer/prompts imports its editor prompt, which the CLI never shows, and with it iconv-lite's encoding tables:
 * 540 KB of the 605 KB bundle, parsed by every run that asks a question. The editor is left out; should a run ask
 * for it all the same, it fails with an internal error rather than silently.
 */
const withoutEditor = standIn({
  name: 'without-editor',
  namespace: 'not-in-inquirer-bundle',
  filter: /^@inquirer\/editor$/,
  contents: (path) => `export default () => { throw new Error(${JSON.stringify(`${path} is not in dist/vendor/inquirer.js`)}); };`,
});

/**
 * The prompts bind their state and key handlers to the prompt's async context with AsyncResource.bind, on every
 * render: for each key typed or pasted. Node's bind also gives each bound function a deprecated asyncResource
 * property made of two deprecate() wrappers, which cost more than the binding; the prompts get a bind that runs the
 * function in the same context (a new AsyncResource, runInAsyncScope) without that property.
 */
const plainAsyncBind = standIn({
  name: 'plain-async-bind',
  filter: /^(node:)?async_hooks$/,
  when: (args) => /[/\\]@inquirer[/\\]core[/\\]/.test(args.importer),
  contents: () => `import { AsyncLocalStorage, AsyncResource as NodeAsyncResource } from 'node:async_hooks';
export { AsyncLocalStorage };
export const AsyncResource = {
  bind(fn, type, thisArg) {
    const resource = new NodeAsyncResource(type || fn.name || 'bound-anonymous-fn');
    return function bound(...args) {
      return resource.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
    };
  },
};`,
});

/** Package -> the vendor bundle that holds it; `exports` says how the package exposes itself. */
const VENDORS = {
  // The prompts the CLI asks with (src/core/terminal/prompts.ts); see withoutEditor.
  '@inquirer/prompts': { file: 'inquirer', entry: "export { confirm, input, password, select } from '@inquirer/prompts';", plugins: [withoutEditor, plainAsyncBind] },
  chalk: { file: 'chalk', entry: "export * from 'chalk'; export { default } from 'chalk';" },
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  minify: process.env.CONNECTOR_SETUP_NO_MINIFY !== '1',
  legalComments: 'linked',
  metafile: true,
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
};

/** Points imports of vendored packages at their bundles instead of inlining them. */
const vendorImports = {
  name: 'vendor-imports',
  setup(builder) {
    const names = Object.keys(VENDORS).map((name) => name.replace(/[/@.-]/g, (c) => `\\${c}`));
    builder.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({
      path: `./vendor/${VENDORS[args.path].file}.js`,
      external: true,
    }));
  },
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
/** undici's parts, bundled on their own: only runs that send a request read them. */
const undiciImport = {
  name: 'undici-import',
  setup(builder) {
    builder.onResolve({ filter: /\/undici-parts\.js$/ }, () => ({ path: './vendor/undici.js', external: true }));
  },
};

/**
 * undici's HTTP/2 client loads node:http2 when undici loads (~7 ms of every run that sends a request), though this
 * tool's requests are HTTP/1.1: it gets http2's constants, copied here, and node:http2 itself on its first connect.
 */
const lazyHttp2 = standIn({
  name: 'lazy-http2',
  filter: /^node:http2$/,
  when: (args) => /[/\\]client-h2\.js$/.test(args.importer),
  contents: () => `let http2;
module.exports = {
  constants: ${JSON.stringify(createRequire(import.meta.url)('node:http2').constants)},
  connect: (...args) => (http2 ??= require('node:http2')).connect(...args),
};`,
});

/** The keychain's code, bundled on its own: only runs that save or read a secret in the keychain read it. */
const keychainImport = {
  name: 'keychain-import',
  setup(builder) {
    builder.onResolve({ filter: /\/keychain\/platform\.js$/ }, () => ({ path: './keychain.js', external: true }));
  },
};

/** Keeps the entry's imports of the command table, the profiles bundle and the stored help pages separate files. */
const mainImport = {
  name: 'main-import',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/(main|profiles|help)\.js$/ }, (args) => (args.importer.endsWith('cli.ts') ? { path: args.path, external: true } : undefined));
  },
};

/**
 * For dist/profiles.js: what only the command table reaches (commander, the other commands, a connector's steps) is
 * left out. cli.ts loads this bundle only for a line profiles-line.ts reads alone, and runCli then never builds the
 * table; should one of them be imported all the same, the import fails with an internal error rather than silently.
 */
const onlyProfiles = standIn({
  name: 'only-profiles',
  namespace: 'not-in-profiles-bundle',
  filter: /^(commander|\.\/commands\/(setup|verify|connectors|completion)\.js|\.\/index\.js)$/,
  when: (args) => args.path !== './index.js' || /connectors\/[^/]+\/definition\.ts$/.test(args.importer),
  contents: (path) => `throw new Error(${JSON.stringify(`${path} is not in dist/profiles.js`)});`,
});

/**
 * wrap-ansi is set up on its first call, not at start-up: its string-width builds an Intl.Segmenter (ICU's break
 * rules, some 20 ms), and most runs never wrap a line (only a terminal's lines longer than its width are wrapped).
 */
const lazyWrapAnsi = standIn({
  name: 'lazy-wrap-ansi',
  filter: /^wrap-ansi$/,
  // The stand-in's own require('wrap-ansi') is the package itself.
  when: (args) => args.namespace !== 'lazy-wrap-ansi',
  contents: () => "let wrap; export default function wrapAnsi(...args) { wrap ??= require('wrap-ansi').default; return wrap(...args); }",
  resolveDir: process.cwd(),
});

/**
 * wrap-ansi's string-width builds an Intl.Segmenter as it loads, to measure text by what a terminal draws as one
 * character: ICU's break rules, ~16 ms of every run that wraps a line at a terminal. It gets
 * src/core/terminal/graphemes.ts instead, which splits the CLI's own lines into code points (the same split) and
 * builds the segmenter only for other text.
 */
const lazySegmenter = {
  name: 'lazy-segmenter',
  setup(builder) {
    const graphemes = fileURLToPath(new URL('../src/core/terminal/graphemes.ts', import.meta.url));
    builder.onLoad({ filter: /[/\\]string-width[/\\]index\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('new Intl.Segmenter()')) return undefined;
      return {
        contents: `import { graphemes as lazySegmenter } from ${JSON.stringify(graphemes)};\n${source.replace('new Intl.Segmenter()', 'lazySegmenter')}`,
        resolveDir: path.dirname(args.path),
        loader: 'js',
      };
    });
  },
};

/**
 * `import process from 'node:process'` (env-paths) as the global it is: an ES import of node:process builds a module
 * facade of every property of process, which reads process.report and so loads the diagnostic report's code at every
 * start. Only ES imports: a CommonJS require('node:process') gets the module itself.
 */
const processGlobal = standIn({
  name: 'process-global',
  filter: /^(node:)?process$/,
  when: (args) => args.kind === 'import-statement',
  contents: () => 'export default globalThis.process;',
});

/** The help pages need only commander's Help class (lib/help.js), not the whole parser. */
const commanderHelpOnly = {
  name: 'commander-help-only',
  setup(builder) {
    const helpFile = path.join(path.dirname(createRequire(import.meta.url).resolve('commander')), 'lib/help.js');
    builder.onResolve({ filter: /^commander$/ }, () => ({ path: helpFile }));
  },
};

const results = await Promise.all([
  build({ ...common, banner: {}, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', plugins: [mainImport], define: { __VERSION__: JSON.stringify(version) } }),
  build({
    ...common,
    entryPoints: { main: 'src/main.ts' },
    outdir: 'dist',
    plugins: [processGlobal, vendorImports, undiciImport, keychainImport, lazyWrapAnsi, lazySegmenter],
    define: { __VERSION__: JSON.stringify(version) },
  }),
  build({
    ...common,
    // Nothing in it is CommonJS, so it needs no require(): node:module is not loaded for it.
    banner: {},
    entryPoints: { profiles: 'src/profiles.ts' },
    outdir: 'dist',
    plugins: [onlyProfiles, processGlobal, vendorImports, undiciImport, keychainImport, lazyWrapAnsi, lazySegmenter],
    define: { __VERSION__: JSON.stringify(version) },
  }),
  build({ ...common, entryPoints: { help: 'src/help.ts' }, outdir: 'dist', plugins: [commanderHelpOnly] }),
  build({ ...common, entryPoints: ['src/core/net/undici-parts.ts'], outfile: 'dist/vendor/undici.js', plugins: [lazyHttp2] }),
  build({ ...common, entryPoints: ['src/core/store/keychain/platform.ts'], outfile: 'dist/keychain.js' }),
  ...Object.values(VENDORS).map(({ file, entry, plugins = [] }) =>
    build({ ...common, stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' }, outfile: `dist/vendor/${file}.js`, plugins }),
  ),
]);

// dist/help.json: every command's help page, read from the command table itself so its words have one home.
const tableFile = path.resolve('dist/.help-table.mjs');
await build({
  ...common,
  metafile: false,
  minify: false,
  stdin: {
    contents: `import { Command } from 'commander';
import { connectors } from './src/connectors/index.ts';
import { helpPages } from './src/help-pages.ts';
import { helpTable } from './src/program.ts';
export const pages = helpPages(helpTable(connectors, Command));`,
    resolveDir: process.cwd(),
    loader: 'ts',
  },
  outfile: tableFile,
  plugins: [vendorImports, undiciImport, keychainImport],
  define: { __VERSION__: JSON.stringify(version) },
});
const { pages } = await import(pathToFileURL(tableFile).href);
rmSync(tableFile);
writeFileSync(new URL('../dist/help.json', import.meta.url), JSON.stringify(pages));

/** The package directory (node_modules/name or node_modules/@scope/name, nested ones kept) of a bundled file. */
const packageDirectory = (input) => input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//)?.[1];

const bundled = new Set(
  results.flatMap((result) => Object.keys(result.metafile.inputs)).map(packageDirectory).filter(Boolean),
);
const notices = [...bundled]
  .map((directory) => {
    const { name, version, license } = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8'));
    const licenceFile = readdirSync(directory).find((file) => /^(licen[cs]e|copying)(\.|-|$)/i.test(file));
    // A bundled package whose licence text cannot be shipped must stop the build, not ship without it.
    if (!licenceFile) throw new Error(`${name}@${version} is bundled into dist/ but has no licence file to ship with it`);
    return { id: `${name}@${version}`, license, text: readFileSync(path.join(directory, licenceFile), 'utf8').trim() };
  })
  .filter((notice, index, all) => all.findIndex((other) => other.id === notice.id) === index)
  .sort((a, b) => a.id.localeCompare(b.id));
writeFileSync(
  new URL('../dist/THIRD-PARTY-LICENSES', import.meta.url),
  `connector-setup's dist/ bundles the following packages; their licences follow.\n\n${notices
    .map((notice) => `${'-'.repeat(72)}\n${notice.id} (${notice.license})\n\n${notice.text}\n`)
    .join('\n')}`,
);
