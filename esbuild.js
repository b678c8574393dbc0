// Bundles every entry: the CLI, the desktop and web extension, the training worker and the webview.
// Flags: --watch rebuilds on change; --production minifies and drops source maps.
const esbuild = require('esbuild');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const pkg = require('./package.json');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  define: { RLAB_VERSION: JSON.stringify(pkg.version) },
  target: 'es2022',
};

// gpu.js is bundled; its optional native modules ('gl' for headless GL, the 'webgpu' Dawn binding) stay
// outside and are loaded only where they are installed, so the extension ships without node_modules.
const nodeExternal = ['vscode', 'gl', 'webgpu'];

const entries = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', external: nodeExternal },
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: nodeExternal },
  { entryPoints: ['src/node/trainWorker.ts'], outfile: 'dist/worker.js', platform: 'node', format: 'cjs', external: nodeExternal },
  { entryPoints: ['src/extension/web.ts'], outfile: 'dist/web/extension.js', platform: 'browser', format: 'cjs', external: ['vscode'] },
  { entryPoints: ['src/worker/webWorker.ts'], outfile: 'dist/web/worker.js', platform: 'browser', format: 'iife' },
  { entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife' },
  // Host test suites (extensionTestsPath modules; scripts/host/run-*.mjs). Not packaged (.vscodeignore).
  // Web: mocha's browser build and the `assert` polyfill bundled in; the polyfill needs a `process` stub.
  { entryPoints: ['test/host/suite/index.web.ts'], outfile: 'dist/test/host/web/index.js', platform: 'browser', format: 'cjs', external: ['vscode'],
    loader: { '.txt': 'text' }, inject: ['scripts/host/process-shim.js'], define: { ...common.define, global: 'globalThis' } },
  // Node (code-server's host, desktop VS Code): mocha is required at run time from node_modules.
  { entryPoints: ['test/host/suite/index.node.ts'], outfile: 'dist/test/host/node/index.js', platform: 'node', format: 'cjs', external: ['vscode', 'mocha'],
    loader: { '.txt': 'text' } },
].filter((e) => !production || !e.outfile.startsWith('dist/test/')); // a release carries no test suites

async function main() {
  const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    console.log(`watching ${entries.length} bundles`);
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
