// Jest's Node environment, with a plain global object. Jest's own hands a Proxy to vm.createContext, so every
// read of a global in the code under test (Math, Buffer, JSON, ...) goes through an interceptor and the Proxy: on
// Node 20 that made a read of Math.imul in a loop ~30 times slower than outside Jest. A context made with
// DONT_CONTEXTIFY has an ordinary global object; each test file still gets a context of its own.
import vm from 'node:vm';
import { TestEnvironment } from 'jest-environment-node';

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
}
