import type { RecurrentLM } from '../nn/model';

/**
 * Mean next-token loss over a token sequence read as `streams` contiguous
 * streams side by side (one stream = the whole text in order), each from a
 * zero state with the state carried across chunks of `seq` tokens, dropout
 * off. Every token but the first of each stream is predicted once.
 */
export function streamLoss(model: RecurrentLM, tokens: Int32Array, streams: number, seq: number): { loss: number; predicted: number } {
  const B = Math.max(1, Math.min(streams, Math.floor(tokens.length / 2)));
  const L = Math.floor(tokens.length / B);
  if (L < 2) return { loss: NaN, predicted: 0 };
  const state = model.newState(B);
  let sum = 0;
  let predicted = 0;
  for (let start = 0; start < L - 1; start += seq) {
    const T = Math.min(seq, L - 1 - start);
    const inputs = new Int32Array(B * T);
    const targets = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const s = b * L + start;
      inputs.set(tokens.subarray(s, s + T), b * T);
      targets.set(tokens.subarray(s + 1, s + T + 1), b * T);
    }
    sum += model.evalLoss(inputs, targets, T, B, state) * B * T;
    predicted += B * T;
  }
  return { loss: sum / predicted, predicted };
}
