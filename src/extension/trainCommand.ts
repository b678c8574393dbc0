import * as vscode from 'vscode';
import type { BackendChoice } from '../core/backend/backend';
import { PRESETS, type PresetName } from '../core/train/presets';
import type { TrainResult } from '../core/train/trainer';
import { parseFromWorker } from '../protocol/worker';
import { log } from './log';
import { runEvents } from './runEvents';
import { modelName, modelString, type ModelStore } from './modelStore';
import type { StatusBar } from './statusBar';
import type { ThreadFactory, TrainingThread } from './workerHost';

/** The argument object of recurrentLab.train (all optional; any given field skips its prompt). */
export interface TrainArgs {
  source?: 'document' | 'selection' | 'glob';
  glob?: string;
  uri?: string;
  preset?: PresetName;
  cell?: string;
  layers?: number;
  hidden?: number;
  embed?: number;
  seq?: number;
  batch?: number;
  lr?: number;
  steps?: number;
  time?: number;
  seed?: number;
  backend?: BackendChoice;
  name?: string;
  /** Continue training this model (path or stored name) instead of starting a new one. */
  resume?: string;
  /** Test hook: the training thread dies when it reaches this step. */
  dieAtStep?: number;
}

export interface TrainCommandResult {
  model: string;
  steps: number;
  loss: number;
  valLoss: number | null;
  backend: string;
}

const SETTING_FIELDS = ['cell', 'layers', 'hidden', 'embed', 'seq', 'batch', 'lr', 'steps', 'time', 'seed'] as const;

/** The one run in progress, so `recurrentLab.stop` can reach it. */
let current: { stop(): void } | undefined;

export function stopTraining(): boolean {
  if (!current) return false;
  current.stop();
  return true;
}

export const isTraining = (): boolean => current !== undefined;

export class UserError extends Error {}

/** Gathers the text to learn from, refusing empty, binary and oversized input with a message that says which. */
async function gatherText(args: TrainArgs): Promise<{ text: string; name: string; files: string[] }> {
  const source = args.source ?? 'document';
  const maxBytes = vscode.workspace.getConfiguration('recurrentLab').get<number>('maxTrainingBytes', 64 * 1024 * 1024);
  let text: string;
  let name: string;
  let files: string[];
  if (source === 'glob') {
    const pattern = args.glob ?? (await vscode.window.showInputBox({ prompt: vscode.l10n.t('Files to train on (glob)'), value: '**/*.txt' }));
    if (!pattern) throw new UserError(vscode.l10n.t('No glob given.'));
    const uris = await vscode.workspace.findFiles(pattern, undefined, 10000);
    if (uris.length === 0) throw new UserError(vscode.l10n.t('No files match {0}.', pattern));
    const parts: string[] = [];
    let bytes = 0;
    for (const u of uris) {
      const data = await vscode.workspace.fs.readFile(u);
      bytes += data.length;
      if (bytes > maxBytes) throw new UserError(vscode.l10n.t('The files matching {0} are larger than {1} MB (setting recurrentLab.maxTrainingBytes).', pattern, Math.round(maxBytes / 2 ** 20)));
      if (data.includes(0)) continue;
      parts.push(new TextDecoder().decode(data));
    }
    if (!args.glob) {
      const go = await vscode.window.showInformationMessage(vscode.l10n.t('Train on {0} files ({1} KB)?', parts.length, Math.round(bytes / 1024)), vscode.l10n.t('Train'));
      if (!go) throw new UserError('');
    }
    text = parts.join('\n');
    name = pattern.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'files';
    files = uris.map((u) => vscode.workspace.asRelativePath(u));
  } else {
    let doc: vscode.TextDocument | undefined;
    let range: vscode.Range | undefined;
    if (args.uri) doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
    else {
      const editor = vscode.window.activeTextEditor;
      if (!editor) throw new UserError(vscode.l10n.t('Open a text document to train on.'));
      doc = editor.document;
      if (source === 'selection') {
        if (editor.selection.isEmpty) throw new UserError(vscode.l10n.t('Select some text to train on.'));
        range = editor.selection;
      }
    }
    text = doc.getText(range);
    name = doc.uri.path.split('/').pop()?.replace(/\.[^.]*$/, '') || 'untitled';
    files = [vscode.workspace.asRelativePath(doc.uri)];
  }
  if (text.trim().length === 0) throw new UserError(vscode.l10n.t('The text is empty: there is nothing to learn from.'));
  if (text.includes('\u0000')) throw new UserError(vscode.l10n.t('This looks like a binary file (it contains NUL characters). Train on text.'));
  if (text.length * 2 > maxBytes) throw new UserError(vscode.l10n.t('The text is larger than {0} MB (setting recurrentLab.maxTrainingBytes).', Math.round(maxBytes / 2 ** 20)));
  return { text: text.replace(/\r\n/g, '\n'), name, files };
}

type PresetChoice = PresetName | 'custom';

/** A preset's values: the built-in ones, with the user's overrides from the recurrentLab.train.presets setting. */
function presetValues(p: PresetChoice): Record<string, unknown> {
  const overrides = vscode.workspace.getConfiguration('recurrentLab').get<Record<string, Record<string, unknown>>>('train.presets', {});
  if (p === 'custom') return { ...PRESETS.small, ...vscode.workspace.getConfiguration('recurrentLab').get<Record<string, unknown>>('train.custom', {}) };
  return { ...PRESETS[p], ...(overrides[p] ?? {}) };
}

async function choosePreset(args: TrainArgs): Promise<PresetChoice | undefined> {
  if (args.preset) return args.preset;
  if (args.resume || SETTING_FIELDS.some((k) => args[k] !== undefined)) return vscode.workspace.getConfiguration('recurrentLab').get<PresetChoice>('train.preset', 'small');
  const describe = (v: Record<string, unknown>) => `${v.cell} ${v.layers}×${v.hidden}, ${v.steps ?? '-'} ${vscode.l10n.t('steps')}`;
  const items: Array<vscode.QuickPickItem & { preset: PresetChoice }> = (['tiny', 'small', 'medium', 'custom'] as const).map((p) => ({
    preset: p,
    label: p === 'custom' ? vscode.l10n.t('custom') : p,
    description: describe(presetValues(p)),
    detail: p === 'custom' ? vscode.l10n.t('From the setting recurrentLab.train.custom') : undefined,
  }));
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Recurrent Lab: model size') });
  return pick?.preset;
}

function newModelName(base: string, cell: string): string {
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  return `${base}-${cell}-${stamp}`.replace(/[^\p{L}\p{N}._-]+/gu, '-');
}

export async function trainCommand(args: TrainArgs | undefined, store: ModelStore, status: StatusBar, startThread: ThreadFactory): Promise<TrainCommandResult | undefined> {
  args = args ?? {};
  if (current) {
    void vscode.window.showWarningMessage(vscode.l10n.t('A training run is already in progress. Stop it first.'));
    return undefined;
  }
  let source;
  try {
    source = await gatherText(args);
  } catch (e) {
    if (e instanceof UserError) {
      if (e.message) void vscode.window.showErrorMessage(e.message);
      return undefined;
    }
    throw e;
  }
  let resume: { model: Uint8Array; optimizer?: Uint8Array } | undefined;
  let resumeInfo = '';
  if (args.resume) {
    const uri = store.resolve(args.resume);
    try {
      const { bytes, contents } = await store.load(uri);
      resume = { model: bytes };
      resume.optimizer = await Promise.resolve(vscode.workspace.fs.readFile(store.optimizerUri(uri))).catch(() => undefined);
      resumeInfo = ` resuming ${args.resume} (${contents.config.cell} ${contents.config.layers}×${contents.config.hidden}, ${String(contents.training.steps ?? 0)} steps)`;
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Cannot resume: {0}', e instanceof Error ? e.message : String(e)));
      return undefined;
    }
  }
  const preset = await choosePreset(args);
  if (!preset) return undefined;
  const settings: Record<string, unknown> = presetValues(preset);
  for (const k of SETTING_FIELDS) if (args[k] !== undefined) settings[k] = args[k];
  if (args.time !== undefined && args.steps === undefined) delete settings.steps;
  const backend = args.backend ?? vscode.workspace.getConfiguration('recurrentLab').get<BackendChoice>('backend', 'auto');
  const resumedName = args.resume ? modelName(store.resolve(args.resume).path) : undefined;
  const name = args.name ?? resumedName ?? newModelName(source.name, String(settings.cell ?? 'lstm'));
  log().info(`train "${name}" on ${source.files.join(', ')} (${source.text.length} chars), preset ${preset}, settings ${JSON.stringify(settings)}, backend ${backend}${resumeInfo}`);

  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Training {0}', name), cancellable: true },
    (progress, token) =>
      new Promise<TrainCommandResult | undefined>((resolve) => {
        let thread: TrainingThread | undefined;
        let cancelled = false;
        let finished = false;
        let reason = '';
        let backendName = String(backend);
        let lastUi = 0;
        let lastPct = 0;
        const totalSteps = typeof settings.steps === 'number' ? settings.steps : undefined;
        const totalTime = typeof settings.time === 'number' ? settings.time : undefined;
        const t0 = Date.now();

        runEvents.fire({ run: name, kind: 'started', settings, source: { name: source.name, files: source.files } });
        const finish = (r: TrainCommandResult | undefined) => {
          if (finished) return;
          finished = true;
          runEvents.fire({ run: name, kind: 'finished', model: r?.model ?? null, reason: r ? 'done' : cancelled ? 'cancelled' : 'failed' });
          current = undefined;
          thread?.terminate();
          status.idle(store.active && modelName(store.active));
          resolve(r);
        };
        // A stop that arrives while the thread is still starting is kept and sent once it runs.
        let stopRequested = false;
        current = {
          stop: () => {
            stopRequested = true;
            thread?.post({ type: 'stop' });
          },
        };
        token.onCancellationRequested(() => {
          cancelled = true;
          thread?.post({ type: 'stop' });
          log().info(`train "${name}": cancelled`);
          // The worker finishes its step and answers; nothing is saved for a cancelled run.
        });

        const onMessage = async (raw: unknown) => {
          const parsed = parseFromWorker(raw);
          if ('error' in parsed) {
            log().warn(`ignored a malformed message from the training worker: ${parsed.error}`);
            return;
          }
          const m = parsed.ok;
          if (m.type === 'backend') runEvents.fire({ run: name, kind: 'backend', report: m.report });
          if (m.type === 'event') runEvents.fire({ run: name, kind: 'event', event: m.event });
          if (m.type === 'backend') {
            backendName = m.report.chosen;
            reason = m.report.reason;
            log().info(`backend: ${reason}`);
          } else if (m.type === 'event') {
            const e = m.event;
            if (e.event === 'step') {
              const now = Date.now();
              if (now - lastUi > 250) {
                lastUi = now;
                status.training(e.step, e.loss, e.charsPerSec, backendName, reason);
                const pct = Math.min(100, 100 * Math.max(totalSteps ? e.step / totalSteps : 0, totalTime ? (now - t0) / 1000 / totalTime : 0));
                progress.report({ increment: pct - lastPct, message: vscode.l10n.t('step {0} · loss {1}', e.step, e.loss.toFixed(3)) });
                lastPct = pct;
              }
            } else if (e.event === 'val') log().info(`step ${e.step}: validation loss ${e.valLoss.toFixed(4)} (${e.bpc.toFixed(3)} bpc)`);
            else if (e.event === 'notice') log().info(e.message);
            else if (e.event === 'start') log().info(`start: ${JSON.stringify(e)}`);
          } else if (m.type === 'error') {
            log().error(`train "${name}": ${m.message}`);
            void vscode.window.showErrorMessage(vscode.l10n.t('Training failed: {0}', m.message));
            finish(undefined);
          } else if (m.type === 'result') {
            if (cancelled) return finish(undefined);
            try {
              const uri = await store.save(name, m.model, m.optimizer);
              await store.setActive(modelString(uri));
              const r: TrainResult = m.result;
              log().info(`train "${name}": ${r.steps} steps, loss ${r.loss.toFixed(4)}, val ${r.valLoss?.toFixed(4) ?? '-'}, ${Math.round(r.charsPerSec)} chars/s on ${m.backend}, ${r.seconds.toFixed(1)} s (${r.reason}); saved ${modelString(uri)}`);
              finish({ model: modelString(uri), steps: r.steps, loss: r.loss, valLoss: r.valLoss, backend: m.backend });
            } catch (err) {
              log().error(`saving "${name}" failed: ${String(err)}`);
              void vscode.window.showErrorMessage(vscode.l10n.t('Could not save the model: {0}', String(err)));
              finish(undefined);
            }
          }
        };

        startThread({
          message: (raw) => void onMessage(raw),
          failed: (why) => {
            if (finished) return;
            log().error(`train "${name}": the training worker stopped: ${why}`);
            void vscode.window.showErrorMessage(vscode.l10n.t('The training worker stopped unexpectedly ({0}). Nothing was saved.', why));
            finish(undefined);
          },
        }).then(
          (t) => {
            thread = t;
            if (finished) return t.terminate();
            t.post({ type: 'train', text: source.text, settings, backend, source: { name: source.name, files: source.files }, resume, dieAtStep: args.dieAtStep });
            if (stopRequested || cancelled) t.post({ type: 'stop' });
          },
          (e) => {
            log().error(`could not start the training worker: ${String(e)}`);
            void vscode.window.showErrorMessage(vscode.l10n.t('Could not start the training worker: {0}', String(e)));
            finish(undefined);
          },
        );
      }),
  );
}
