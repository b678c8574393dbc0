import * as vscode from 'vscode';
import { Generator } from '../core/generate/generator';
import { ModelFileError } from '../core/io/errors';
import { CompletionProvider } from './completionProvider';
import { HostModel, noModelMessage } from './hostModel';
import { log } from './log';
import { registerModelCommands } from './modelCommands';
import { registerPanel } from './panel';
import { ModelStore, modelName, modelString, type ModelEntry } from './modelStore';
import { StatusBar } from './statusBar';
import { isTraining, stopTraining, trainCommand, type TrainArgs } from './trainCommand';
import type { ThreadFactory } from './workerHost';

/** Everything both hosts share: commands, model store, status bar. Only the training thread differs. */
export function activateWith(context: vscode.ExtensionContext, startThread: ThreadFactory) {
  const store = new ModelStore(context);
  const status = new StatusBar();
  const host = new HostModel(store);
  const sync = () => void vscode.commands.executeCommand('setContext', 'recurrentLab.training', isTraining());
  const showActive = () => status.idle(store.active && modelName(store.active));
  showActive();
  context.subscriptions.push(status, store.onDidChangeActive(showActive));

  const register = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  const completions = new CompletionProvider(host, context.workspaceState);
  context.subscriptions.push(vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, completions));
  const showCompletionState = () => status.completions(completions.toggled && vscode.workspace.getConfiguration('recurrentLab.completions').get<boolean>('enabled', true));
  showCompletionState();
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('recurrentLab.completions') && showCompletionState()));
  register('recurrentLab.toggleCompletions', async (args?: { enabled?: boolean }) => {
    const enabled = typeof args?.enabled === 'boolean' ? args.enabled : !completions.toggled;
    await completions.setToggled(enabled);
    showCompletionState();
    return { enabled };
  });
  register('recurrentLab.completionStats', () => ({ calls: completions.calls, lastMs: completions.lastMs }));

  const train = async (args: TrainArgs | undefined) => {
    const run = trainCommand(args, store, status, startThread);
    setTimeout(sync, 0);
    try {
      return await run;
    } finally {
      sync();
    }
  };
  register('recurrentLab.train', (args?: TrainArgs) => train(args));
  register('recurrentLab.trainSelection', (args?: TrainArgs) => train({ ...args, source: 'selection' }));
  register('recurrentLab.trainGlob', (args?: TrainArgs) => train({ ...args, source: 'glob' }));
  register('recurrentLab.stop', () => stopTraining());
  registerModelCommands(context, store, (args) => train(args as TrainArgs));
  register('recurrentLab.showLog', () => log().show());
  registerPanel(context, host, store, startThread);
  register('recurrentLab.listModels', async (): Promise<Array<Omit<ModelEntry, 'bytes' | 'corpus'>>> => {
    const list = await store.list();
    return list.map(({ model, name, cell, layers, hidden, steps, valLoss }) => ({ model, name, cell, layers, hidden, steps, valLoss }));
  });
  register('recurrentLab.selectModel', async (args?: { model?: string }) => {
    let model = args?.model;
    if (!model) {
      const list = await store.list();
      if (list.length === 0) {
        void vscode.window.showInformationMessage(noModelMessage());
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        list.map((m) => ({ label: m.name, description: `${m.cell} ${m.layers}×${m.hidden} · ${m.steps} ${vscode.l10n.t('steps')} · val ${m.valLoss?.toFixed(3) ?? '-'}`, model: m.model })),
        { title: vscode.l10n.t('Recurrent Lab: select the active model') },
      );
      if (!pick) return undefined;
      model = pick.model;
    }
    const uri = store.resolve(model);
    try {
      await store.read(uri);
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof ModelFileError ? e.message : String(e));
      return undefined;
    }
    const path = modelString(uri);
    await store.setActive(path);
    return { model: path };
  });
  register('recurrentLab.sampleAtCursor', async (args?: { length?: number; temperature?: number; seed?: number }) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    let loaded;
    try {
      loaded = await host.get();
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
      return undefined;
    }
    if (!loaded) {
      void vscode.window.showInformationMessage(noModelMessage());
      return undefined;
    }
    const cfg = vscode.workspace.getConfiguration('recurrentLab');
    const length = args?.length ?? cfg.get<number>('sample.length', 200);
    const temperature = args?.temperature ?? cfg.get<number>('sample.temperature', 0.8);
    const gen = new Generator(loaded.model, loaded.tokenizer);
    const pos = editor.selection.active;
    const before = editor.document.getText(new vscode.Range(new vscode.Position(Math.max(0, pos.line - 50), 0), pos));
    gen.feedText(before.slice(-2000));
    const text = gen.generate(Math.max(0, Math.min(10000, length)), { temperature: Math.max(0, temperature), topK: 0, topP: 1 }, args?.seed ?? Date.now() % 2 ** 31);
    await editor.edit((b) => b.insert(pos, text));
    return { text };
  });
  sync();
}
