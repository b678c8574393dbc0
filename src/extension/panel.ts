import * as vscode from 'vscode';
import { PANEL_TABS, parseFromPanel, type FromPanel, type PanelTab, type ToPanel } from '../protocol/panel';
import type { InspectRequest } from '../protocol/worker';
import { HostModel, noModelMessage } from './hostModel';
import { log } from './log';
import { modelInfo } from '../worker/panelData';
import { Inspector } from './inspector';
import type { ModelStore } from './modelStore';
import type { ThreadFactory } from './workerHost';
import { makeNonce, panelHtml } from './panelHtml';
import { RunHistory } from './panelRuns';
import { panelStrings } from './panelStrings';
import { runEvents } from './runEvents';

const VIEW_TYPE = 'recurrentLab.panel';

/**
 * The inspection panel's host side: one WebviewPanel at a time, the run
 * history it replays, and the requests it serves from the active model.
 * Restored after a window reload by a WebviewPanelSerializer (the webview
 * keeps its own settings with setState).
 */
export function registerPanel(context: vscode.ExtensionContext, host: HostModel, store: ModelStore, startThread: ThreadFactory): void {
  const history = new RunHistory();
  const inspector = new Inspector(startThread);
  context.subscriptions.push(inspector);
  let panel: InspectionPanel | undefined;
  let lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  const open = (p: vscode.WebviewPanel) => {
    panel = new InspectionPanel(context, p, host, history, () => lastEditor, inspector, store);
    p.onDidDispose(() => (panel = undefined));
  };
  let flush: ReturnType<typeof setTimeout> | undefined;
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor((e) => {
      if (e) lastEditor = e;
    }),
    runEvents.event((ev) => {
      for (const m of history.add(ev)) panel?.post(m);
      if (ev.kind === 'finished') void panel?.sendModel(); // a finished run made its model the active one
      // Curves update at most five times a second, however fast steps arrive.
      flush ??= setTimeout(() => {
        flush = undefined;
        for (const m of history.pending()) panel?.post(m);
      }, 200);
    }),
    vscode.commands.registerCommand('recurrentLab.showPanel', (args?: { tab?: PanelTab }) => {
      if (panel) panel.reveal();
      else open(vscode.window.createWebviewPanel(VIEW_TYPE, vscode.l10n.t('Recurrent Lab'), vscode.ViewColumn.Beside, InspectionPanel.options(context)));
      if (args?.tab && PANEL_TABS.includes(args.tab)) panel?.post({ type: 'showTab', tab: args.tab });
    }),
    // What the panel has drawn, for tests and diagnostics (not in the command palette).
    vscode.commands.registerCommand('recurrentLab.panelStatus', () => ({
      open: !!panel,
      visible: panel?.visible ?? false,
      drawn: { ...(panel?.drawn ?? {}) },
      received: { ...(panel?.received ?? {}) },
      lastError: panel?.lastError ?? null,
    })),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(p: vscode.WebviewPanel) {
        p.webview.options = InspectionPanel.options(context);
        open(p);
      },
    }),
    { dispose: () => flush && clearTimeout(flush) },
  );
}

class InspectionPanel {
  static options(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
    };
  }

  private readonly disposables: vscode.Disposable[] = [];
  /** The latest counts the views reported (loss points, heatmap cells). */
  readonly drawn: Partial<Record<'loss' | 'states', number>> = {};
  /** Requests received from the panel by type, and the last one that failed: for diagnostics. */
  readonly received: Record<string, number> = {};
  lastError: string | null = null;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly panel: vscode.WebviewPanel,
    private readonly host: HostModel,
    private readonly history: RunHistory,
    private readonly editor: () => vscode.TextEditor | undefined,
    private readonly inspector: Inspector,
    private readonly store: ModelStore,
  ) {
    const w = panel.webview;
    const uri = (...p: string[]) => w.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, ...p)).toString();
    w.html = panelHtml({
      cspSource: w.cspSource,
      nonce: makeNonce(),
      script: uri('dist', 'webview.js'),
      styles: [uri('media', 'codicons', 'codicon.css'), uri('media', 'panel.css')],
      lang: vscode.env.language,
      title: vscode.l10n.t('Recurrent Lab'),
    });
    this.disposables.push(
      w.onDidReceiveMessage((m) => void this.receive(m)),
      panel.onDidChangeViewState((e) => e.webviewPanel.visible && void this.sendModel()),
      panel.onDidDispose(() => this.disposables.forEach((d) => d.dispose())),
    );
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  post(m: ToPanel): void {
    void this.panel.webview.postMessage(m);
  }

  async sendModel(): Promise<void> {
    try {
      const m = await this.host.get();
      this.post({ type: 'model', model: m ? modelInfo(m.name, m.model, m.tokenizer) : null });
    } catch (e) {
      this.post({ type: 'model', model: null });
      log().warn(`panel: could not load the active model: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseFromPanel(raw);
    if ('error' in parsed) {
      log().warn(`panel: ignored a malformed message (${parsed.error})`);
      return;
    }
    const m = parsed.ok;
    this.received[m.type] = (this.received[m.type] ?? 0) + 1;
    try {
      await this.handle(m);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.lastError = `${m.type}: ${message}`;
      log().error(`panel: ${m.type} failed: ${message}`);
      this.post({ type: 'error', id: 'id' in m ? m.id : undefined, message });
    }
  }

  private async model() {
    const m = await this.host.get();
    if (!m) throw new Error(noModelMessage());
    return m;
  }

  /** Runs a computation on the active model in the inspection worker. */
  private async compute(request: InspectRequest): Promise<ToPanel> {
    await this.model();
    const active = this.store.active!;
    return this.inspector.run(`${active}#${this.host.generation}`, this.store.resolve(active), request);
  }

  /** The text a probe or gradient measurement reads: the editor's selection, else its visible lines. */
  private editorText(maxChars: number): { text: string; source: string } {
    const ed = this.editor();
    if (!ed || ed.document.isClosed) throw new Error(vscode.l10n.t('Open a document (or select text in it) to read it through the model.'));
    const d = ed.document;
    const name = d.uri.path.split('/').pop() ?? d.uri.toString();
    const range = !ed.selection.isEmpty ? ed.selection : ed.visibleRanges[0] ?? new vscode.Range(0, 0, Math.min(d.lineCount, 60), 0);
    const text = d.getText(range).slice(0, maxChars);
    return { text, source: `${name}:${range.start.line + 1}–${range.end.line + 1}` };
  }

  private async handle(m: FromPanel): Promise<void> {
    switch (m.type) {
      case 'ready': {
        this.post({ type: 'init', lang: vscode.env.language, strings: panelStrings() });
        for (const r of this.history.replay()) this.post(r);
        await this.sendModel();
        return;
      }
      case 'probe': {
        const { model, tokenizer, name } = await this.model();
        const src = m.text !== undefined ? { text: m.text, source: vscode.l10n.t('text typed in the panel') } : this.editorText(m.maxSteps * 64);
        if (!src.text) throw new Error(vscode.l10n.t('There is no text to read: select some text or scroll to it.'));
        this.post(await this.compute({ kind: 'probe', reqId: m.id, text: src.text, source: src.source, maxSteps: m.maxSteps }));
        this.post({ type: 'model', model: modelInfo(name, model, tokenizer) });
        return;
      }
      case 'gradientFlow': {
        const { name } = await this.model();
        const { text } = this.editorText(200_000);
        this.post(await this.compute({ kind: 'gradientFlow', reqId: m.id, text, name, maxK: m.maxK, compare: m.compare, labels: { fresh: vscode.l10n.t('fresh {0}'), layer: vscode.l10n.t('layer {0}') } }));
        return;
      }
      case 'sample':
        this.post(await this.compute({ kind: 'sample', req: m }));
        return;
      case 'unroll':
        this.post(await this.compute({ kind: 'unroll', req: m }));
        return;
      case 'insert': {
        const ed = this.editor();
        if (!ed || ed.document.isClosed) throw new Error(vscode.l10n.t('Open a document to insert the sample into.'));
        const shown = await vscode.window.showTextDocument(ed.document, ed.viewColumn);
        await shown.edit((b) => b.replace(shown.selection, m.text));
        return;
      }
      case 'export': {
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? this.context.globalStorageUri, m.name),
          filters: m.kind === 'csv' ? { CSV: ['csv'] } : { PNG: ['png'] },
        });
        if (!target) return;
        const bytes = m.kind === 'csv' ? new TextEncoder().encode(m.data) : fromBase64(m.data.replace(/^data:image\/png;base64,/, ''));
        await vscode.workspace.fs.writeFile(target, bytes);
        this.post({ type: 'exported', path: target.scheme === 'file' ? target.fsPath : target.toString() });
        return;
      }
      case 'log':
        log()[m.level](`panel: ${m.message}`);
        return;
      case 'drawn':
        this.drawn[m.view] = m.count;
        return;
    }
  }
}

function fromBase64(s: string): Uint8Array {
  const bin = globalThis.atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
