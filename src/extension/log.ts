import * as vscode from 'vscode';

/** The "Recurrent Lab" log: every run's settings and results, backend choices, errors. */
let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Recurrent Lab', { log: true });
  return channel;
}
