/**
 * The loss chart under load: three runs of 100,000 steps each fed to the real
 * panel, then one keyboard zoom or pan step per frame. Shared by the panel
 * test (which asserts that every step redraws, without errors) and the panel
 * benchmark (which reports the frame times): timings are never asserted in a test.
 */
import type { Page } from 'playwright-core';

export interface ZoomFigures {
  steps: number;
  /** The headless compositor's own frame interval, for reference. */
  idleFrameMedianMs: number;
  frameMedianMs: number;
  frameP95Ms: number;
  /** Key press to the end of uPlot's redraw. */
  redrawMedianMs: number;
  redrawP95Ms: number;
  redrawMaxMs: number;
  /** The panel's own measure of one canvas draw (performance.measure 'rlab:loss-draw'). */
  canvasDrawMedianMs: number;
  draws: number;
  /** 100 more points appended to each run, re-smoothed and redrawn. */
  liveUpdateMs: number;
}

/** Sends three runs of `n` train points (and n/500 validation points); resolves with the ms until drawn. */
export function loadBigRuns(page: Page, n: number): Promise<number> {
  return page.evaluate(async (n) => {
    const send = (window as unknown as { __send: (m: unknown) => void }).__send;
    const t0 = performance.now();
    for (let r = 0; r < 3; r++) {
      send({ type: 'run', run: `big-${r}`, label: `big-${r}`, cell: ['rnn', 'lstm', 'gru'][r], tokenizer: 'char', status: 'done' });
      const train = new Float64Array(n * 4);
      const val = new Float64Array((n / 500) * 4);
      for (let i = 0; i < n; i++) {
        const loss = 4.2 * Math.exp(-i / (8000 * (r + 1))) + 1.2 + 0.15 * Math.sin(i * 0.37 + r) * Math.random();
        train.set([i + 1, (i + 1) * 512, (i + 1) * 0.01 * (r + 1), loss], i * 4);
        if (i % 500 === 499) val.set([i + 1, (i + 1) * 512, (i + 1) * 0.01 * (r + 1), loss + 0.1], ((i + 1) / 500 - 1) * 4);
      }
      send({ type: 'metrics', run: `big-${r}`, train, val });
    }
    await new Promise((ok) => {
      const wait = () => (document.querySelector('.loss-view .uplot') ? requestAnimationFrame(() => requestAnimationFrame(ok)) : setTimeout(wait, 10));
      wait();
    });
    return performance.now() - t0;
  }, n);
}

/** Zooms in 12 steps and out, pans 12 each way and resets, one key per frame; then appends live points. */
export function zoomAndPan(page: Page): Promise<ZoomFigures> {
  return page.evaluate(async () => {
    const box = document.querySelector<HTMLElement>('.loss-view .chart-box')!;
    box.focus();
    const raf = () => new Promise<number>((r) => requestAnimationFrame(r));
    performance.clearMeasures('rlab:loss-draw');
    const idle: number[] = [];
    let last = await raf();
    for (let i = 0; i < 20; i++) {
      const now = await raf();
      idle.push(now - last);
      last = now;
    }
    const frames: number[] = [];
    const work: number[] = [];
    last = await raf();
    const keys = [...Array(12).fill('+'), ...Array(12).fill('-'), ...Array(12).fill('ArrowRight'), ...Array(12).fill('ArrowLeft'), '0'];
    for (const key of keys) {
      const t0 = performance.now();
      box.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      await new Promise((r) => setTimeout(r, 0)); // uPlot redraws in a microtask: the whole redraw is done here
      work.push(performance.now() - t0);
      const now = await raf();
      frames.push(now - last);
      last = now;
    }
    const draws = performance.getEntriesByName('rlab:loss-draw').map((e) => e.duration);
    const send = (window as unknown as { __send: (m: unknown) => void }).__send;
    const t0 = performance.now();
    for (let r = 0; r < 3; r++) {
      const train = new Float64Array(400);
      for (let i = 0; i < 100; i++) train.set([100_001 + i, (100_001 + i) * 512, (100_001 + i) * 0.01, 1.3], i * 4);
      send({ type: 'metrics', run: `big-${r}`, train, val: [] });
    }
    await raf();
    await raf();
    const update = performance.now() - t0;
    const q = (xs: number[], p: number) => {
      const v = [...xs].sort((a, b) => a - b);
      return Math.round(v[Math.min(v.length - 1, Math.floor(p * v.length))] * 10) / 10;
    };
    return {
      steps: frames.length,
      idleFrameMedianMs: q(idle, 0.5),
      frameMedianMs: q(frames, 0.5),
      frameP95Ms: q(frames, 0.95),
      redrawMedianMs: q(work, 0.5),
      redrawP95Ms: q(work, 0.95),
      redrawMaxMs: q(work, 1),
      canvasDrawMedianMs: q(draws, 0.5),
      draws: draws.length,
      liveUpdateMs: Math.round(update),
    };
  });
}
