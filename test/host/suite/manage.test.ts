/// <reference types="mocha" />
// Model management, fault handling and inline completions, driven through the real commands.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { createCpuBackend } from '../../../src/core/backend/cpu';
import { complete } from '../../../src/core/generate/complete';
import { decodeModelFile } from '../../../src/core/io/modelFile';
import { loadModel } from '../../../src/core/io/modelContents';
import { host } from './hostInfo';
import { exec, listModels, modelUri, openUntitled, record, sleep, TEXT, TINY, train, within, type TrainResult } from './util';

const names = async () => (await listModels()).map((m) => m.name);
const sibling = (model: string, name: string) => vscode.Uri.joinPath(modelUri(model), '..', '..', name);

suite(`Recurrent Lab model management (${host.kind} host)`, () => {
  let base: TrainResult;

  suiteSetup(async function () {
    this.timeout(120_000);
    await openUntitled(TEXT);
    const r = await within(train({ ...TINY, name: `manage-${host.kind}` }), 110_000, 'train');
    assert.ok(r, 'the base model failed to train');
    base = r;
  });

  test('resume continues the step count of the same model', async function () {
    this.timeout(120_000);
    await openUntitled(TEXT);
    const r = await within(exec<TrainResult | undefined>('recurrentLab.resume', { model: base.model, steps: 20, seq: 16, batch: 8, backend: 'cpu' }), 110_000, 'resume');
    assert.ok(r, 'resume failed');
    assert.strictEqual(r.steps, base.steps + 20);
    assert.strictEqual(r.model, base.model);
    base = r;
  });

  test('a training thread that dies mid-run: clear failure, nothing saved, the host keeps working', async function () {
    this.timeout(120_000);
    await openUntitled(TEXT);
    const name = `dies-${host.kind}`;
    const r = await within(train({ ...TINY, steps: 500, name, dieAtStep: 5 }), 110_000, 'train');
    assert.strictEqual(r, undefined);
    assert.ok(!(await names()).includes(name), 'a model of the dead run was saved');
    const again = await within(train({ ...TINY, steps: 10, name: `after-death-${host.kind}` }), 110_000, 'train');
    assert.ok(again && again.steps === 10, 'the next run failed');
  });

  test('a document over the size limit is refused; closing the document mid-run loses nothing', async function () {
    this.timeout(120_000);
    const cfg = vscode.workspace.getConfiguration('recurrentLab');
    await cfg.update('maxTrainingBytes', 2048, vscode.ConfigurationTarget.Global);
    try {
      await openUntitled(TEXT);
      assert.strictEqual(await within(train({ ...TINY, name: `too-large-${host.kind}` }), 60_000, 'train'), undefined);
      assert.ok(!(await names()).includes(`too-large-${host.kind}`));
    } finally {
      await cfg.update('maxTrainingBytes', undefined, vscode.ConfigurationTarget.Global);
    }
    // The text is read when the run starts: closing its editor does not disturb the run.
    await openUntitled(TEXT);
    const { steps: _steps, ...timed } = TINY;
    const run = train({ ...timed, time: 2, name: `closed-${host.kind}` });
    await sleep(300);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    const r = await within(run, 60_000, 'train');
    assert.ok(r && r.steps > 0, 'the run failed after its document was closed');
    assert.ok((await names()).includes(`closed-${host.kind}`));
  });

  test('save as, open (import), rename and delete', async function () {
    this.timeout(60_000);
    const target = sibling(base.model, `exported-${host.kind}.safetensors`);
    const saved = await exec<{ model: string } | undefined>('recurrentLab.saveModelAs', { model: base.model, target: target.toString() });
    assert.ok(saved);
    const [a, b] = await Promise.all([vscode.workspace.fs.readFile(modelUri(base.model)), vscode.workspace.fs.readFile(target)]);
    assert.deepStrictEqual(b, a, 'the exported file differs');

    const opened = await exec<{ model: string } | undefined>('recurrentLab.openModel', { path: target.toString(), activate: false });
    assert.ok(opened, 'open failed');
    assert.ok((await names()).some((n) => n.startsWith(`exported-${host.kind}`)));

    const renamed = await exec<{ model: string } | undefined>('recurrentLab.renameModel', { model: opened.model, name: `renamed-${host.kind}` });
    assert.ok(renamed);
    let list = await names();
    assert.ok(list.includes(`renamed-${host.kind}`) && !list.includes(opened.model.split(/[\\/]/).pop()!.replace('.safetensors', '')));

    const deleted = await exec<{ deleted: string } | undefined>('recurrentLab.deleteModel', { model: renamed.model, confirm: true });
    assert.ok(deleted);
    list = await names();
    assert.ok(!list.includes(`renamed-${host.kind}`), 'the deleted model is still listed');
  });

  test('opening a corrupt file is refused and changes nothing', async () => {
    const bad = sibling(base.model, `garbage-${host.kind}.safetensors`);
    await vscode.workspace.fs.writeFile(bad, new TextEncoder().encode('definitely not a model'));
    const before = await names();
    assert.strictEqual(await exec('recurrentLab.openModel', { path: bad.toString() }), undefined);
    assert.deepStrictEqual(await names(), before);
  });

  test('gpu.js WebGL2 trains in the web host (OffscreenCanvas in the worker); the Node host refuses it cleanly', async function () {
    this.timeout(180_000);
    await openUntitled(TEXT);
    const r = await within(train({ ...TINY, steps: 3, hidden: 16, name: `webgl2-${host.kind}`, backend: 'webgl2' }), 170_000, 'train');
    if (host.kind === 'web') {
      assert.ok(r, 'training on webgl2 failed in the web host');
      assert.strictEqual(r.backend, 'webgl2');
      assert.ok(Number.isFinite(r.loss));
    } else {
      assert.strictEqual(r, undefined, 'the Node host has no WebGL2, so the run must be refused');
    }
  });

  test('webgpu trains in a cross-origin-isolated web host; elsewhere it is refused with the reason', async function () {
    this.timeout(180_000);
    await openUntitled(TEXT);
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    const r = await within(train({ ...TINY, steps: 3, hidden: 16, name: `webgpu-${host.kind}`, backend: 'webgpu' }), 170_000, 'train');
    record('WEBGPU', { host: host.kind, isolated, backend: r?.backend ?? null, loss: r?.loss ?? null });
    if (host.kind === 'web' && isolated) {
      assert.ok(r, 'training on webgpu failed in the isolated web host');
      assert.strictEqual(r.backend, 'webgpu');
      assert.ok(Number.isFinite(r.loss));
    } else if (host.kind === 'web') {
      assert.strictEqual(r, undefined, 'without cross-origin isolation there is no SharedArrayBuffer for the GPU thread: the run must be refused');
    } else if (r) {
      // the Node host trains on webgpu only where the N-API Dawn binding loads (not on Debian 12)
      assert.strictEqual(r.backend, 'webgpu');
      assert.ok(Number.isFinite(r.loss));
    }
  });

  test('select backend and toggle completions return the new state', async () => {
    assert.deepStrictEqual(await exec('recurrentLab.selectBackend', { backend: 'reference' }), { backend: 'reference' });
    assert.strictEqual(vscode.workspace.getConfiguration('recurrentLab').get('backend'), 'reference');
    assert.deepStrictEqual(await exec('recurrentLab.selectBackend', { backend: 'auto' }), { backend: 'auto' });
    assert.deepStrictEqual(await exec('recurrentLab.toggleCompletions', { enabled: false }), { enabled: false });
    assert.deepStrictEqual(await exec('recurrentLab.toggleCompletions', { enabled: true }), { enabled: true });
  });

  test('an inline suggestion, committed in the editor, is exactly what rlab complete computes', async function () {
    this.timeout(60_000);
    await exec('recurrentLab.selectModel', { model: base.model });
    const cfg = vscode.workspace.getConfiguration('recurrentLab.completions');
    await cfg.update('minConfidence', 0, vscode.ConfigurationTarget.Global);
    try {
      const prefix = [...TEXT].slice(0, 200).join('');
      // The same computation `rlab complete MODEL --prefix PREFIX --min-confidence 0` runs.
      const contents = decodeModelFile(await vscode.workspace.fs.readFile(modelUri(base.model)));
      const { model, tokenizer } = loadModel(contents, await createCpuBackend({ threads: 1 }));
      const want = complete(model, tokenizer, prefix, { max: 32, minConfidence: 0, stopAtNewline: true }).completion;
      assert.ok(want.length > 0, 'the model proposes nothing here');
      const editor = await openUntitled(prefix);
      for (let attempt = 0; attempt < 30 && editor.document.getText() === prefix; attempt++) {
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await sleep(400);
        await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
        await sleep(100);
      }
      assert.strictEqual(editor.document.getText(), prefix + want);
    } finally {
      await cfg.update('minConfidence', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
