import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndServe, openSession, type Served, type Session } from './harness';

/**
 * Training on WebGPU through the bridge: in a cross-origin-isolated page, a
 * training worker gets the `webgpu` backend from createBackend — products run
 * on a GPU thread with gpu.js's asynchronous WebGPU kernels while the trainer
 * blocks on Atomics — and a whole LSTM training step matches the reference.
 * Chromium's SwiftShader adapter stands in for a GPU (--enable-unsafe-webgpu).
 */
describe('webgpu backend through the GPU thread bridge (headless Chromium)', () => {
  let served: Served;
  let session: Session;
  beforeAll(async () => {
    served = await buildAndServe({
      isolated: true,
      entries: { bridgePage: 'test/browser/entry/bridgePage.ts', bridgeTrainer: 'test/browser/entry/bridgeTrainer.ts', gpuThread: 'test/browser/entry/gpuThreadEntry.ts' },
    });
    session = await openSession(served.url.replace(/\/$/, '/bridge.html'), ['--no-sandbox', '--disable-gpu', '--enable-unsafe-webgpu', '--no-first-run', '--disable-dev-shm-usage']);
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await served?.close();
  });

  it('serves products and a full training step that agree with the reference', async () => {
    const r = (await session.page.evaluate(() => (globalThis as unknown as { rlabBridge: () => Promise<unknown> }).rlabBridge())) as Record<string, unknown>;
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.isolated).toBe(true);
    expect(r.chosen).toBe('webgpu');
    expect(r.productWorst as number).toBeLessThan(1e-4);
    expect(r.lossDiff as number).toBeLessThan(1e-4 * (r.loss as number));
    expect(r.gradWorst as number).toBeLessThan(1e-4);
    expect(r.grownWorst as number).toBeLessThan(1e-4);
    expect(session.consoleErrors).toEqual([]);
  }, 120_000);
});
