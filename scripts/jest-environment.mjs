// Jest's Node environment, with a plain global object. Jest's own hands a Proxy to vm.createContext, so every
// read of a global in the code under test (Math, Buffer, JSON, ...) goes through an interceptor and the Proxy: on
// Node 20 that made a read of Math.imul in a loop ~30 times slower than outside Jest. A context made with
// DONT_CONTEXTIFY has an ordinary global object; each test file still gets a context of its own.
import asyncHooks from 'node:async_hooks';
import vm from 'node:vm';
import { TestEnvironment } from 'jest-environment-node';

// Jest's test runner keeps the running test in an AsyncLocalStorage, a new one for each test file, and never lets
// go of it. On Node 20 every storage still enabled is called for every promise created, so a worker that had run
// 40 files called 40 of them for each promise of the next file. A file's storages are disabled when it ends.
const { AsyncLocalStorage } = asyncHooks;
let storages = [];
// Defined, not assigned: on Node 22 and 24 the export is a getter (no setter), and an assignment throws.
Object.defineProperty(asyncHooks, 'AsyncLocalStorage', {
  configurable: true,
  enumerable: true,
  writable: true,
  value: class FileAsyncLocalStorage extends AsyncLocalStorage {
    constructor(...options) {
      super(...options);
      storages.push(this);
    }
  },
});

export default class PlainGlobalEnvironment extends TestEnvironment {
  constructor(config, context) {
    const createContext = vm.createContext;
    vm.createContext = () => createContext(vm.constants.DONT_CONTEXTIFY);
    try {
      super(config, context);
    } finally {
      vm.createContext = createContext;
    }
  }

  async teardown() {
    await super.teardown();
    for (const storage of storages) storage.disable();
    storages = [];
  }
}
