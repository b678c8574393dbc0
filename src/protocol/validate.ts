/** Tiny runtime checks for messages that cross a thread or process boundary. */
export type Check<T> = (v: unknown) => v is T;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
export const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** Returns a message naming the first field that is missing or of the wrong type, or null. */
export function fieldProblem(o: Record<string, unknown>, fields: Record<string, Check<unknown> | [Check<unknown>, 'optional']>): string | null {
  for (const [name, spec] of Object.entries(fields)) {
    const [check, optional] = Array.isArray(spec) ? [spec[0], true] : [spec, false];
    if (o[name] === undefined) {
      if (optional) continue;
      return `missing field "${name}"`;
    }
    if (!check(o[name])) return `field "${name}" has the wrong type`;
  }
  return null;
}
