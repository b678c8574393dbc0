/**
 * Node side of the browser tests: bundle the browser entries with esbuild's JS
 * API into a temp dir, serve them from a loopback http server, and drive
 * Debian's Chromium through playwright-core. No network beyond 127.0.0.1.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SuiteOptions, SuiteResult } from './entry/suite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The project's headless recipe, plus explicit SwiftShader for WebGL2. */
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];
export const WEBGPU_ARGS = [...BASE_ARGS, '--enable-unsafe-webgpu'];

/** Fails (never skips) when Chromium is absent: these tests are part of the suite. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the browser GPU parity tests need it. Install it with: apt-get install -y chromium`);
  }
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Bundle page.js and worker.js (plus index.html) into a fresh temp dir and serve it on 127.0.0.1. */
export async function buildAndServe(opts: { entries?: Record<string, string>; isolated?: boolean } = {}): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'rlab-browser-'));
  const root = resolve(__dirname, '../..');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: opts.entries ?? { page: 'test/browser/entry/page.ts', worker: 'test/browser/entry/worker.ts' },
    outdir: dir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    define: { RLAB_VERSION: JSON.stringify('test') },
    logLevel: 'silent',
  });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>rlab gpu parity</title><script src="page.js"></script>\n');
  writeFileSync(join(dir, 'bridge.html'), '<!doctype html><meta charset="utf-8"><title>rlab webgpu bridge</title><script src="bridgePage.js"></script>\n');
  const types: Record<string, string> = { html: 'text/html', js: 'text/javascript' };
  const server: Server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0].replace(/^\/+/, '') || 'index.html';
    if (!/^[\w.-]+$/.test(name) || !existsSync(join(dir, name))) {
      res.writeHead(404).end();
      return;
    }
    // Cross-origin isolation (COOP + COEP) is what gives pages and workers SharedArrayBuffer.
    const isolation = opts.isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
    res.writeHead(200, { 'content-type': types[name.split('.').pop()!] ?? 'application/octet-stream', 'cache-control': 'no-store', ...isolation });
    res.end(readFileSync(join(dir, name)));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Session {
  browser: Browser;
  page: Page;
  /** Console errors and page errors seen by Playwright (page and its workers). */
  consoleErrors: string[];
  inPage(opts: SuiteOptions): Promise<SuiteResult>;
  inWorker(opts: SuiteOptions): Promise<SuiteResult>;
  close(): Promise<void>;
}

export async function openSession(url: string, args: string[]): Promise<Session> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  try {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    // workers' console messages are their own event in Playwright; a duplicate of a page report does no harm
    page.on('worker', (w) =>
      w.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(`worker: ${m.text()}`);
      }),
    );
    // anything but loopback is a bug in the harness: refuse it
    await page.route(/^(?!http:\/\/127\.0\.0\.1[:/]).*/, (r) => r.abort());
    await page.goto(url);
    type Api = { inPage(o: SuiteOptions): Promise<SuiteResult>; inWorker(o: SuiteOptions): Promise<SuiteResult> };
    return {
      browser,
      page,
      consoleErrors,
      inPage: (opts) => page.evaluate((o) => (globalThis as unknown as { rlab: Api }).rlab.inPage(o), opts),
      inWorker: (opts) => page.evaluate((o) => (globalThis as unknown as { rlab: Api }).rlab.inWorker(o), opts),
      close: () => browser.close(),
    };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
