/**
 * The inspection panel's real bundle in real headless Chromium, fed host
 * messages recorded from real training runs (record.ts). Screenshots of every
 * view in dark and light themes go to test/artifacts/webview/.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonContrasts, CHROMIUM, colorPixels, inkPixels, open, serve, THEMES, type Served, type Session } from './harness';
import { loadBigRuns, zoomAndPan } from './bigRuns';
import { ARTIFACTS, record, type Fixture } from './record';

const VIEWS = ['loss', 'states', 'text', 'gates', 'gradient', 'unrolled', 'sample'] as const;

type Posted = Array<Record<string, unknown>>;

describe('inspection panel (real bundle, headless Chromium)', () => {
  let fx: Fixture;
  let served: Served;
  let s: Session;
  const shots: Record<string, string> = {};

  const posted = () => s.page.evaluate(() => (window as unknown as { __posted: Posted }).__posted);
  const csp = (x: Session) => x.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  const shot = async (x: Session, name: string) => {
    const path = join(ARTIFACTS, `${name}.png`);
    await x.page.screenshot({ path });
    shots[name] = path;
  };
  const tab = async (id: string) => {
    await s.page.click(`#tab-${id}`);
    await s.page.waitForSelector(`#view-${id}:not([hidden])`);
  };
  const frame = () => s.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: the webview tests need it. Install it with: apt-get install -y chromium`);
    fx = await record();
    served = await serve();
    s = await open(served.url, fx, { theme: 'dark', feed: 'live' });
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    await served?.close();
    writeFileSync(join(ARTIFACTS, 'screenshots.json'), JSON.stringify(shots, null, 2));
  });

  it('loads under its CSP, announces itself ready and draws the recorded runs live', async () => {
    const p = await posted();
    expect(p[0]).toEqual({ type: 'ready' });
    await s.page.waitForSelector('.loss-view .uplot canvas');
    await frame();
    expect(await s.page.locator('.loss-view .run').count()).toBe(3);
    // each run's curve is drawn in its theme colour
    expect(await colorPixels(s.page, '.loss-view canvas', THEMES.dark.vars['--vscode-charts-blue'])).toBeGreaterThan(200);
    expect(await colorPixels(s.page, '.loss-view canvas', THEMES.dark.vars['--vscode-charts-orange'])).toBeGreaterThan(200);
    expect(await colorPixels(s.page, '.loss-view canvas', THEMES.dark.vars['--vscode-charts-green'])).toBeGreaterThan(200);
    await expect(s.page.locator('.model-line').textContent()).resolves.toContain('sonnets-lstm');
    await shot(s, 'loss-dark');
    expect(await csp(s)).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  it('loss: hover readout, run toggles, log scale, x axis, keyboard zoom, CSV and PNG export', async () => {
    const page = s.page;
    const over = page.locator('.loss-view .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await frame();
    const values = await page.locator('.loss-view .u-legend .u-value').allTextContents();
    expect(values.filter((v) => /^\d/.test(v)).length).toBeGreaterThan(3); // x plus the series under the cursor
    // toggle the GRU run off by its name
    const green = () => colorPixels(page, '.loss-view canvas', THEMES.dark.vars['--vscode-charts-green']);
    expect(await green()).toBeGreaterThan(200);
    await page.getByLabel('Show run sonnets-gru').uncheck();
    await frame();
    expect(await green()).toBeLessThan(20);
    await page.getByLabel('Show run sonnets-gru').check();
    await frame();
    expect(await green()).toBeGreaterThan(200);
    // log scale redraws; the x axis switches between steps, characters seen and wall time
    const img = () => page.evaluate(() => document.querySelector<HTMLCanvasElement>('.loss-view canvas')!.toDataURL());
    const xLabel = () => page.locator('.loss-view .u-legend .u-series').first().locator('.u-label').textContent();
    const xValue = async () => {
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
      return page.locator('.loss-view .u-legend .u-series').first().locator('.u-value').textContent();
    };
    const linear = await img();
    await page.getByLabel('Log scale').check();
    await frame();
    expect(await img()).not.toEqual(linear);
    await page.getByLabel('Log scale').uncheck();
    const xSelect = page.getByLabel('X axis');
    await xSelect.selectOption('chars');
    await frame();
    expect(await xLabel()).toBe('characters seen');
    expect(await xValue()).toMatch(/^\d+(\.\d)?k$/);
    await xSelect.selectOption('time');
    await frame();
    expect(await xLabel()).toBe('wall time');
    expect(await xValue()).toMatch(/^\d+:\d\d$/);
    await xSelect.selectOption('step');
    await frame();
    expect(await xLabel()).toBe('step');
    // bpc: every run is a char model, so the unit can switch; values scale by 1/ln 2
    const firstTrain = async () => Number(await (await xValue(), page.locator('.loss-view .u-legend .u-series').nth(2).locator('.u-value').textContent()));
    const nats = await firstTrain();
    await page.getByLabel('Loss in').selectOption('bpc');
    await frame();
    expect((await firstTrain()) / nats).toBeCloseTo(1 / Math.LN2, 3);
    await page.getByLabel('Loss in').selectOption('nats');
    await frame();
    // keyboard zoom on the focused chart, 0 resets
    await page.focus('.loss-view .chart-box');
    const wide = await img();
    for (let i = 0; i < 4; i++) await page.keyboard.press('+');
    await frame();
    expect(await img()).not.toEqual(wide);
    await page.keyboard.press('0');
    await frame();
    expect(await img()).toEqual(wide);
    // exports go to the host
    await page.getByRole('button', { name: 'Export CSV' }).click();
    await page.getByRole('button', { name: 'Export PNG' }).click();
    await frame();
    const exports = (await posted()).filter((m) => m.type === 'export');
    const csv = exports.find((m) => m.kind === 'csv')!;
    const lines = String(csv.data).trim().split('\n');
    expect(lines[0]).toBe('run,split,step,chars,seconds,loss_nats');
    const stepEvents = fx.replay.filter((m) => m.type === 'metrics').reduce((n, m) => n + (m as { train: number[] }).train.length / 4 + (m as { val: number[] }).val.length / 4, 0);
    expect(lines.length - 1).toBe(stepEvents);
    expect(lines[1]).toMatch(/^sonnets-rnn,train,1,512,[\d.]+,[\d.]+$/);
    const png = exports.find((m) => m.kind === 'png')!;
    expect(String(png.data)).toMatch(/^data:image\/png;base64,/);
    expect(String(png.data).length).toBeGreaterThan(5000);
    expect(s.errors).toEqual([]);
  });

  it('hidden-state heatmap: draws units × steps, hover names unit, character and value, sorts, keyboard', async () => {
    const page = s.page;
    await tab('states');
    await page.getByRole('button', { name: 'Read editor text' }).click();
    await page.waitForSelector('.states-view canvas.heatmap');
    await frame();
    const req = (await posted()).find((m) => m.type === 'probe')!;
    expect(req.maxSteps).toBe(400);
    const ink = await inkPixels(page, '.states-view canvas.heatmap');
    const size = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('.states-view canvas.heatmap')!;
      return c.width * c.height;
    });
    expect(ink).toBeGreaterThan(size * 0.3);
    const canvas = (await page.locator('.states-view canvas.heatmap').boundingBox())!;
    await page.mouse.move(canvas.x + 40 + 30, canvas.y + 18 + 20);
    const tip = await page.locator('.states-view .tooltip').textContent();
    expect(tip).toMatch(/^unit \d+ · step \d+ · ".+" · h = -?\d\.\d{3}$/);
    await shot(s, 'states-dark');
    // quantities of an LSTM layer
    const qs = await page.locator('.states-view select').nth(1).locator('option').allTextContents();
    expect(qs.map((q) => q[0])).toEqual(['h', 'c', 'i', 'f', 'g', 'o']);
    await page.locator('.states-view select').nth(1).selectOption('f');
    await page.locator('.states-view select').nth(2).selectOption('variance');
    await frame();
    await page.mouse.move(canvas.x + 40 + 30, canvas.y + 18 + 1);
    const first = await page.locator('.states-view .tooltip').textContent();
    expect(first).toMatch(/^unit \d+ · .* f = /);
    // keyboard: move the cursor, Enter opens the unit over the text
    await page.focus('.states-view canvas.heatmap');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('.states-view .readout').textContent()).toMatch(/^unit \d+ · step 1 /);
    const unit = Number((await page.locator('.states-view .readout').textContent())!.match(/^unit (\d+)/)![1]);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#view-text:not([hidden])');
    expect(Number(await page.getByRole('spinbutton', { name: 'Unit', exact: true }).inputValue())).toBe(unit);
    await page.locator('.text-view select').nth(1).selectOption('h');
    // the quantity is shared: back on the heatmap, the keyboard cursor's readout names h, not f
    await tab('states');
    expect(await page.locator('.states-view .readout').textContent()).toMatch(/^unit \d+ · step 1 · ".+" · h = -?\d\.\d{3}$/);
    expect(s.errors).toEqual([]);
  });

  it('units over text: colours the text by a unit and finds the units most selective for a span', async () => {
    const page = s.page;
    await tab('text');
    const tokens = (fx.probe as { tokens: string[] }).tokens;
    expect(await page.locator('.quote .tok').count()).toBe(tokens.length);
    const colours = await page.locator('.quote .tok').evaluateAll((els) => new Set(els.map((e) => (e as HTMLElement).style.backgroundColor)).size);
    expect(colours).toBeGreaterThan(20);
    // select a word with the mouse
    const a = page.locator('.quote .tok[data-i="6"]');
    const b = page.locator('.quote .tok[data-i="12"]');
    const ba = (await a.boundingBox())!;
    const bb = (await b.boundingBox())!;
    await page.mouse.move(ba.x + 1, ba.y + ba.height / 2);
    await page.mouse.down();
    await page.mouse.move(bb.x + bb.width - 1, bb.y + bb.height / 2, { steps: 4 });
    await page.mouse.up();
    await frame();
    expect(await page.locator('.matches li').count()).toBe(10);
    expect(await page.locator('.quote .tok.in-span').count()).toBe(7);
    const top = page.locator('.matches li button').first();
    const topUnit = Number((await top.textContent())!.match(/\d+/)![0]);
    await top.click();
    expect(Number(await page.getByRole('spinbutton', { name: 'Unit', exact: true }).inputValue())).toBe(topUnit);
    await page.locator('.quote .tok[data-i="8"]').hover();
    expect(await page.locator('.text-view .readout').textContent()).toMatch(new RegExp(`^step 8 · ".+" · unit ${topUnit} h = `));
    await shot(s, 'text-dark');
    // keyboard: the span by its step fields
    await page.getByLabel('Span from step').fill('0');
    await page.getByLabel('Span from step').press('Enter');
    await page.getByLabel('to', { exact: true }).fill('4');
    await page.getByLabel('to', { exact: true }).press('Tab');
    await frame();
    expect(await page.locator('.quote .tok.in-span').count()).toBe(5);
    expect(s.errors).toEqual([]);
  });

  it('gates: a saturation scatter per layer with a hover readout', async () => {
    const page = s.page;
    await tab('gates');
    await page.waitForSelector('.gate-chart .uplot canvas');
    await frame();
    expect(await page.locator('.gate-chart').count()).toBe(1);
    const legend = await page.locator('.gate-chart .u-legend .u-label').allTextContents();
    expect(legend).toEqual(['i (input gate)', 'f (forget gate)', 'o (output gate)']);
    for (const c of ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green'] as const) {
      expect(await colorPixels(page, '.gate-chart canvas', THEMES.dark.vars[c])).toBeGreaterThan(30);
    }
    // hover onto a dot: find one from the plotted data
    const target = await page.evaluate(() => {
      const over = document.querySelector('.gate-chart .u-over')!.getBoundingClientRect();
      return { x: over.x, y: over.y, w: over.width, h: over.height };
    });
    let found = '';
    for (let gx = 0; gx <= 1 && !found; gx += 0.05) {
      for (let gy = 0; gy <= 1 && !found; gy += 0.05) {
        await page.mouse.move(target.x + gx * target.w, target.y + (1 - gy) * target.h);
        found = (await page.locator('.gates-view .readout').textContent()) ?? '';
      }
    }
    expect(found).toMatch(/^layer 1 · . \(.+\) · unit \d+: left-saturated \d\.\d\d, right-saturated \d\.\d\d$/);
    await shot(s, 'gates-dark');
    expect(s.errors).toEqual([]);
  });

  it('gradient flow: the active model and fresh RNN/LSTM/GRU, the RNN vanishing fastest', async () => {
    const page = s.page;
    await tab('gradient');
    await page.getByRole('button', { name: 'Compare RNN, LSTM, GRU' }).click();
    await page.waitForSelector('.gradient-view .uplot canvas');
    await frame();
    const req = (await posted()).find((m) => m.type === 'gradientFlow')!;
    expect(req).toMatchObject({ maxK: 64, compare: true });
    expect(await page.locator('.gradient-view .run').count()).toBe(4);
    expect(await colorPixels(page, '.gradient-view canvas', THEMES.dark.vars['--vscode-charts-red'])).toBeGreaterThan(100);
    expect(await colorPixels(page, '.gradient-view canvas', THEMES.dark.vars['--vscode-charts-blue'])).toBeGreaterThan(100);
    const series = (fx.gradientFlow as { series: Array<{ label: string; cell: string; fresh: boolean; norms: number[] }> }).series;
    const rel = (cell: string, k: number) => {
      const sr = series.find((x) => x.fresh && x.cell === cell)!;
      return sr.norms[k] / sr.norms[0];
    };
    expect(rel('rnn', 40)).toBeLessThan(rel('lstm', 40));
    expect(rel('rnn', 40)).toBeLessThan(rel('gru', 40));
    const box = (await page.locator('.gradient-view .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    const values = await page.locator('.gradient-view .u-legend .u-value').allTextContents();
    expect(values.filter((v) => /\d/.test(v)).length).toBe(5);
    await shot(s, 'gradient-dark');
    expect(s.errors).toEqual([]);
  });

  it('unrolled: each step shows its input, a hidden-state strip and the top predictions', async () => {
    const page = s.page;
    await tab('unrolled');
    await page.waitForSelector('.unrolled .step');
    expect(await page.locator('.unrolled .step').count()).toBe(8);
    expect(await page.locator('.unrolled .arrow').count()).toBe(7);
    expect(await page.locator('.unrolled .input-token').allTextContents()).toEqual([...' a summer'.slice(-8)].map((c) => (c === ' ' ? '␣' : c)));
    expect(await page.locator('.unrolled .step').first().locator('.probs li').count()).toBe(5);
    expect(await inkPixels(page, '.unrolled canvas.h-strip')).toBeGreaterThan(8 * 48 * 0.5);
    await page.locator('.unrolled canvas.h-strip').first().hover();
    expect(await page.locator('.unrolled-view .readout').textContent()).toMatch(/^step 1 "a" · layer 1 · unit \d+ = -?\d\.\d{3}$/);
    await shot(s, 'unrolled-dark');
    expect(s.errors).toEqual([]);
  });

  it('sampling: generate, step through with the top-10 at each step, insert into the editor', async () => {
    const page = s.page;
    await tab('sample');
    await page.getByLabel('Temperature').fill('0.8');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.waitForSelector('.sample-out .tok');
    const steps = (fx.sample as { steps: Array<{ token: string; top: unknown[] }> }).steps;
    expect(await page.locator('.sample-out .tok').count()).toBe(steps.length);
    expect(await page.locator('.sample-probs .probs li').count()).toBe(10);
    await page.getByRole('button', { name: 'First step' }).click();
    expect(await page.locator('.stepper output').textContent()).toBe(`step 1 of ${steps.length}`);
    await page.getByRole('button', { name: 'Next step' }).click();
    await page.focus('.sample-out');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('.stepper output').textContent()).toBe(`step 3 of ${steps.length}`);
    expect(await page.locator('.sample-probs .probs li.chosen').count()).toBe(steps[2].top.some((e) => (e as [string])[0] === steps[2].token) ? 1 : 0);
    expect(await page.locator('.sample-out .tok.future').count()).toBe(steps.length - 3);
    await shot(s, 'sample-dark');
    await page.getByRole('button', { name: 'Insert into editor' }).click();
    await frame();
    const ins = (await posted()).find((m) => m.type === 'insert')!;
    expect(ins.text).toBe(steps.map((x) => x.token).join(''));
    const req = (await posted()).find((m) => m.type === 'sample')!;
    expect(req).toMatchObject({ temperature: 0.8, topK: 0, topP: 1, length: 200, seed: 1 });
    expect(s.errors).toEqual([]);
  });

  it('ignores and logs messages of the wrong shape', async () => {
    const page = s.page;
    const before = (await posted()).length;
    await page.evaluate(() => {
      const send = (window as unknown as { __send: (m: unknown) => void }).__send;
      send({ type: 'metrics', run: 'sonnets-rnn', train: [1, 2, 3], val: [] });
      send({ type: 'probe', id: 9, text: 'x', source: 's', tokens: ['x'], probability: [], layers: [] });
      send({ type: 'nonsense' });
      send('hello');
      send({ type: 'run', run: 'evil', label: '<img src=x onerror=alert(1)>', cell: 'lstm', tokenizer: 'char', status: 'running' });
    });
    await frame();
    const logs = (await posted()).slice(before).filter((m) => m.type === 'log');
    expect(logs.length).toBe(4);
    expect(logs.every((m) => m.level === 'warn' && String(m.message).startsWith('ignored a malformed message'))).toBe(true);
    expect(s.warnings.filter((w) => w.includes('ignored a malformed message')).length).toBe(4);
    // a well-formed label is shown as text, never as HTML
    await tab('loss');
    expect(await page.locator('.run-label', { hasText: '<img src=x' }).count()).toBe(1);
    expect(await page.locator('.loss-view img').count()).toBe(0);
    expect(s.errors).toEqual([]);
    expect(await csp(s)).toEqual([]);
  });

  it('follows the theme: every view again in the light theme', async () => {
    const page = s.page;
    await page.evaluate(() => (window as unknown as { __setTheme: (t: string) => void }).__setTheme('light'));
    await frame();
    for (const v of VIEWS) {
      await tab(v);
      await frame();
      if (v === 'loss') expect(await colorPixels(page, '.loss-view canvas', THEMES.light.vars['--vscode-charts-blue'])).toBeGreaterThan(200);
      if (v === 'states') {
        const bgCorner = await page.evaluate(() => Array.from(document.querySelector<HTMLCanvasElement>('.states-view canvas.heatmap')!.getContext('2d')!.getImageData(1, 1, 1, 1).data));
        expect(bgCorner.slice(0, 3)).toEqual([255, 255, 255]);
      }
      expect(await buttonContrasts(page, `#view-${v}`, 4.5), v).toEqual([]); // WCAG 2 AA
      await shot(s, `${v}-light`);
    }
    await page.evaluate(() => (window as unknown as { __setTheme: (t: string) => void }).__setTheme('dark'));
    for (const v of VIEWS.filter((x) => !shots[`${x}-dark`])) {
      await tab(v);
      await frame();
      await shot(s, `${v}-dark`);
    }
    expect(s.errors).toEqual([]);
  });

  it('follows high contrast themes: outlines, firmer strokes, every view in HC dark and HC light', async () => {
    const page = s.page;
    const setTheme = (t: string) => page.evaluate((x) => (window as unknown as { __setTheme: (t: string) => void }).__setTheme(x), t);
    const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
    await tab('loss');
    await frame();
    const blue = (hex: string) => colorPixels(page, '.loss-view canvas', hex);
    const thin = await blue(THEMES.dark.vars['--vscode-charts-blue']);
    for (const [name, file] of [['hc', 'hc'], ['hcLight', 'hc-light']] as const) {
      const vars = THEMES[name].vars;
      await setTheme(name);
      await tab('loss');
      await frame();
      // the same curves, drawn twice as wide
      if (name === 'hc') expect(await blue(vars['--vscode-charts-blue'])).toBeGreaterThan(thin * 1.25);
      const selected = await page.evaluate(() => {
        const st = getComputedStyle(document.querySelector('.tab[aria-selected="true"]')!);
        return { color: st.outlineColor, style: st.outlineStyle, width: st.outlineWidth };
      });
      expect(selected).toEqual({ color: rgb(vars['--vscode-contrastActiveBorder']), style: 'solid', width: '1px' });
      const buttonBorder = await page.evaluate(() => getComputedStyle(document.querySelector('.loss-view .button')!).borderTopColor);
      expect(buttonBorder).toBe(rgb(vars['--vscode-contrastBorder']));
      for (const v of VIEWS) {
        await tab(v);
        await frame();
        if (v === 'states') {
          const corner = await page.evaluate(() => Array.from(document.querySelector<HTMLCanvasElement>('.states-view canvas.heatmap')!.getContext('2d')!.getImageData(1, 1, 1, 1).data));
          expect(corner.slice(0, 3)).toEqual(name === 'hc' ? [0, 0, 0] : [255, 255, 255]);
        }
        // WCAG 2 AAA for text in high contrast: 7:1 between every visible button's text and what is behind it
        expect(await buttonContrasts(page, `#view-${v}`), v).toEqual([]);
        await shot(s, `${v}-${file}`);
      }
    }
    await setTheme('dark');
    await tab('loss');
    await frame();
    expect(await blue(THEMES.dark.vars['--vscode-charts-blue'])).toBeLessThan(thin * 1.1);
    expect(s.errors).toEqual([]);
  });

  it('keyboard: tabs by arrow keys, every control reachable', async () => {
    const page = s.page;
    await page.focus('#tab-loss');
    await page.click('#tab-loss');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-states');
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-sample');
    await page.keyboard.press('Home');
    expect(await page.locator('#tab-loss').getAttribute('aria-selected')).toBe('true');
    // no clickable thing is out of the tab order
    const unreachable = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, select, textarea, [role="tab"]')].filter((e) => (e as HTMLElement).tabIndex < 0 && e.getAttribute('role') !== 'tab').length,
    );
    expect(unreachable).toBe(0);
  });

  it('keeps its state across a reload (settings, tab, gradient results, the probed span)', async () => {
    const page = s.page;
    await tab('loss');
    await page.getByLabel('Log scale').check();
    await page.locator('.loss-view input[type="range"]').fill('0.9');
    await tab('gradient');
    await page.waitForTimeout(200); // setState is debounced
    await page.reload();
    await page.waitForSelector('#view-gradient:not([hidden])');
    await page.waitForSelector('.gradient-view .uplot canvas');
    expect(await page.locator('.gradient-view .run').count()).toBe(4);
    await page.click('#tab-loss');
    expect(await page.getByLabel('Log scale').isChecked()).toBe(true);
    expect(await page.locator('.loss-view output').textContent()).toBe('0.90');
    // the probed text is read again after the reload
    const probes = (await posted()).filter((m) => m.type === 'probe');
    expect(probes.at(-1)!.text).toBe(fx.probeText);
    expect(s.errors).toEqual([]);
    expect(await csp(s)).toEqual([]);
  });

  it('speaks Japanese with the host\'s string table', async () => {
    const ja = await open(served.url, fx, { theme: 'dark', lang: 'ja', feed: 'replay' });
    try {
      await ja.page.waitForSelector('.loss-view .uplot canvas');
      const tabs = await ja.page.locator('.tabs [role="tab"]').allTextContents();
      expect(tabs).toEqual(['損失', '隠れ状態', 'テキスト上のユニット', 'ゲート', '勾配の流れ', '展開図', 'サンプリング']);
      expect(await ja.page.getByRole('button', { name: 'CSV を書き出す' }).count()).toBe(1);
      expect(await ja.page.evaluate(() => document.documentElement.lang)).toBe('ja');
      await shot(ja, 'loss-dark-ja');
      expect(ja.errors).toEqual([]);
    } finally {
      await ja.close();
    }
  });

  it('draws 100,000 points × 3 runs and redraws on every zoom and pan key', async () => {
    // Frame times are measured by `npm run bench:panel`, not asserted here.
    const perf = await open(served.url, fx, { theme: 'dark', feed: 'none' });
    try {
      await loadBigRuns(perf.page, 100_000);
      expect(await perf.page.locator('.loss-view .run').count()).toBe(3);
      expect(await inkPixels(perf.page, '.loss-view canvas')).toBeGreaterThan(2000);
      const m = await zoomAndPan(perf.page);
      expect(m.steps).toBe(49);
      expect(m.draws).toBeGreaterThan(20);
      await shot(perf, 'loss-100k-dark');
      expect(perf.errors).toEqual([]);
    } finally {
      await perf.close();
    }
  });
});
