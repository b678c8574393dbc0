import * as vscode from 'vscode';
import { BACKEND_CHOICES, type BackendChoice } from '../core/backend/backend';
import { log } from './log';
import { modelName, modelString, type ModelStore } from './modelStore';

/** Commands that manage stored models and the backend setting. Each takes an argument object that skips its prompts. */
export function registerModelCommands(context: vscode.ExtensionContext, store: ModelStore, train: (args: Record<string, unknown>) => Promise<unknown>): void {
  const register = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  const fail = (e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    log().error(msg);
    void vscode.window.showErrorMessage(msg);
    return undefined;
  };

  /** The model named in args, else one the user picks (the active model first). */
  const pickModel = async (given: string | undefined, title: string): Promise<vscode.Uri | undefined> => {
    if (given) return store.resolve(given);
    const list = await store.list();
    if (list.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No stored models yet.'));
      return undefined;
    }
    const active = store.active;
    list.sort((a, b) => Number(b.model === active) - Number(a.model === active));
    const pick = await vscode.window.showQuickPick(
      list.map((m) => ({ label: m.name, description: `${m.cell} ${m.layers}×${m.hidden} · ${m.steps} ${vscode.l10n.t('steps')} · val ${m.valLoss?.toFixed(3) ?? '-'}`, detail: m.corpus, model: m.model })),
      { title },
    );
    return pick ? store.resolve(pick.model) : undefined;
  };

  register('recurrentLab.resume', async (args?: Record<string, unknown>) => {
    const uri = await pickModel(args?.model as string | undefined ?? store.active, vscode.l10n.t('Recurrent Lab: continue training which model?'));
    if (!uri) return undefined;
    return train({ ...args, resume: modelString(uri) });
  });

  register('recurrentLab.saveModelAs', async (args?: { model?: string; target?: string }) => {
    try {
      const uri = await pickModel(args?.model ?? store.active, vscode.l10n.t('Recurrent Lab: save which model?'));
      if (!uri) return undefined;
      const target = args?.target
        ? store.resolve(args.target)
        : await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? store.dir, uri.path.split('/').pop()!), filters: { safetensors: ['safetensors'] } });
      if (!target) return undefined;
      await store.read(uri);
      await vscode.workspace.fs.copy(uri, target, { overwrite: true });
      log().info(`saved ${modelString(uri)} as ${modelString(target)}`);
      return { model: modelString(target) };
    } catch (e) {
      return fail(e);
    }
  });

  register('recurrentLab.openModel', async (args?: { path?: string; activate?: boolean }) => {
    try {
      const source = args?.path
        ? store.resolve(args.path)
        : (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('Recurrent Lab models')]: ['safetensors'] }, title: vscode.l10n.t('Open a Recurrent Lab model') }))?.[0];
      if (!source) return undefined;
      const { bytes } = await store.load(source); // validates, with a message naming the fault
      const name = source.path.split('/').pop()!.replace(/\.safetensors$/i, '');
      const target = await store.importModel(source, name, bytes);
      if (args?.activate !== false) {
        await store.setActive(modelString(target));
      }
      log().info(`imported ${modelString(source)} as ${modelString(target)}`);
      return { model: modelString(target) };
    } catch (e) {
      return fail(e);
    }
  });

  register('recurrentLab.renameModel', async (args?: { model?: string; name?: string }) => {
    try {
      const uri = await pickModel(args?.model, vscode.l10n.t('Recurrent Lab: rename which model?'));
      if (!uri) return undefined;
      const old = modelName(uri.path);
      const name = args?.name ?? (await vscode.window.showInputBox({ title: vscode.l10n.t('New name'), value: old, validateInput: (v) => (/^[^\\/:*?"<>|]+$/.test(v) ? undefined : vscode.l10n.t('A name cannot contain \\ / : * ? " < > |')) }));
      if (!name) return undefined;
      const target = await store.rename(uri, name);
      if (store.active === modelString(uri)) {
        await store.setActive(modelString(target));
      }
      return { model: modelString(target) };
    } catch (e) {
      return fail(e);
    }
  });

  register('recurrentLab.deleteModel', async (args?: { model?: string; confirm?: boolean }) => {
    try {
      const uri = await pickModel(args?.model, vscode.l10n.t('Recurrent Lab: delete which model?'));
      if (!uri) return undefined;
      const name = uri.path.split('/').pop()!;
      if (args?.confirm !== true) {
        const yes = vscode.l10n.t('Delete');
        const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Delete the model {0}?', name), { modal: true }, yes);
        if (answer !== yes) return undefined;
      }
      await store.remove(uri);
      if (store.active === modelString(uri)) {
        await store.setActive(undefined);
      }
      return { deleted: modelString(uri) };
    } catch (e) {
      return fail(e);
    }
  });

  register('recurrentLab.selectBackend', async (args?: { backend?: BackendChoice }) => {
    let backend = args?.backend;
    if (backend !== undefined && !BACKEND_CHOICES.includes(backend)) return fail(new Error(vscode.l10n.t('Unknown backend {0}', String(backend))));
    if (!backend) {
      const pick = await vscode.window.showQuickPick(
        BACKEND_CHOICES.map((b) => ({ label: b, description: b === 'auto' ? vscode.l10n.t('measure and pick the fastest') : undefined })),
        { title: vscode.l10n.t('Recurrent Lab: compute backend for training') },
      );
      if (!pick) return undefined;
      backend = pick.label as BackendChoice;
    }
    await vscode.workspace.getConfiguration('recurrentLab').update('backend', backend, vscode.ConfigurationTarget.Global);
    return { backend };
  });
}
