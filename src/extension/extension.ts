import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import { activateWith } from './activate';
import type { ThreadFactory } from './workerHost';

/** Desktop (Node) host: training runs in a worker_threads Worker. */
export function activate(context: vscode.ExtensionContext): void {
  const startThread: ThreadFactory = async (cb) => {
    const worker = new Worker(path.join(context.extensionPath, 'dist', 'worker.js'));
    let ended = false;
    worker.on('message', (m) => cb.message(m));
    worker.on('error', (e) => {
      ended = true;
      cb.failed(e.message);
    });
    worker.on('exit', (code) => {
      if (!ended) cb.failed(`exit code ${code}`);
      ended = true;
    });
    return {
      post: (m) => worker.postMessage(m),
      terminate: () => {
        ended = true;
        void worker.terminate();
      },
    };
  };
  activateWith(context, startThread);
}

export function deactivate(): void {}
