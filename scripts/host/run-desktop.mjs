// Runs the same host suite (dist/test/host/node/index.js) in desktop VS Code through
// @vscode/test-electron (2.5.2: the last release that runs on Node 20; 3.x needs Node 22).
// It downloads VS Code (RLAB_VSCODE_VERSION, default 'stable') into .vscode-test/ on first use,
// so it needs the network, and on Linux a display: `xvfb-run -a npm run test:desktop` headless.
// Not run by `npm test`. Exit code 0 only if every test passed; closing line
// `desktop-host: N passed, N failed`, counts also in test/artifacts/host-desktop.json.
import fs from 'node:fs';
import path from 'node:path';
import { finish, makeLog, requireBuilt, requireFromRoot, root, timeoutS, tmpBase, watchdog, writeWorkspace } from './common.mjs';

const require = requireFromRoot;
const { runTests } = require('@vscode/test-electron');
const log = makeLog('desktop-host');
watchdog('desktop-host', timeoutS + 600); // + the download on a first run
const testsPath = path.join(root, 'dist/test/host/node/index.js');
requireBuilt(testsPath);
requireBuilt(path.join(root, 'dist/extension.js'));

const tmp = tmpBase();
const workspace = writeWorkspace(path.join(tmp, 'workspace'));
const resultFile = path.join(tmp, 'mocha-result.json');
let exitCode = 1;
try {
  exitCode = await runTests({
    version: process.env.RLAB_VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: testsPath,
    extensionTestsEnv: { RLAB_HOST_RESULT: resultFile },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
      '--user-data-dir', path.join(tmp, 'userdata'), '--extensions-dir', path.join(tmp, 'extensions')],
  });
} catch (e) {
  log('ERROR ' + (e?.stack || e));
}
const mocha = fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : undefined;
if (exitCode === 0) fs.rmSync(tmp, { recursive: true, force: true });
else log(`logs kept in ${tmp}`);
process.exit(finish('desktop', mocha, exitCode));
