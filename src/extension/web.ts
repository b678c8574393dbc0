import * as vscode from 'vscode';
import { activateWith } from './activate';
import type { ThreadFactory } from './workerHost';

/**
 * Web host (itself a Web Worker): training runs in a nested Worker started
 * from a blob URL of the bundled worker script, which lets it reach
 * OffscreenCanvas WebGL2 where the browser has it.
 */
interface WebWorker {
  postMessage(m: unknown): void;
  terminate(): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string; preventDefault?(): void }) => void) | null;
}
declare const Worker: new (url: string) => WebWorker;
declare const Blob: new (parts: unknown[], o: { type: string }) => unknown;
declare const URL: { createObjectURL(b: unknown): string; revokeObjectURL(u: string): void };

export function activate(context: vscode.ExtensionContext): void {
  const startThread: ThreadFactory = async (cb) => {
    const source = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'worker.js'));
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    // The URL must stay valid until the worker is gone: the web extension host starts nested
    // workers asynchronously (a bootstrap that importScripts() this URL), so revoking it right
    // after `new Worker` made the worker fail to load.
    const worker = new Worker(url);
    worker.onmessage = (e) => cb.message(e.data);
    worker.onerror = (e) => {
      // handled here: without preventDefault the error also surfaces as an uncaught error in the host
      e.preventDefault?.();
      cb.failed(e.message ?? 'worker error');
    };
    return {
      post: (m) => worker.postMessage(m),
      terminate: () => {
        worker.terminate();
        URL.revokeObjectURL(url);
      },
    };
  };
  activateWith(context, startThread);
}

export function deactivate(): void {}
