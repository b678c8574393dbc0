// extensionTestsPath module for the WEB extension host (a Web Worker): exports run().
// mocha's browser build defines the global `mocha`. It is loaded with require(), not a bare
// import: esbuild would otherwise inline its UMD header unwrapped, and that header overwrites
// this module's `module.exports` with the mocha instance (then the host calls mocha's own run()).
// mocha 11 (CommonJS) only: mocha 12 is ESM and breaks this the same way.
import { registerSuites } from './register';

require('mocha/mocha.js');

declare const mocha: {
  setup(o: Record<string, unknown>): void;
  run(done: (failures: number) => void): { stats?: { passes?: number; pending?: number } };
};

export function run(): Promise<void> {
  return new Promise((resolve, reject) => {
    mocha.setup({ ui: 'tdd', reporter: 'spec', timeout: 120_000, color: false });
    try {
      registerSuites({ kind: 'web' });
      const runner = mocha.run((failures) => {
        const st = runner.stats ?? {};
        // machine-readable result; scripts/host/run-web.mjs reads it from the forwarded console
        console.log('MOCHA_RESULT ' + JSON.stringify({ passes: st.passes ?? 0, failures, pending: st.pending ?? 0 }));
        if (failures > 0) reject(new Error(`${failures} tests failed.`));
        else resolve();
      });
    } catch (err) {
      console.error(err);
      reject(err);
    }
  });
}
