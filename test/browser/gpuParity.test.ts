/**
 * Browser GPU parity: gpu.js WebGL2 (sync Backend) and gpu.js WebGPU (async
 * products, src/core/backend/gpujsAsync.ts) against the ReferenceBackend, in
 * headless Chromium on SwiftShader, both in the page and in a dedicated Worker
 * (WebGL2 there through OffscreenCanvas). Plus: a small LSTM trained 3 steps
 * on webgl2 vs the reference, no console errors, and the GFLOP/s of both
 * engines on the selection probe's shape (printed, for the auto-selection story).
 *
 * The comparisons run in the browser, next to the data (test/browser/entry/
 * suite.ts, where the tolerances are explained); this file asserts on the
 * summaries. Every case is a test of its own, named the same on both sides.
 *
 * Needs Debian's Chromium (/usr/bin/chromium, or $CHROMIUM_PATH); fails, not
 * skips, without it.
 *
 * Run: npx vitest run test/browser (RLAB_SKIP_BUILD=1 skips building the
 * extension bundle first: these tests bundle what they need themselves).
 * RLAB_BROWSER_RESULTS=<file> also writes the raw browser results as JSON.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTS, SHAPES, type SuiteResult } from './entry/suite';
import { BASE_ARGS, WEBGPU_ARGS, buildAndServe, openSession, requireChromium, type Served, type Session } from './harness';

interface EngineRun {
  page: SuiteResult;
  worker: SuiteResult;
  /** Timing run in the page, alone (the two browsers' parity runs overlap; timings must not). */
  bench?: SuiteResult;
  session: Session;
}

const runs: { webgl2?: EngineRun; webgpu?: EngineRun } = {};
let served: Served | undefined;
const sessions: Session[] = [];

async function runEngine(engine: 'webgl2' | 'webgpu'): Promise<EngineRun> {
  // WebGL2 runs in a browser without --enable-unsafe-webgpu, as a user's would
  const s = await openSession(served!.url, engine === 'webgpu' ? WEBGPU_ARGS : BASE_ARGS);
  sessions.push(s);
  const page = await s.inPage({ engine, model: engine === 'webgl2' });
  const worker = await s.inWorker({ engine });
  return { page, worker, session: s };
}

/**
 * Set when the setup failed (no Chromium, bundle error, browser crash). The
 * hook itself does not throw, because vitest would then report every test as
 * skipped; instead each test rethrows this, so they all FAIL with the reason.
 */
let setupError: Error | undefined;

beforeAll(async () => {
  try {
    await setup();
  } catch (e) {
    setupError = e instanceof Error ? e : new Error(String(e));
  }
}, 120_000);

async function setup(): Promise<void> {
  requireChromium();
  served = await buildAndServe();
  // two browsers side by side: each engine's suite is independent
  const [gl, gpu] = await Promise.all([runEngine('webgl2'), runEngine('webgpu')]);
  runs.webgl2 = gl;
  runs.webgpu = gpu;
  // timings one at a time, each browser alone on the CPU (SwiftShader is a CPU renderer)
  gl.bench = await gl.session.inPage({ engine: 'webgl2', parity: false, bench: true });
  gpu.bench = await gpu.session.inPage({ engine: 'webgpu', parity: false, bench: true });
  const jsBaseline = await gl.session.inPage({ engine: 'reference', parity: false, bench: true });
  const line = (r: SuiteResult | undefined) =>
    r?.bench ? `${r.engine} (${r.info}): ${r.bench.shape} best ${r.bench.bestMs.toFixed(2)} ms over ${r.bench.runs} runs = ${r.bench.gflops.toFixed(2)} GFLOP/s` : `${r?.engine}: no timing (${r?.unavailable ?? 'not run'})`;
  if (process.env.RLAB_BROWSER_RESULTS) {
    const plain = (r: EngineRun) => ({ page: r.page, worker: r.worker, bench: r.bench, consoleErrors: r.session.consoleErrors });
    writeFileSync(process.env.RLAB_BROWSER_RESULTS, JSON.stringify({ webgl2: plain(gl), webgpu: plain(gpu), reference: jsBaseline }, null, 1));
  }
  console.log(`[browser timings, in the page]\n  ${line(gl.bench)}\n  ${line(gpu.bench)}\n  ${line(jsBaseline)}`);
}

afterAll(async () => {
  for (const s of sessions) await s.close().catch(() => undefined);
  await served?.close();
});

function need(engine: 'webgl2' | 'webgpu'): EngineRun {
  if (setupError) throw setupError;
  const r = runs[engine];
  if (!r) throw new Error(`${engine}: the browser run did not complete`);
  return r;
}

function get(engine: 'webgl2' | 'webgpu', where: 'page' | 'worker'): SuiteResult {
  return need(engine)[where];
}

it('Chromium is installed and both browser runs completed', () => {
  if (setupError) throw setupError;
  expect(runs.webgl2 && runs.webgpu).toBeTruthy();
});

for (const engine of ['webgl2', 'webgpu'] as const) {
  for (const where of ['page', 'worker'] as const) {
    describe(`gpu.js ${engine} in the ${where} vs ReferenceBackend`, () => {
      it('is available', () => {
        const r = get(engine, where);
        expect(r.unavailable, `${engine} could not be created in the ${where}`).toBeNull();
      });

      for (const p of PRODUCTS)
        for (const s of SHAPES)
          it(`${p} ${s.label}: overwrite, accumulate and views within 1e-4·Σ|a||b|`, () => {
            const r = get(engine, where);
            expect(r.unavailable).toBeNull();
            const c = r.cases.find((x) => x.name === `${p} ${s.label}`);
            expect(c, 'case missing from the browser results').toBeDefined();
            expect(c!.ok, c!.detail).toBe(true);
            expect(c!.worst).toBeLessThanOrEqual(1);
          });

      it('logged no errors (console.error, uncaught errors, backend fallbacks)', () => {
        expect(get(engine, where).errors).toEqual([]);
      });
    });
  }
}

describe('LSTM training in the page: webgl2 vs ReferenceBackend', () => {
  it('V=20 E=8 H=16 T=6 B=3, 3 SGD steps: same losses and gradients', () => {
    const m = get('webgl2', 'page').model;
    expect(m, 'model check did not run').toBeDefined();
    expect(m!.ok, m!.detail).toBe(true);
    expect(m!.losses.gpu).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(Math.abs(m!.losses.gpu[i] - m!.losses.ref[i])).toBeLessThanOrEqual(1e-4 * Math.abs(m!.losses.ref[i]));
  });
});

describe('Chromium console', () => {
  for (const engine of ['webgl2', 'webgpu'] as const)
    it(`no console errors in the ${engine} browser's page (Playwright's view, workers included)`, () => {
      expect(need(engine).session.consoleErrors).toEqual([]);
    });
});

describe('timings (64x1024x256 NT in the page)', () => {
  for (const engine of ['webgl2', 'webgpu'] as const)
    it(`${engine} produced a positive GFLOP/s figure`, () => {
      const r = need(engine).bench;
      expect(r?.unavailable ?? null).toBeNull();
      expect(r?.errors).toEqual([]);
      const b = r?.bench;
      expect(b, `${engine}: no timing`).toBeDefined();
      expect(b!.gflops).toBeGreaterThan(0);
    });
});
