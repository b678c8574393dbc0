/** What a model is, as stored in the model file's `config` metadata. */
export type CellType = 'rnn' | 'lstm' | 'gru';
export type TokenizerKind = 'char' | 'word';

export interface ModelConfig {
  cell: CellType;
  layers: number;
  hidden: number;
  embed: number;
  /** Dropout between stacked recurrent layers (as nn.LSTM(dropout=…)); 0 disables. */
  dropout: number;
  tokenizer: TokenizerKind;
}

/** Gate blocks per cell, in PyTorch's order: LSTM i,f,g,o; GRU r,z,n; RNN one. */
export const GATES: Record<CellType, number> = { rnn: 1, lstm: 4, gru: 3 };

export interface ParamSpec {
  name: string;
  shape: number[];
}

/** Every parameter tensor, named and shaped exactly as PyTorch names and shapes them. */
export function parameterSpecs(config: ModelConfig, vocabSize: number): ParamSpec[] {
  const { cell, layers, hidden: H, embed: E } = config;
  const G = GATES[cell];
  const specs: ParamSpec[] = [{ name: 'embedding.weight', shape: [vocabSize, E] }];
  for (let k = 0; k < layers; k++) {
    const inSize = k === 0 ? E : H;
    specs.push(
      { name: `rnn.weight_ih_l${k}`, shape: [G * H, inSize] },
      { name: `rnn.weight_hh_l${k}`, shape: [G * H, H] },
      { name: `rnn.bias_ih_l${k}`, shape: [G * H] },
      { name: `rnn.bias_hh_l${k}`, shape: [G * H] },
    );
  }
  specs.push({ name: 'decoder.weight', shape: [vocabSize, H] }, { name: 'decoder.bias', shape: [vocabSize] });
  return specs;
}

export const LIMITS = {
  layers: [1, 8],
  hidden: [1, 4096],
  embed: [1, 4096],
  dropout: [0, 0.9],
  vocab: [2, 1_000_000],
} as const;

/** Checks a config read from anywhere (file, CLI, settings); returns a message naming the first fault, or null. */
export function configProblem(c: unknown): string | null {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return 'config must be a JSON object';
  const o = c as Record<string, unknown>;
  if (o.cell !== 'rnn' && o.cell !== 'lstm' && o.cell !== 'gru') return `config.cell must be "rnn", "lstm" or "gru", got ${JSON.stringify(o.cell)}`;
  if (o.tokenizer !== 'char' && o.tokenizer !== 'word') return `config.tokenizer must be "char" or "word", got ${JSON.stringify(o.tokenizer)}`;
  for (const key of ['layers', 'hidden', 'embed'] as const) {
    const v = o[key];
    const [lo, hi] = LIMITS[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) return `config.${key} must be an integer in ${lo}..${hi}, got ${JSON.stringify(v)}`;
  }
  const d = o.dropout;
  if (typeof d !== 'number' || !(d >= 0 && d <= LIMITS.dropout[1])) return `config.dropout must be a number in 0..${LIMITS.dropout[1]}, got ${JSON.stringify(d)}`;
  return null;
}
