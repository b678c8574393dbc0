import type { Backend } from '../backend/backend';
import { splitValidation, StreamBatcher } from '../data/streams';
import { buildTokenizer, VocabTokenizer, type Tokenizer } from '../data/tokenizer';
import type { ModelConfig } from '../nn/config';
import { RecurrentLM } from '../nn/model';
import { clipGradNorm, makeOptimizer, type Adam, type Sgd } from '../optim/optimizer';
import { learningRate } from '../optim/schedule';
import { Rng } from '../rng';
import { streamLoss } from './evaluate';
import type { StopReason, TrainEvent, TrainResult } from './events';
import { DEFAULT_STEPS, type TrainSettings } from './settings';

/** A model to continue training: weights, vocabulary and where the run had got to. */
export interface ResumeFrom {
  config: ModelConfig;
  vocab: string[];
  tensors: Map<string, Float32Array>;
  steps: number;
  optimizer?: { kind: string; steps: number; tensors: Map<string, Float32Array> };
}

export type { TrainResult };

export class TrainError extends Error {
  override name = 'TrainError';
}

const now = (): number => globalThis.performance.now();
const yieldToHost = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * The training loop: truncated BPTT over B carried streams, Adam or SGD,
 * global-norm clipping, a learning-rate schedule over the budget, periodic
 * validation on the held-out tail, optional early stopping that keeps the best
 * weights. It yields to the host between steps so it can be cancelled.
 */
export class Trainer {
  readonly model: RecurrentLM;
  readonly tokenizer: Tokenizer;
  readonly optimizer: Adam | Sgd;
  readonly train: Int32Array;
  readonly val: Int32Array;
  readonly batcher: StreamBatcher;
  readonly startStep: number;
  /** Characters per token of the corpus, so word models report chars/s too. */
  readonly charsPerToken: number;
  readonly notices: string[] = [];
  readonly settings: TrainSettings;
  step = 0;
  lastLoss = NaN;
  bestVal: number | null = null;
  lastVal: number | null = null;
  private bestWeights: Float32Array[] | null = null;

  constructor(
    readonly backend: Backend,
    text: string,
    settings: TrainSettings,
    resume?: ResumeFrom,
  ) {
    // A resumed model keeps its architecture and tokenizer whatever the settings say; record what really runs.
    this.settings = resume ? { ...settings, ...resume.config } : settings;
    if (text.length === 0) throw new TrainError('the text is empty: there is nothing to learn from');
    const s = this.settings;
    this.tokenizer = resume ? new VocabTokenizer(s.tokenizer, resume.vocab) : buildTokenizer(s.tokenizer, text);
    const unknown = new Set<string>();
    const tokens = this.tokenizer.encode(text, (t) => unknown.add(t));
    if (unknown.size) this.notices.push(`${unknown.size} symbol(s) not in the model's vocabulary were skipped: ${[...unknown].slice(0, 10).map((u) => JSON.stringify(u)).join(' ')}`);
    if (this.tokenizer.vocab.length < 2) throw new TrainError(`the text has only ${this.tokenizer.vocab.length} distinct ${s.tokenizer === 'char' ? 'character' : 'token'}: a language model needs at least 2`);
    if (tokens.length < 3) throw new TrainError(`the text is too short: ${tokens.length} token(s), need at least 3`);
    this.charsPerToken = s.tokenizer === 'char' ? 1 : text.length / tokens.length;

    const { train, val } = splitValidation(tokens, tokens.length * s.val >= 2 ? s.val : 0);
    if (s.val > 0 && val.length < 2) this.notices.push('the text is too short to hold out a validation part; validation is off');
    this.train = train;
    this.val = val;

    // Shrink the batch, then the window, for short texts instead of refusing them.
    let B = s.batch;
    let T = s.seq;
    if (train.length < B * (T + 1)) {
      B = Math.max(1, Math.floor(train.length / (T + 1)));
      if (train.length < T + 1) T = train.length - 1;
      this.notices.push(`the text is short (${train.length} training tokens): using batch ${B} × sequence ${T} instead of ${s.batch} × ${s.seq}`);
    }
    this.batcher = new StreamBatcher(train, B, T);

    const config: ModelConfig = resume
      ? resume.config
      : { cell: s.cell, layers: s.layers, hidden: s.hidden, embed: s.embed, dropout: s.dropout, tokenizer: s.tokenizer };
    this.model = new RecurrentLM(backend, config, this.tokenizer.vocab.length);
    this.model.init(s.seed);
    this.optimizer = makeOptimizer(s.optimizer, this.model.params);
    this.startStep = 0;
    if (resume) {
      for (const p of this.model.params) {
        const t = resume.tensors.get(p.name);
        if (!t || t.length !== p.data.length) throw new TrainError(`cannot resume: tensor ${p.name} is missing or has the wrong size`);
        p.data.set(t);
      }
      this.startStep = resume.steps;
      if (resume.optimizer && resume.optimizer.kind === s.optimizer && this.optimizer.load(resume.optimizer.steps, resume.optimizer.tensors)) {
        // Moments restored: the run continues as if it had never stopped.
      } else if (resume.optimizer || resume.steps > 0) {
        this.notices.push('optimizer state not restored (missing or different optimizer): starting fresh moments');
      }
    }
    this.step = this.startStep;
  }

  get batch(): number {
    return this.batcher.batch;
  }
  get seq(): number {
    return this.batcher.seq;
  }

  /** Mean validation loss (nats/token) over at most maxTokens of the held-out tail; null without one. */
  validate(maxTokens = Infinity): number | null {
    if (this.val.length < 2) return null;
    const v = maxTokens < this.val.length ? this.val.subarray(0, maxTokens) : this.val;
    return streamLoss(this.model, v, this.batch, this.seq).loss;
  }

  async run(onEvent: (e: TrainEvent) => void, isCancelled: () => boolean = () => false, backendName = this.backend.name): Promise<TrainResult> {
    const s = this.settings;
    const { model, batcher, optimizer } = this;
    const B = batcher.batch;
    const T = batcher.seq;
    const noBudget = s.steps === undefined && s.epochs === undefined && s.time === undefined;
    const stepBudget = Math.min(
      s.steps ?? (noBudget ? DEFAULT_STEPS : Infinity),
      s.epochs !== undefined ? Math.max(1, Math.round(s.epochs * batcher.chunksPerEpoch)) : Infinity,
    );
    const timeBudget = (s.time ?? Infinity) * 1000;
    const rng = new Rng(s.seed ^ 0x5bd1e995 ^ this.startStep);
    const state = model.newState(B);
    for (const n of this.notices) onEvent({ event: 'notice', message: n });
    onEvent({
      event: 'start',
      cell: model.config.cell,
      layers: model.config.layers,
      hidden: model.config.hidden,
      embed: model.config.embed,
      parameters: model.size,
      vocab: model.vocabSize,
      trainTokens: this.train.length,
      valTokens: this.val.length,
      batch: B,
      seq: T,
      backend: backendName,
      resumedFrom: this.startStep,
    });

    const t0 = now();
    let lastYield = t0;
    let done = 0;
    let recent: number[] = [];
    let reason: StopReason = 'budget';
    let sinceBest = 0;
    const progress = () => Math.max(done / stepBudget, (now() - t0) / timeBudget);

    while (done < stepBudget && now() - t0 < timeBudget) {
      if (isCancelled()) {
        reason = 'cancelled';
        break;
      }
      const chunk = batcher.chunk(this.step);
      if (chunk.index === 0) model.resetState(state);
      model.zeroGrad();
      const loss = model.trainStep(chunk.inputs, chunk.targets, T, B, state, rng);
      if (!Number.isFinite(loss)) {
        reason = 'diverged';
        onEvent({ event: 'notice', message: `the loss became ${loss} at step ${this.step + 1}: training stopped; try a lower learning rate` });
        break;
      }
      const gradNorm = clipGradNorm(model.params, s.clip);
      const lr = learningRate(s.lr, { kind: s.schedule, warmup: s.warmup, floor: 0.1 }, done, progress());
      optimizer.step(lr);
      this.step++;
      done++;
      this.lastLoss = loss;
      recent.push(loss);
      if (recent.length > 50) recent = recent.slice(-50);
      const elapsed = (now() - t0) / 1000;
      const chars = Math.round(done * B * T * this.charsPerToken);
      onEvent({ event: 'step', step: this.step, loss, chars, charsPerSec: chars / elapsed, lr, gradNorm, epoch: this.step / batcher.chunksPerEpoch });

      if (s.valEvery > 0 && done % s.valEvery === 0 && done < stepBudget) {
        const v = this.validate(200_000);
        if (v !== null) {
          const best = this.noteVal(v);
          onEvent({ event: 'val', step: this.step, valLoss: v, bpc: this.bitsPerChar(v), best });
          sinceBest = best ? 0 : sinceBest + 1;
          if (s.patience > 0 && sinceBest >= s.patience) {
            reason = 'early-stop';
            break;
          }
        }
      }
      if (now() - lastYield > 50) {
        await yieldToHost();
        lastYield = now();
      }
    }

    const seconds = (now() - t0) / 1000;
    if (this.bestWeights && reason === 'early-stop') this.restoreBest();
    const valLoss = this.validate();
    if (valLoss !== null) {
      const best = this.noteVal(valLoss);
      onEvent({ event: 'val', step: this.step, valLoss, bpc: this.bitsPerChar(valLoss), best });
    }
    const chars = Math.round(done * B * T * this.charsPerToken);
    const mean = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN;
    return {
      steps: this.step,
      loss: mean,
      valLoss,
      bpc: valLoss === null ? null : this.bitsPerChar(valLoss),
      chars,
      charsPerSec: seconds > 0 ? chars / seconds : 0,
      seconds,
      reason,
    };
  }

  /** Bits per character from nats per token (the same for char models; word models spread a token's cost over its characters). */
  bitsPerChar(natsPerToken: number): number {
    return natsPerToken / this.charsPerToken / Math.LN2;
  }

  private noteVal(v: number): boolean {
    this.lastVal = v;
    if (this.bestVal !== null && v >= this.bestVal) return false;
    this.bestVal = v;
    if (this.settings.patience > 0) this.bestWeights = this.model.params.map((p) => Float32Array.from(p.data));
    return true;
  }

  private restoreBest(): void {
    this.model.params.forEach((p, k) => p.data.set(this.bestWeights![k]));
  }
}
