import * as vscode from 'vscode';

/** The status bar item: the running model's loss, speed and backend; idle shows the active model. */
export class StatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  readonly completionItem: vscode.StatusBarItem;
  constructor() {
    this.completionItem = vscode.window.createStatusBarItem('recurrentLab.completions', vscode.StatusBarAlignment.Left, 9);
    this.completionItem.name = 'Recurrent Lab completions';
    this.completionItem.command = 'recurrentLab.toggleCompletions';
    this.item = vscode.window.createStatusBarItem('recurrentLab.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Recurrent Lab';
    this.item.command = 'recurrentLab.showPanel';
    this.idle(undefined);
    this.item.show();
  }

  training(step: number, loss: number, charsPerSec: number, backend: string, reason: string): void {
    const rate = charsPerSec >= 1000 ? `${(charsPerSec / 1000).toFixed(1)}k` : charsPerSec.toFixed(0);
    this.item.text = `$(sync~spin) ${vscode.l10n.t('RLab {0} · loss {1} · {2} chars/s · {3}', step, loss.toFixed(3), rate, backend)}`;
    this.item.tooltip = new vscode.MarkdownString(vscode.l10n.t('Training on **{0}**. {1}', backend, reason));
  }

  idle(model: string | undefined): void {
    this.item.text = model ? `$(pulse) ${vscode.l10n.t('RLab: {0}', model)}` : `$(pulse) ${vscode.l10n.t('RLab')}`;
    this.item.tooltip = model ? vscode.l10n.t('Active model: {0}', model) : vscode.l10n.t('Recurrent Lab: no model trained yet');
  }

  /** Whether ghost-text suggestions are on, shown as its own small item that toggles them. */
  completions(on: boolean): void {
    this.completionItem.text = on ? '$(sparkle)' : '$(circle-slash) $(sparkle)';
    this.completionItem.tooltip = on ? vscode.l10n.t('Recurrent Lab completions are on (click to turn off)') : vscode.l10n.t('Recurrent Lab completions are off (click to turn on)');
    this.completionItem.show();
  }

  dispose(): void {
    this.item.dispose();
    this.completionItem.dispose();
  }
}
