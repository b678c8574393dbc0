/**
 * Batching for truncated backpropagation through time (char-rnn / AWD-LSTM
 * style): the token stream is cut into B contiguous streams read side by side,
 * T tokens at a time. Chunk k+1 of stream b continues exactly where chunk k
 * ended, so the hidden state carried from one chunk to the next is the state
 * of the text that really came before, and long-range structure can be learned.
 */
export interface Chunk {
  /** Inputs [B,T], batch-major: stream b's tokens are inputs[b*T .. b*T+T). */
  inputs: Int32Array;
  /** Next-token targets [B,T]. */
  targets: Int32Array;
  /** Chunk index within the epoch; 0 means the streams restart (reset state). */
  index: number;
}

export class StreamBatcher {
  readonly streamLength: number;
  readonly chunksPerEpoch: number;
  private readonly inputs: Int32Array;
  private readonly targets: Int32Array;

  constructor(
    private readonly tokens: Int32Array,
    readonly batch: number,
    readonly seq: number,
  ) {
    // Each stream needs seq+1 tokens for one chunk (inputs plus the shifted target).
    this.streamLength = Math.floor(tokens.length / batch);
    this.chunksPerEpoch = Math.floor((this.streamLength - 1) / seq);
    if (this.chunksPerEpoch < 1) {
      throw new RangeError(
        `text too short for batch ${batch} × sequence ${seq}: ${tokens.length} tokens, need at least ${batch * (seq + 1)}`,
      );
    }
    this.inputs = new Int32Array(batch * seq);
    this.targets = new Int32Array(batch * seq);
  }

  /** Chunk k (mod chunksPerEpoch). The returned arrays are reused by the next call. */
  chunk(k: number): Chunk {
    const index = k % this.chunksPerEpoch;
    const { batch: B, seq: T, streamLength: L, tokens } = this;
    for (let b = 0; b < B; b++) {
      const start = b * L + index * T;
      this.inputs.set(tokens.subarray(start, start + T), b * T);
      this.targets.set(tokens.subarray(start + 1, start + T + 1), b * T);
    }
    return { inputs: this.inputs, targets: this.targets, index };
  }
}

/** Splits tokens into train and validation parts: validation is the last `fraction`. */
export function splitValidation(tokens: Int32Array, fraction: number): { train: Int32Array; val: Int32Array } {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`validation fraction must be in [0, 1), got ${fraction}`);
  const nVal = Math.floor(tokens.length * fraction);
  return { train: tokens.subarray(0, tokens.length - nVal), val: tokens.subarray(tokens.length - nVal) };
}
