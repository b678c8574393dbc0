// extensionTestsPath module for the NODE extension host (code-server's remote host, or desktop
// VS Code under @vscode/test-electron): exports run(). mocha is resolved at run time from the
// project's node_modules (external in esbuild.js); the tests themselves are bundled in here.
// The spec reporter's output goes through the host's console, which VS Code forwards to the
// workbench (the runner prints it). RLAB_HOST_RESULT, when set in the host's environment,
// names a JSON file that receives the counts as well.
import * as fs from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { registerSuites } from './register';

export function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require('mocha');
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', timeout: 120_000, color: false });
  // Defines suite/test/suiteSetup... on the global object, as addFile()+run() would; the tests are bundled.
  mocha.suite.emit('pre-require', globalThis, 'host-suite', mocha);
  registerSuites({
    kind: 'node',
    monitorEventLoopDelay: () => {
      const h = monitorEventLoopDelay({ resolution: 10 });
      h.enable();
      const elu0 = performance.eventLoopUtilization();
      return { stop: () => (h.disable(), { maxMs: h.max / 1e6, utilization: performance.eventLoopUtilization(elu0).utilization }) };
    },
    threadCpuMs: () => {
      const p = process as unknown as { threadCpuUsage?: () => { user: number; system: number } };
      if (typeof p.threadCpuUsage !== 'function') return performance.eventLoopUtilization().active;
      const u = p.threadCpuUsage();
      return (u.user + u.system) / 1000;
    },
  });
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures: number) => {
        const st = runner.stats ?? {};
        const result = { passes: st.passes ?? 0, failures, pending: st.pending ?? 0 };
        console.log('MOCHA_RESULT ' + JSON.stringify(result));
        const out = process.env.RLAB_HOST_RESULT;
        if (out) fs.writeFileSync(out, JSON.stringify(result));
        if (failures > 0) reject(new Error(`${failures} tests failed.`));
        else resolve();
      });
    } catch (err) {
      console.error(err);
      reject(err);
    }
  });
}
