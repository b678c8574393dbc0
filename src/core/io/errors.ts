/**
 * A model file that cannot be used. The message is one line that names what is wrong,
 * so the CLI and the extension can show it as is.
 */
export class ModelFileError extends Error {
  /** What is wrong, without the "model file…:" prefix. */
  readonly detail: string;
  /** The file on disk, when known. */
  readonly path: string | undefined;

  constructor(detail: string, path?: string) {
    super(`model file${path === undefined ? '' : ` ${path}`}: ${detail}`);
    this.name = 'ModelFileError';
    this.detail = detail;
    this.path = path;
  }
}

/** Shapes in messages as `[512,128]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
