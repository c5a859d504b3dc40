/**
 * A CommonJS package arrives as its default export from its vendor bundle (dist/vendor), and with named
 * exports when unbundled (tests): accept both.
 */
export function commonJsExports<T extends object>(module: T): T {
  return (module as { default?: T }).default ?? module;
}
