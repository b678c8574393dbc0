/// <reference types="mocha" />
// The extension's public commands, driven inside a real VS Code extension host (web worker host
// under @vscode/test-web, Node host under code-server or desktop VS Code). Runs in that order;
// later tests use the model the first one trains.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { host } from './hostInfo';
import { EXT_ID, TEXT, WORKSPACE_FILE, TINY, sleep, exec, train, listModels, record, modelUri, vocabSize, openUntitled, within, type TrainResult, type ListedModel } from './util';

async function assertSavedAndListed(r: TrainResult, expect: { cell: string; hidden: number; layers: number; steps: number }): Promise<ListedModel> {
  const stat = await vscode.workspace.fs.stat(modelUri(r.model));
  assert.strictEqual(stat.type, vscode.FileType.File);
  assert.ok(stat.size > 1000, `model file is only ${stat.size} bytes`);
  const list = await listModels();
  const entry = list.find((m) => m.model === r.model);
  assert.ok(entry, `listModels lacks ${r.model}: ${JSON.stringify(list.map((m) => m.model))}`);
  assert.strictEqual(entry.cell, expect.cell);
  assert.strictEqual(entry.hidden, expect.hidden);
  assert.strictEqual(entry.layers, expect.layers);
  assert.strictEqual(entry.steps, expect.steps);
  return entry;
}

suite(`Recurrent Lab commands (${host.kind} extension host)`, () => {
  let trained: TrainResult | undefined;
  let vocab = 0;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, `extension ${EXT_ID} not found`);
    await ext.activate();
  });

  test('runs in the expected extension host', () => {
    const g = globalThis as { importScripts?: unknown; process?: { versions?: { node?: string } } };
    if (host.kind === 'web') assert.strictEqual(typeof g.importScripts, 'function', 'the web host is a Web Worker');
    else assert.ok(g.process?.versions?.node, 'the Node host has process.versions.node');
    record('HOST_ENV', { host: host.kind, appName: vscode.env.appName, version: vscode.version, uiKind: vscode.env.uiKind, remoteName: vscode.env.remoteName, node: g.process?.versions?.node });
  });

  test('train learns a workspace document and saves a listed model', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    const uri = vscode.Uri.joinPath(folder.uri, WORKSPACE_FILE);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.strictEqual(doc.getText(), TEXT, `${uri.toString()} does not hold the test text`);
    await vscode.window.showTextDocument(doc);
    const before = (await listModels()).length;

    const t0 = Date.now();
    const r = await within(train({ ...TINY }), 110_000, 'recurrentLab.train');
    record('TRAIN_RESULT', { ...r, ms: Date.now() - t0 });
    assert.ok(r, 'train resolved undefined (see the Recurrent Lab log)');
    assert.strictEqual(typeof r.model, 'string');
    assert.strictEqual(r.steps, 60);
    assert.ok(Number.isFinite(r.loss), `loss ${r.loss}`);
    assert.strictEqual(r.backend, 'cpu');

    vocab = vocabSize(await vscode.workspace.fs.readFile(modelUri(r.model)));
    assert.strictEqual(vocab, new Set(TEXT).size, 'a char model has one token per distinct character');
    assert.ok(typeof r.valLoss === 'number' && Number.isFinite(r.valLoss), `valLoss ${r.valLoss}`);
    assert.ok(r.valLoss < Math.log(vocab), `valLoss ${r.valLoss} is not below ln(${vocab}) = ${Math.log(vocab)}`);

    await assertSavedAndListed(r, { cell: 'lstm', hidden: 32, layers: 1, steps: 60 });
    assert.strictEqual((await listModels()).length, before + 1);
    trained = r;
  });

  test('sampleAtCursor inserts exactly the sampled text', async () => {
    assert.ok(trained, 'needs the trained model');
    const context = TEXT.slice(0, 400);
    const editor = await openUntitled(context);
    const r = await exec<{ text: string } | undefined>('recurrentLab.sampleAtCursor', { length: 40, seed: 1, temperature: 0 });
    assert.ok(r && typeof r.text === 'string', `sampleAtCursor returned ${JSON.stringify(r)}`);
    record('SAMPLE', r);
    assert.strictEqual([...r.text].length, 40, `${[...r.text].length} code points: ${JSON.stringify(r.text)}`);
    assert.strictEqual(editor.document.getText(), context + r.text);
  });

  test('selectModel refuses a corrupt file and keeps the active model', async () => {
    assert.ok(trained, 'needs the trained model');
    const sample = async () => {
      await openUntitled(TEXT.slice(0, 400));
      const r = await exec<{ text: string } | undefined>('recurrentLab.sampleAtCursor', { length: 30, seed: 7, temperature: 0 });
      assert.ok(r, 'sampleAtCursor returned undefined');
      return r.text;
    };
    const before = await sample();
    const listed = (await listModels()).length;

    // garbage beside the real models: a header length far past the end, then noise
    const trainedUri = modelUri(trained.model);
    const corrupt = vscode.Uri.joinPath(trainedUri, '..', `corrupt-${host.kind}.safetensors`);
    const garbage = new Uint8Array(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 17) & 0xff;
    await vscode.workspace.fs.writeFile(corrupt, garbage);
    try {
      // the same path form the commands use for the trained model
      const cut = Math.max(trained.model.lastIndexOf('/'), trained.model.lastIndexOf('\\')) + 1;
      const corruptModel = trained.model.slice(0, cut) + `corrupt-${host.kind}.safetensors`;
      const r = await exec<{ model: string } | undefined>('recurrentLab.selectModel', { model: corruptModel });
      assert.strictEqual(r, undefined, `selectModel accepted a corrupt file: ${JSON.stringify(r)}`);
      assert.strictEqual((await listModels()).length, listed, 'listModels should skip the damaged file');
      assert.strictEqual(await sample(), before, 'the active model changed');
      // and a good model is still selectable
      const ok = await exec<{ model: string } | undefined>('recurrentLab.selectModel', { model: trained.model });
      assert.deepStrictEqual(ok, { model: trained.model });
      assert.strictEqual(await sample(), before);
    } finally {
      await vscode.workspace.fs.delete(corrupt);
    }
  });

  test('stop ends a long run early and keeps the model', async () => {
    await openUntitled(TEXT);
    const run = train({ ...TINY, steps: 100_000, name: `host-stop-${host.kind}` });
    let settled = false;
    void run.then(() => (settled = true), () => (settled = true));
    await sleep(2000); // let the worker start and take some steps
    assert.strictEqual(settled, false, 'the long run ended by itself');
    const stopped = await exec<boolean>('recurrentLab.stop');
    assert.strictEqual(stopped, true, 'recurrentLab.stop found no run');
    const r = await within(run, 60_000, 'train after stop');
    record('STOP_RESULT', r);
    assert.ok(r, 'a stopped run must resolve with its result');
    assert.ok(r.steps > 0 && r.steps < 100_000, `steps ${r.steps}`);
    await assertSavedAndListed(r, { cell: 'lstm', hidden: 32, layers: 1, steps: r.steps });
    assert.strictEqual(await exec<boolean>('recurrentLab.stop'), false, 'stop with no run in progress');
  });

  test('an empty document is refused', async () => {
    const before = (await listModels()).length;
    await openUntitled('');
    assert.strictEqual(await within(train({ ...TINY, name: `host-empty-${host.kind}` }), 30_000, 'train'), undefined);
    assert.strictEqual((await listModels()).length, before, 'a model was added');
  });

  test('a document with NUL characters is refused', async () => {
    const before = (await listModels()).length;
    await openUntitled(TEXT.slice(0, 2000) + '\u0000\u0000binary\u0000' + TEXT.slice(2000, 4000));
    assert.strictEqual(await within(train({ ...TINY, name: `host-nul-${host.kind}` }), 30_000, 'train'), undefined);
    assert.strictEqual((await listModels()).length, before, 'a model was added');
  });

  test('absurd settings are refused and the host keeps working', async () => {
    const before = (await listModels()).length;
    await openUntitled(TEXT);
    assert.strictEqual(await within(train({ ...TINY, hidden: 100_000, name: `host-absurd-${host.kind}` }), 60_000, 'train'), undefined);
    assert.strictEqual((await listModels()).length, before, 'a model was added');
    const r = await within(train({ ...TINY, name: `host-after-absurd-${host.kind}` }), 110_000, 'train');
    assert.ok(r, 'a normal run after the refused one failed');
    assert.strictEqual(r.steps, 60);
    await assertSavedAndListed(r, { cell: 'lstm', hidden: 32, layers: 1, steps: 60 });
  });

  /**
   * One ~3 s timed run, timed from inside the host: setInterval every 10 ms and each tick's
   * lateness. On the Node host also this thread's CPU time per tick interval: a late tick that
   * used little CPU was waiting for a core (other processes on a busy machine), one that used a
   * lot was the host thread working. `busyMs` is the most CPU the host thread used in one interval.
   */
  async function timedRun(attempt: number) {
    await openUntitled(TEXT);
    const monitor = host.monitorEventLoopDelay?.();
    const cpu = host.threadCpuMs;
    const t0 = Date.now();
    const spikes: Array<[number, number, number?]> = []; // ticks over 20 ms late: [ms since start, lateness, host CPU ms in the interval]
    let maxLate = 0;
    let busyMs = 0;
    let ticks = 0;
    let lastCpu = cpu?.() ?? 0;
    let expected = t0 + 10;
    const timer = setInterval(() => {
      const now = Date.now();
      const late = Math.max(0, now - expected);
      const used = cpu ? cpu() - lastCpu : 0;
      lastCpu += used;
      maxLate = Math.max(maxLate, late);
      busyMs = Math.max(busyMs, used);
      if (late > 20) spikes.push(cpu ? [now - t0, late, Math.round(used)] : [now - t0, late]);
      expected = now + 10;
      ticks++;
    }, 10);
    let r: TrainResult | undefined;
    try {
      const { steps: _steps, ...timed } = TINY;
      r = await within(train({ ...timed, time: 3, name: `host-loop-${host.kind}` }), 60_000, 'train');
    } finally {
      clearInterval(timer);
    }
    const mon = monitor?.stop();
    const seconds = (Date.now() - t0) / 1000;
    const round = (x: number) => Math.round(x * 10) / 10;
    const m = {
      host: host.kind,
      attempt,
      maxLateMs: maxLate,
      hostBusyMs: cpu ? round(busyMs) : null,
      // monitorEventLoopDelay records each 10 ms timer's whole period: lateness = max - 10
      monitorLateMs: mon ? round(Math.max(0, mon.maxMs - 10)) : null,
      utilization: mon ? Math.round(mon.utilization * 1000) / 1000 : null,
      ticks,
      seconds,
      steps: r?.steps,
      spikes,
    };
    record('EVENT_LOOP_DELAY', m);
    assert.ok(r, 'the timed run failed');
    assert.ok(r.steps > 0);
    assert.ok(seconds >= 2.5, `the run took only ${seconds} s`);
    return m;
  }

  test('training keeps the extension host event loop responsive', async function () {
    this.timeout(200_000);
    if (host.kind !== 'node') {
      await timedRun(1); // reported, not asserted: the web host shares the page's process with the workbench
      return;
    }
    // The host thread itself must never work 50 ms at a stretch because of a run (every attempt);
    // the worst tick lateness must stay <= 50 ms in one of up to three runs, since another process
    // on a loaded 2-core machine can take the core from the host for a moment in any single run.
    const runs = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const m = await timedRun(attempt);
      runs.push(m);
      assert.ok(m.hostBusyMs! <= 50, `the host thread used ${m.hostBusyMs} ms of CPU within one 10 ms tick interval`);
      if (m.maxLateMs <= 50) break;
    }
    const best = Math.min(...runs.map((m) => m.maxLateMs));
    assert.ok(best <= 50, `worst setInterval lateness over 50 ms in all ${runs.length} runs: ${runs.map((m) => m.maxLateMs).join(', ')} ms`);
  });
});
