/**
 * A CommonJS package imported lazily from the bundle arrives as its default export (esbuild's code
 * splitting), and unbundled (tests) as named exports: accept both.
 */
export function commonJsExports<T extends object>(module: T): T {
  return (module as { default?: T }).default ?? module;
}
