import { createBackend } from '../core/backend/select';
import { decodeModelFile } from '../core/io/modelFile';
import { resumeFrom, savedRun } from '../core/train/savedRun';
import { ModelFileError } from '../core/io/errors';
import { resolveSettings } from '../core/train/settings';
import { Trainer, TrainError } from '../core/train/trainer';
import { parseToWorker, type FromWorker, type InspectMessage, type ToWorker } from '../protocol/worker';
import type { Backend } from '../core/backend/backend';
import type { VocabTokenizer } from '../core/data/tokenizer';
import { loadModel } from '../core/io/modelContents';
import type { RecurrentLM } from '../core/nn/model';
import { gradientFlowMessage, probeMessage, sampleMessage, unrollMessage } from './panelData';

/**
 * The training worker's whole job, independent of the thread API: take one
 * `train` message, run the trainer, stream events, send the finished model
 * file's bytes back (the host writes it), and stop early on `stop`.
 */
export class TrainSession {
  private stopped = false;
  private running = false;

  /** `die` ends the thread abruptly (for the fault-injection hook): process.exit in Node, close() in a browser. */
  constructor(
    private readonly post: (m: FromWorker) => void,
    private readonly die: () => void = () => {
      throw new Error('worker died');
    },
  ) {}

  receive(raw: unknown): void {
    const parsed = parseToWorker(raw);
    if ('error' in parsed) {
      // A malformed message is reported, never acted on.
      this.post({ type: 'error', kind: 'internal', message: `worker: ignored a malformed message (${parsed.error})` });
      return;
    }
    const m = parsed.ok;
    if (m.type === 'inspect') this.inspect(m);
    else if (m.type === 'stop') this.stopped = true;
    else if (this.running) this.post({ type: 'error', kind: 'internal', message: 'worker: a run is already in progress' });
    else void this.train(m);
  }

  private inspected: { key: string; model: RecurrentLM; tokenizer: VocabTokenizer; backend: Backend } | null = null;

  /** Answers the inspection panel from a model the host sends once per key. */
  private inspect(m: InspectMessage): void {
    void (async () => {
      try {
        if (this.inspected?.key !== m.modelKey) {
          if (!m.model) return this.post({ type: 'needModel', id: m.id });
          this.inspected?.backend.dispose();
          const { backend } = await createBackend('cpu').catch(() => createBackend('reference'));
          this.inspected = { key: m.modelKey, backend, ...loadModel(decodeModelFile(m.model), backend) };
        }
        const { model, tokenizer } = this.inspected;
        const r = m.request;
        const message =
          r.kind === 'probe'
            ? probeMessage(r.reqId, model, tokenizer, r.text, r.source, r.maxSteps)
            : r.kind === 'gradientFlow'
              ? gradientFlowMessage(r.reqId, model, tokenizer, r.name, r.text, r.maxK, r.compare, r.labels)
              : r.kind === 'sample'
                ? sampleMessage(model, tokenizer, r.req)
                : unrollMessage(model, tokenizer, r.req);
        this.post({ type: 'inspected', id: m.id, message });
      } catch (e) {
        this.post({ type: 'error', kind: 'input', id: m.id, message: e instanceof Error ? e.message : String(e) });
      }
    })();
  }

  private async train(m: Extract<ToWorker, { type: 'train' }>): Promise<void> {
    this.running = true;
    try {
      const settings = resolveSettings(m.settings);
      const resume = m.resume ? resumeFrom(decodeModelFile(m.resume.model), m.resume.optimizer) : undefined;
      const { backend, report } = await createBackend(m.backend);
      this.post({ type: 'backend', report });
      const trainer = new Trainer(backend, m.text, settings, resume);
      const started = new Date().toISOString();
      const result = await trainer.run(
        (event) => {
          if (event.event === 'step' && m.dieAtStep !== undefined && event.step >= m.dieAtStep) this.die();
          this.post({ type: 'event', event });
        },
        () => this.stopped,
        report.chosen,
      );
      const { model, optimizer } = savedRun(trainer, result, { text: m.text, backend: report.chosen, started, source: m.source });
      backend.dispose();
      this.post({ type: 'result', result, backend: report.chosen, model, optimizer });
    } catch (e) {
      const expected = e instanceof TrainError || e instanceof RangeError || e instanceof ModelFileError;
      this.post({ type: 'error', kind: expected ? 'input' : 'internal', message: e instanceof Error ? e.message : String(e) });
    } finally {
      this.running = false;
    }
  }
}
