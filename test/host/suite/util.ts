/// <reference types="mocha" />
// Helpers shared by the host suites.
import * as assert from 'assert';
import * as vscode from 'vscode';
import sonnets from '../../../media/sample/sonnets.txt';

export const EXT_ID = 'recurrent-lab.recurrent-lab';
/** A few KB of real text: the first 6,000 characters of the project's demo corpus. */
export const TEXT = [...sonnets].slice(0, 6000).join('');
/** The file the runners put in the workspace folder (the same 6,000 characters). */
export const WORKSPACE_FILE = 'sonnets.txt';
export const TINY = { preset: 'tiny', steps: 60, seq: 16, batch: 8, hidden: 32, backend: 'cpu' } as const;

export interface TrainResult {
  model: string;
  steps: number;
  loss: number;
  valLoss: number | null;
  backend: string;
}
export interface ListedModel {
  model: string;
  name: string;
  cell: string;
  layers: number;
  hidden: number;
  steps: number;
  valLoss: number | null;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const exec = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args) as Promise<T>;
export const train = (args: Record<string, unknown>) => exec<TrainResult | undefined>('recurrentLab.train', args);
export const listModels = () => exec<ListedModel[]>('recurrentLab.listModels');
export const record = (label: string, data: unknown) => console.log(`${label} ${JSON.stringify(data)}`);

/** The model string the commands return is a path (file scheme) or a URI string (any other scheme). */
export function modelUri(model: string): vscode.Uri {
  return /^[a-z][a-z0-9+.-]+:/i.test(model) ? vscode.Uri.parse(model) : vscode.Uri.file(model);
}

/** The vocabulary size recorded in a model file's safetensors header (`__metadata__.vocab`). */
export function vocabSize(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  assert.ok(n > 0 && 8 + n <= bytes.length, `bad safetensors header length ${n}`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const vocab = JSON.parse(header.__metadata__.vocab);
  assert.ok(Array.isArray(vocab), 'metadata vocab is not an array');
  return vocab.length;
}

/** Opens an untitled plaintext document with `content` in an editor, cursor at the end. */
export async function openUntitled(content: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content });
  const editor = await vscode.window.showTextDocument(doc);
  const end = doc.positionAt(doc.getText().length);
  editor.selection = new vscode.Selection(end, end);
  return editor;
}

/** Rejects after `ms` so a stuck command fails its test with a reason instead of hanging the run. */
export function within<T>(p: Thenable<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

