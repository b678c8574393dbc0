/// <reference types="mocha" />
// The inspection panel in the real workbench: opened during a training run, it plots the run's
// loss as it arrives and draws the hidden-state heatmap of the trained model.
import * as assert from 'assert';
import { host } from './hostInfo';
import { exec, openUntitled, sleep, TEXT, TINY, train, within } from './util';

interface PanelStatus {
  open: boolean;
  visible: boolean;
  drawn: { loss?: number; states?: number };
}

async function until(what: string, ms: number, ok: (s: PanelStatus) => boolean): Promise<PanelStatus> {
  const end = Date.now() + ms;
  let s = await exec<PanelStatus>('recurrentLab.panelStatus');
  while (!ok(s)) {
    if (Date.now() > end) assert.fail(`${what}: panel status ${JSON.stringify(s)}`);
    await sleep(200);
    s = await exec<PanelStatus>('recurrentLab.panelStatus');
  }
  return s;
}

suite(`Recurrent Lab inspection panel (${host.kind} host)`, () => {
  test('receives loss points while a run trains, then draws the heatmap of the trained model', async function () {
    this.timeout(180_000);
    // The document first, then the panel beside it: both stay visible while the run trains.
    const editor = await openUntitled(TEXT);
    await exec('recurrentLab.showPanel');
    await until('panel visible', 20_000, (s) => s.open && s.visible);
    // A timed run, so points keep arriving for a while on any machine.
    const { steps: _steps, ...timed } = TINY;
    const run = train({ ...timed, time: 4, name: `panel-${host.kind}`, uri: editor.document.uri.toString() });
    // Live: loss points reach the chart before the run ends.
    const during = await until('loss points during training', 60_000, (s) => (s.drawn.loss ?? 0) > 0);
    const r = await within(run, 170_000, 'train');
    assert.ok(r, 'the run failed');
    const after = await until('all loss points', 20_000, (s) => (s.drawn.loss ?? 0) > (during.drawn.loss ?? 0));
    console.log(`PANEL_LOSS ${JSON.stringify({ during: during.drawn.loss, after: after.drawn.loss, steps: r.steps })}`);
    // The heatmap reads the editor's visible text through the new model.
    await exec('recurrentLab.showPanel', { tab: 'states' });
    const drawn = await until('heatmap cells', 60_000, (s) => (s.drawn.states ?? 0) > 0);
    assert.ok(drawn.drawn.states! >= 32, `only ${drawn.drawn.states} cells`);
  });
});
