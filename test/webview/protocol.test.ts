import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFromPanel, parseToPanel } from '../../src/protocol/panel';
import { PANEL_STRINGS } from '../../src/protocol/panelStrings';
import { RunHistory } from '../../src/extension/panelRuns';

const root = resolve(__dirname, '../..');

describe('panel protocol', () => {
  it('accepts well-formed messages both ways', () => {
    expect(parseFromPanel({ type: 'ready' })).toEqual({ ok: { type: 'ready' } });
    expect('ok' in parseFromPanel({ type: 'sample', id: 3, prompt: 'a', temperature: 0.8, topK: 0, topP: 1, length: 20, seed: 1 })).toBe(true);
    expect('ok' in parseFromPanel({ type: 'export', kind: 'csv', name: 'loss.csv', data: 'a,b\n' })).toBe(true);
    expect('ok' in parseToPanel({ type: 'metrics', run: 'r', train: new Float64Array(8), val: [] })).toBe(true);
    const grid = { steps: 2, H: 3, data: new Float32Array(6) };
    expect('ok' in parseToPanel({ type: 'probe', id: 1, text: 'ab', source: 's', tokens: ['a', 'b'], probability: [null, 0.5], layers: [{ h: grid }] })).toBe(true);
  });

  it('rejects wrong shapes with a reason', () => {
    const bad: unknown[] = [
      null,
      'ready',
      { type: 'nope' },
      { type: 'probe', id: -1, maxSteps: 10 },
      { type: 'probe', id: 1, maxSteps: 100_000 },
      { type: 'sample', id: 1, prompt: 'a', temperature: 9, topK: 0, topP: 1, length: 20, seed: 1 },
      { type: 'export', kind: 'csv', name: '../../etc/passwd', data: '' },
      { type: 'insert' },
    ];
    for (const m of bad) expect(parseFromPanel(m)).toHaveProperty('error');
    const badIn: unknown[] = [
      { type: 'metrics', run: 'r', train: [1, 2, 3], val: [] },
      { type: 'probe', id: 1, text: 'ab', source: 's', tokens: ['a', 'b'], probability: [0.5], layers: [] },
      { type: 'probe', id: 1, text: 'ab', source: 's', tokens: ['a', 'b'], probability: [0, 0], layers: [{ h: { steps: 2, H: 3, data: [1] } }] },
      { type: 'gradientFlow', id: 1, windows: 1, series: [{ label: 'x', cell: 'tcn', layer: 0, fresh: false, norms: [1] }] },
      { type: 'model', model: { name: 'm' } },
    ];
    for (const m of badIn) expect(parseToPanel(m)).toHaveProperty('error');
  });

  it('RunHistory batches points, names a retrained model apart and replays everything', () => {
    const h = new RunHistory();
    const started = h.add({ run: 'm', kind: 'started', settings: { cell: 'gru' }, source: { name: 'a.txt', files: [] } }, 0);
    expect(started).toEqual([{ type: 'run', run: 'm', label: 'm', cell: 'gru', tokenizer: 'char', status: 'running' }]);
    h.add({ run: 'm', kind: 'event', event: { event: 'step', step: 1, loss: 3, chars: 64, charsPerSec: 1, lr: 1, gradNorm: 1, epoch: 0 } }, 1000);
    h.add({ run: 'm', kind: 'event', event: { event: 'val', step: 1, valLoss: 3.5, bpc: 5, best: true } }, 2000);
    const p = h.pending();
    expect(p).toHaveLength(1);
    expect(Array.from((p[0] as { train: Float64Array }).train)).toEqual([1, 64, 1, 3]);
    expect(Array.from((p[0] as { val: Float64Array }).val)).toEqual([1, 64, 2, 3.5]);
    expect(h.pending()).toHaveLength(0);
    const fin = h.add({ run: 'm', kind: 'finished', model: null, reason: 'cancelled' }, 3000);
    expect(fin.at(-1)).toMatchObject({ type: 'run', status: 'cancelled' });
    h.add({ run: 'm', kind: 'started', settings: {}, source: { name: 'a.txt', files: [] } }, 4000);
    const replay = h.replay();
    expect(replay.filter((m) => m.type === 'run').map((m) => (m as { run: string }).run)).toEqual(['m', 'm (2)']);
  });

  it('every string the panel shows is in PANEL_STRINGS and translated to Japanese', () => {
    const ja = JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.ja.json'), 'utf8')) as Record<string, string>;
    const used = new Set<string>();
    for (const f of readdirSync(join(root, 'webview')).filter((x) => x.endsWith('.ts'))) {
      const src = readFileSync(join(root, 'webview', f), 'utf8');
      for (const m of src.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) used.add(m[1].replace(/\\'/g, "'"));
    }
    expect(used.size).toBeGreaterThan(100);
    for (const s of used) expect(PANEL_STRINGS, s).toContain(s);
    for (const s of PANEL_STRINGS) expect(ja[s], s).toBeTruthy();
    // the host's literal vscode.l10n.t table covers the same list
    const host = readFileSync(join(root, 'src/extension/panelStrings.ts'), 'utf8');
    const keys = [...host.matchAll(/^ {4}(".*"): vscode\.l10n\.t\(\1\),$/gm)].map((m) => JSON.parse(m[1]) as string);
    expect(keys).toEqual([...PANEL_STRINGS]);
  });
});
