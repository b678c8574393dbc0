import * as vscode from 'vscode';
import type { ToPanel } from '../protocol/panel';
import { parseFromWorker, type InspectRequest } from '../protocol/worker';
import { log } from './log';
import type { ThreadFactory, TrainingThread } from './workerHost';

/**
 * Runs the panel's model computations (probes, gradient flow, sampling,
 * unrolling) on a worker thread of their own, so a large model never stalls
 * the extension host. The model file's bytes go over once per model; the
 * thread is started on first use and again after it dies.
 */
export class Inspector implements vscode.Disposable {
  private thread: Promise<TrainingThread> | undefined;
  private readonly pending = new Map<number, { resolve: (m: ToPanel) => void; reject: (e: Error) => void; send: (withModel: boolean) => void }>();
  private nextId = 1;
  private sentKey: string | undefined;

  constructor(private readonly startThread: ThreadFactory) {}

  private start(): Promise<TrainingThread> {
    this.thread ??= this.startThread({
      message: (raw) => this.onMessage(raw),
      failed: (why) => {
        log().warn(`inspection worker stopped: ${why}`);
        this.thread = undefined;
        this.sentKey = undefined;
        for (const p of this.pending.values()) p.reject(new Error(vscode.l10n.t('The inspection worker stopped ({0}).', why)));
        this.pending.clear();
      },
    });
    return this.thread;
  }

  /** Computes `request` on the model at `uri` (read from disk only when the worker does not have it). */
  async run(modelKey: string, uri: vscode.Uri, request: InspectRequest): Promise<ToPanel> {
    const thread = await this.start();
    const id = this.nextId++;
    return new Promise<ToPanel>((resolve, reject) => {
      const send = (withModel: boolean) => {
        const post = (model?: Uint8Array) => thread.post({ type: 'inspect', id, modelKey, model, request });
        if (!withModel && this.sentKey === modelKey) return post();
        Promise.resolve(vscode.workspace.fs.readFile(uri)).then((bytes) => {
          this.sentKey = modelKey;
          post(bytes);
        }, reject);
      };
      this.pending.set(id, { resolve, reject, send });
      send(false);
    });
  }

  private onMessage(raw: unknown): void {
    const parsed = parseFromWorker(raw);
    if ('error' in parsed) return log().warn(`ignored a malformed message from the inspection worker: ${parsed.error}`);
    const m = parsed.ok;
    if (m.type === 'needModel') return this.pending.get(m.id)?.send(true);
    const id = m.type === 'inspected' || m.type === 'error' ? m.id : undefined;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p || id === undefined) return;
    this.pending.delete(id);
    if (m.type === 'inspected') p.resolve(m.message);
    else if (m.type === 'error') p.reject(new Error(m.message));
  }

  dispose(): void {
    void this.thread?.then((t) => t.terminate());
    this.thread = undefined;
  }
}
