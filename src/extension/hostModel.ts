import * as vscode from 'vscode';
import type { Backend } from '../core/backend/backend';
import { createCpuBackend } from '../core/backend/cpu';
import { ReferenceBackend } from '../core/backend/reference';
import type { VocabTokenizer } from '../core/data/tokenizer';
import { loadModel } from '../core/io/modelContents';
import type { RecurrentLM } from '../core/nn/model';
import { modelName, type ModelStore } from './modelStore';

/**
 * The active model loaded in the extension host for sampling and completion
 * (inference is milliseconds; training never runs here). Reloaded when the
 * active model changes.
 */
export class HostModel {
  private backend: Backend | undefined;
  private loaded: { key: string; model: RecurrentLM; tokenizer: VocabTokenizer } | undefined;

  constructor(private readonly store: ModelStore) {
    store.onDidChangeActive(() => this.forget());
  }

  async get(): Promise<{ model: RecurrentLM; tokenizer: VocabTokenizer; name: string } | undefined> {
    const active = this.store.active;
    if (!active) return undefined;
    if (this.loaded?.key !== active) {
      const contents = await this.store.read(this.store.resolve(active));
      // cpu, else the reference: not backend selection, which would load gpu.js into the host for nothing
      this.backend ??= await createCpuBackend().catch(() => new ReferenceBackend());
      const backend = this.backend;
      this.loaded = { key: active, ...loadModel(contents, backend) };
    }
    return { ...this.loaded, name: modelName(active) };
  }

  /** Bumped whenever the active model may have changed on disk or been switched. */
  generation = 0;

  forget(): void {
    this.loaded = undefined;
    this.generation++;
  }
}

export const noModelMessage = (): string => vscode.l10n.t('No active model. Train one with "Recurrent Lab: Train on Current Document" or pick one with "Recurrent Lab: Select Model".');
