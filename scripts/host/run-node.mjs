// Runs test/host/suite (bundled to dist/test/host/node/index.js) inside a real VS Code NODE
// extension host: code-server 4.139.1 (VS Code 1.139.1) on Node 24 from npm, installed by
// setup-node.sh under ~/.cache/recurrent-lab (run here first; it skips what is installed). The
// extension loads through its `main` entry and trains in a worker_threads Worker. Headless
// /usr/bin/chromium (playwright-core) opens the workbench page, which starts the remote extension
// host; the URL payload names extensionDevelopmentPath + extensionTestsPath (honoured by a built
// workbench only with --enable-smoke-test-driver). Exit code 0 only if every test passed; closing
// line `node-host: N passed, N failed`.
// Env: RLAB_HOST_CACHE, CHROMIUM_PATH, RLAB_HOST_TIMEOUT_S (300), RLAB_NODE_PORT (a free one),
//      RLAB_HOST_VERBOSE=1 (all workbench/browser/server log lines; keeps the run folder).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromiumArgs, chromiumPath, finish, freePort, makeLog, requireBuilt, requireFromRoot, root, runWorkbench, timeoutS, tmpBase, verbose, watchdog, writeWorkspace } from './common.mjs';

const require = requireFromRoot;
const log = makeLog('node-host');
watchdog('node-host', timeoutS + 60);
const testsPath = path.join(root, 'dist/test/host/node/index.js');
requireBuilt(testsPath);
requireBuilt(path.join(root, 'dist/extension.js'));
requireBuilt(path.join(root, 'dist/worker.js'));

// one-time install (idempotent, quick when done); its env.sh names the paths used here
const setup = spawnSync('bash', [path.join(root, 'scripts/host/setup-node.sh')], { stdio: 'inherit' });
if (setup.status !== 0) {
  log(`setup-node.sh failed (exit ${setup.status})`);
  process.exit(finish('node', undefined, 1));
}
const env0 = spawnSync('bash', ['-c', `. "${path.join(root, 'scripts/host/env.sh')}" && env -0`], { encoding: 'utf8' });
const paths = Object.fromEntries(env0.stdout.split('\0').filter((l) => l.startsWith('RLAB_')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const node24 = path.join(paths.RLAB_NODE24_DIR, 'bin', 'node');
const entry = paths.RLAB_CODE_SERVER_ENTRY;

const { chromium } = require('playwright-core');
const port = await freePort(process.env.RLAB_NODE_PORT);
const runsDir = path.join(paths.RLAB_HOST_CACHE, 'runs');
const runDir = path.join(runsDir, new Date().toISOString().replace(/[:.]/g, '-'));
const dirs = Object.fromEntries(['userdata', 'extensions', 'xdg'].map((d) => [d, path.join(runDir, d)]));
Object.values(dirs).forEach((d) => fs.mkdirSync(d, { recursive: true }));
dirs.workspace = writeWorkspace(path.join(runDir, 'workspace'));
// User settings: no port auto-forwarding. In a remote host it makes the extension host itself poll
// /proc/net/tcp and spawn processes every few seconds, noise in the event-loop measurement.
fs.mkdirSync(path.join(dirs.userdata, 'User'), { recursive: true });
fs.writeFileSync(path.join(dirs.userdata, 'User', 'settings.json'), JSON.stringify({
  'remote.autoForwardPorts': false,
  'workbench.startupEditor': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
}, null, 2));
// TMPDIR must be short: chromium (SingletonSocket) and VS Code (vscode-ipc-*.sock) put unix sockets
// there (107-byte limit); a long one made chromium abort with "Socket path too long".
dirs.tmp = tmpBase();
const resultFile = path.join(runDir, 'mocha-result.json');
log(`code-server ${paths.RLAB_CODE_SERVER_VERSION} on ${node24}, port ${port}, run folder ${runDir}`);

const env = {
  ...process.env,
  PATH: `${path.dirname(node24)}:${process.env.PATH}`,
  TMPDIR: dirs.tmp,
  XDG_CONFIG_HOME: dirs.xdg, XDG_DATA_HOME: dirs.xdg, XDG_CACHE_HOME: dirs.xdg,
  RLAB_HOST_RESULT: resultFile, // the suite's index writes its counts here too
};
const serverArgs = [entry,
  '--user-data-dir', dirs.userdata, '--extensions-dir', dirs.extensions, '--config', path.join(runDir, 'config.yaml'),
  '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
  '--disable-getting-started-override', '--ignore-last-opened', '--log', 'info',
  '--vscode-option', 'enable-smoke-test-driver',
  dirs.workspace];
const serverLog = fs.createWriteStream(path.join(runDir, 'server.log'));
// detached: its own process group, so everything it started can be ended through its PID
const server = spawn(node24, serverArgs, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let serverOut = '';
const listening = new Promise((resolve, reject) => {
  const onData = (d) => {
    const s = d.toString();
    serverLog.write(s);
    if (verbose) process.stdout.write('[server] ' + s);
    if (!serverOut.includes('HTTP server listening on')) {
      serverOut += s;
      if (serverOut.includes('HTTP server listening on')) resolve();
    }
  };
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
  server.on('exit', (c) => reject(new Error(`code-server exited early (code ${c})\n${serverOut}`)));
  setTimeout(() => reject(new Error('code-server did not listen within 60 s')), 60_000).unref();
});

let browser;
let mocha;
let exitCode = 1;
try {
  await listening;
  log('code-server listening');
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs, timeout: 60_000, env: { ...process.env, TMPDIR: dirs.tmp } });
  log(`chromium ${browser.version()}`);
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(root)],
    ['extensionTestsPath', remote(testsPath)],
    ['skipWelcome', 'true'],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  exitCode = await runWorkbench(browser, url, { logFile: path.join(runDir, 'workbench.log'), dir: runDir, log, onResult: (r) => { mocha = r; } });
} catch (e) {
  log('ERROR ' + (e?.stack || e));
} finally {
  await browser?.close().catch(() => {});
  try { process.kill(server.pid, 'SIGTERM'); } catch {}
  await new Promise((r) => setTimeout(r, 2000));
  try { process.kill(-server.pid, 'SIGKILL'); } catch {} // whatever is left of the group started above
  fs.rmSync(dirs.tmp, { recursive: true, force: true });
}
if (!mocha && fs.existsSync(resultFile)) mocha = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
if (exitCode === 0 && !verbose) fs.rmSync(runDir, { recursive: true, force: true });
else log(`logs kept in ${runDir}`);
// keep only the five newest kept run folders
try {
  for (const old of fs.readdirSync(runsDir).sort().reverse().slice(5)) fs.rmSync(path.join(runsDir, old), { recursive: true, force: true });
} catch {}
process.exit(finish('node', mocha, exitCode));
