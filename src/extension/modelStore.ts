import * as vscode from 'vscode';
import { decodeModelFile, type ModelFileContents } from '../core/io/modelFile';
import { ModelFileError } from '../core/io/errors';
import { optimizerPath } from '../core/train/savedRun';

export interface ModelEntry {
  model: string;
  name: string;
  cell: string;
  layers: number;
  hidden: number;
  steps: number;
  valLoss: number | null;
  corpus: string;
  bytes: number;
}

const ACTIVE_KEY = 'recurrentLab.activeModel';

/**
 * How commands name a model file: a path for the `file` scheme, else the whole URI. (Not
 * `fsPath`, which has a value for every scheme: in the web host, global storage is a
 * `vscode-userdata:` URI whose fsPath `/User/...` names no file.) `resolve` reads both forms back.
 */
export function modelString(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

/**
 * Models live in the extension's global storage as NAME.safetensors (with
 * NAME.optim.safetensors beside it for resuming). Files are written to a
 * temporary name and renamed, so a model is never left half-written. The
 * active model is remembered per workspace.
 */
/** A model's display name: its file name without `.safetensors`. */
export function modelName(model: string): string {
  return model.split(/[\\/]/).pop()!.replace(/\.safetensors$/, '');
}

export class ModelStore {
  readonly dir: vscode.Uri;
  private readonly activeChanged = new vscode.EventEmitter<string | undefined>();
  /** Fires whenever the active model is set (also to the same path: its file may have been rewritten). */
  readonly onDidChangeActive = this.activeChanged.event;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.dir = vscode.Uri.joinPath(context.globalStorageUri, 'models');
    context.subscriptions.push(this.activeChanged);
  }

  uri(name: string): vscode.Uri {
    return vscode.Uri.joinPath(this.dir, `${name}.safetensors`);
  }

  optimizerUri(model: vscode.Uri): vscode.Uri {
    return model.with({ path: optimizerPath(model.path) });
  }

  async save(name: string, model: Uint8Array, optimizer?: Uint8Array): Promise<vscode.Uri> {
    await vscode.workspace.fs.createDirectory(this.dir);
    const target = this.uri(name);
    await writeAtomic(target, model);
    if (optimizer) await writeAtomic(this.optimizerUri(target), optimizer);
    return target;
  }

  async read(uri: vscode.Uri): Promise<ModelFileContents> {
    return (await this.load(uri)).contents;
  }

  /** A model file's bytes and its validated contents, from one read; faults name the file. */
  async load(uri: vscode.Uri): Promise<{ bytes: Uint8Array; contents: ModelFileContents }> {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch {
      throw new ModelFileError('no such file', modelString(uri));
    }
    try {
      return { bytes, contents: decodeModelFile(bytes) };
    } catch (e) {
      if (e instanceof ModelFileError) throw new ModelFileError(e.detail, modelString(uri));
      throw e;
    }
  }

  async list(): Promise<ModelEntry[]> {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(this.dir);
    } catch {
      return [];
    }
    const out: ModelEntry[] = [];
    for (const [file, type] of entries) {
      if (type !== vscode.FileType.File || !file.endsWith('.safetensors') || file.endsWith('.optim.safetensors')) continue;
      const uri = vscode.Uri.joinPath(this.dir, file);
      try {
        const { bytes, contents: c } = await this.load(uri);
        const t = c.training as { steps?: number; valLoss?: number | null; corpus?: { name?: string } };
        out.push({
          model: modelString(uri),
          name: file.replace(/\.safetensors$/, ''),
          cell: c.config.cell,
          layers: c.config.layers,
          hidden: c.config.hidden,
          steps: t.steps ?? 0,
          valLoss: t.valLoss ?? null,
          corpus: t.corpus?.name ?? '',
          bytes: bytes.length,
        });
      } catch {
        // A damaged file is skipped in the list; opening it directly reports the fault.
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Copies a model (`bytes`, read and validated from `source`, and its optimizer state, if any) into the store under a name not yet taken. */
  async importModel(source: vscode.Uri, name: string, bytes: Uint8Array): Promise<vscode.Uri> {
    await vscode.workspace.fs.createDirectory(this.dir);
    let target = this.uri(name);
    for (let i = 2; await exists(target); i++) target = this.uri(`${name}-${i}`);
    await writeAtomic(target, bytes);
    const opt = await Promise.resolve(vscode.workspace.fs.readFile(this.optimizerUri(source))).catch(() => undefined);
    if (opt) await writeAtomic(this.optimizerUri(target), opt);
    return target;
  }

  async rename(uri: vscode.Uri, name: string): Promise<vscode.Uri> {
    const target = this.uri(name.replace(/\.safetensors$/, ''));
    if (await exists(target)) throw new Error(vscode.l10n.t('A model named {0} already exists.', name));
    await vscode.workspace.fs.rename(uri, target);
    await vscode.workspace.fs.rename(this.optimizerUri(uri), this.optimizerUri(target)).then(undefined, () => undefined);
    return target;
  }

  async remove(uri: vscode.Uri): Promise<void> {
    await vscode.workspace.fs.delete(uri);
    await vscode.workspace.fs.delete(this.optimizerUri(uri)).then(undefined, () => undefined);
  }

  get active(): string | undefined {
    return this.context.workspaceState.get<string>(ACTIVE_KEY);
  }

  async setActive(model: string | undefined): Promise<void> {
    await this.context.workspaceState.update(ACTIVE_KEY, model);
    this.activeChanged.fire(model);
  }

  /** Resolves a path, a file URI or a stored model's name to a URI. */
  resolve(model: string): vscode.Uri {
    // a URI (two or more scheme letters, so a Windows drive letter is still a path), e.g. vscode-userdata:/User/...
    if (/^[a-z][a-z0-9+.-]+:/i.test(model)) return vscode.Uri.parse(model);
    if (model.includes('/') || model.includes('\\')) return vscode.Uri.file(model);
    return this.uri(model.replace(/\.safetensors$/, ''));
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomic(target: vscode.Uri, bytes: Uint8Array): Promise<void> {
  const tmp = target.with({ path: `${target.path}.${Math.random().toString(36).slice(2)}.tmp` });
  await vscode.workspace.fs.writeFile(tmp, bytes);
  try {
    await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
  } catch (e) {
    await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
    throw e;
  }
}
