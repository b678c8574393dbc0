// Shared by run-web.mjs and run-node.mjs: paths, the test workspace, chromium flags, the
// automation hooks the workbench reports through, and the result file the test summary reads.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import util from 'node:util';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** require() resolving from the project's node_modules. */
export const requireFromRoot = createRequire(path.join(root, 'package.json'));
export const artifacts = path.join(root, 'test', 'artifacts');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const verbose = process.env.RLAB_HOST_VERBOSE === '1';
/** Whole-run limit (workbench start + suite), seconds. */
export const timeoutS = Number(process.env.RLAB_HOST_TIMEOUT_S || 300);

const t0 = Date.now();
export const elapsed = () => ((Date.now() - t0) / 1000).toFixed(1) + 's';
export const makeLog = (name) => (...a) => console.log(`[${name} ${elapsed()}]`, ...a);

// Keep chromium off the network; playwright adds --headless and a fresh temporary --user-data-dir.
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  ...(process.env.RLAB_CHROMIUM_ARGS ? process.env.RLAB_CHROMIUM_ARGS.split(' ').filter(Boolean) : []),
];

/** The suite's workspace document: the first 6,000 characters of the demo corpus (the suite bundles the same text). */
export function writeWorkspace(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const text = [...fs.readFileSync(path.join(root, 'media/sample/sonnets.txt'), 'utf8')].slice(0, 6000).join('');
  fs.writeFileSync(path.join(dir, 'sonnets.txt'), text);
  return dir;
}

export function requireBuilt(file) {
  if (!fs.existsSync(file)) {
    console.error(`${path.relative(root, file)} is missing: run \`node esbuild.js\` first`);
    process.exit(1);
  }
}

export function freePort(preferred) {
  if (preferred) return Promise.resolve(Number(preferred));
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Exposes window.codeAutomationLog / codeAutomationExit on the page (the hooks a workbench started
 * with extensionTestsPath reports through) and resolves with { code } when the host exits.
 * Extension-host console lines (mocha's spec reporter, the suite's records) are printed; the
 * workbench's own log lines (starting with '[') only with RLAB_HOST_VERBOSE=1 or when errors.
 */
export async function hookAutomation(page, { logFile, onResult }) {
  const out = fs.createWriteStream(logFile);
  let resolveDone;
  const done = new Promise((r) => { resolveDone = r; });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = util.format(...args);
    out.write(`[${type}] ${line}\n`);
    const m = /^MOCHA_RESULT (.*)$/.exec(line);
    if (m) onResult(JSON.parse(m[1]));
    if (verbose || !line.startsWith('[') || (type === 'error' && !/ENOTFOUND|ERR_NAME_NOT_RESOLVED|marketplace|gallery/i.test(line))) {
      console.log(`  ${line.length > 2000 ? line.slice(0, 2000) + '...' : line}`);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveDone({ code }));
  page.on('console', (m) => { out.write(`[browser:${m.type()}] ${m.text()}\n`); if (verbose) console.log(`[browser:${m.type()}] ${m.text()}`); });
  page.on('pageerror', (e) => out.write(`[pageerror] ${e.message}\n`));
  page.on('crash', () => resolveDone({ code: 1, crashed: true }));
  const timer = setTimeout(() => resolveDone({ code: 124, timeout: true }), timeoutS * 1000);
  return done.finally(() => clearTimeout(timer));
}

/**
 * Opens the workbench at `url` on a fresh page of `browser`, waits for the extension tests it
 * starts to exit (or time out, or crash the page: a screenshot then lands in `dir`) and returns
 * the host's exit code.
 */
export async function runWorkbench(browser, url, { logFile, dir, log, onResult }) {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  const done = hookAutomation(page, { logFile, onResult });
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  log('workbench page loaded');
  const result = await done;
  if (result.timeout) {
    log(`TIMEOUT: no result after ${timeoutS}s`);
    await page.screenshot({ path: path.join(dir, 'timeout.png') }).catch(() => {});
  }
  if (result.crashed) log('the page crashed');
  log(`extension host exit code ${result.code}`);
  return result.code;
}

/**
 * Writes test/artifacts/host-<name>.json ({ passed, failed, skipped, exitCode, seconds }) for
 * scripts/test-summary.mjs, prints the closing line and returns the process exit code.
 * A run that produced no mocha result counts as one failure.
 */
export function finish(name, mocha, exitCode, extra = {}) {
  const passed = mocha?.passes ?? 0;
  const failed = mocha ? mocha.failures + (exitCode !== 0 && mocha.failures === 0 ? 1 : 0) : 1;
  const skipped = mocha?.pending ?? 0;
  const ok = exitCode === 0 && mocha && mocha.failures === 0 && passed > 0;
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, `host-${name}.json`),
    JSON.stringify({ suite: `${name}-host`, passed, failed, skipped, exitCode, seconds: Number(elapsed().slice(0, -1)), ...extra }, null, 2) + '\n');
  console.log(`${name}-host: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return ok ? 0 : exitCode || 1;
}

/** A last resort: if cleanup itself hangs, leave anyway. */
export function watchdog(name, seconds) {
  setTimeout(() => {
    console.error(`[${name}] watchdog: still running after ${seconds}s, exiting`);
    process.exit(124);
  }, seconds * 1000).unref();
}

export const tmpBase = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rlab-host-'));
