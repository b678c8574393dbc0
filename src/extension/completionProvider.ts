import * as vscode from 'vscode';
import { DEFAULT_COMPLETION } from '../core/generate/complete';
import { completionWindow, PrefixCompleter } from '../core/generate/prefixCache';
import type { HostModel } from './hostModel';
import { log } from './log';

const ENABLED_KEY = 'recurrentLab.completionsEnabled';

/** Settings read on every request, so changes apply at once. */
function settings() {
  const c = vscode.workspace.getConfiguration('recurrentLab.completions');
  return {
    enabled: c.get<boolean>('enabled', true),
    languages: c.get<string[]>('languages', ['*']),
    maxLength: c.get<number>('maxLength', DEFAULT_COMPLETION.max),
    minConfidence: c.get<number>('minConfidence', DEFAULT_COMPLETION.minConfidence),
    debounceMs: c.get<number>('debounceMs', 75),
    context: c.get<number>('context', 1024),
    maxFileBytes: c.get<number>('maxFileBytes', 1_000_000),
  };
}

/**
 * Ghost text from the active model: the same greedy completion as
 * `rlab complete`, computed incrementally from cached recurrent states, after
 * a short debounce, and abandoned as soon as VS Code cancels the request.
 */
export class CompletionProvider implements vscode.InlineCompletionItemProvider {
  private completer: { key: unknown; pc: PrefixCompleter } | undefined;
  /** Latency of the last computed suggestion (ms), for the status tooltip and tests. */
  lastMs = 0;
  calls = 0;

  constructor(
    private readonly host: HostModel,
    private readonly state: vscode.Memento,
  ) {}

  get toggled(): boolean {
    return this.state.get<boolean>(ENABLED_KEY, true);
  }

  async setToggled(on: boolean): Promise<void> {
    await this.state.update(ENABLED_KEY, on);
  }

  private enabledFor(doc: vscode.TextDocument, s: ReturnType<typeof settings>): boolean {
    if (!s.enabled || !this.toggled) return false;
    if (!s.languages.includes('*') && !s.languages.includes(doc.languageId)) return false;
    // the document's length in characters without copying its text on every keystroke
    return doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end) <= s.maxFileBytes;
  }

  async provideInlineCompletionItems(doc: vscode.TextDocument, pos: vscode.Position, _ctx: vscode.InlineCompletionContext, token: vscode.CancellationToken): Promise<vscode.InlineCompletionItem[] | undefined> {
    const s = settings();
    if (!this.enabledFor(doc, s)) return undefined;
    if (s.debounceMs > 0) await new Promise((r) => setTimeout(r, s.debounceMs));
    if (token.isCancellationRequested) return undefined;
    let loaded;
    try {
      loaded = await this.host.get();
    } catch (e) {
      log().warn(`completions: cannot load the active model: ${String(e)}`);
      return undefined;
    }
    if (!loaded || token.isCancellationRequested) return undefined;
    if (this.completer?.key !== loaded.model) this.completer = { key: loaded.model, pc: new PrefixCompleter(loaded.model, loaded.tokenizer) };
    // Read from a line well above the cursor: that start stays put while typing, so cached states stay valid.
    const firstLine = Math.max(0, pos.line - 400);
    const before = doc.getText(new vscode.Range(new vscode.Position(firstLine, 0), pos));
    const prefix = completionWindow(before, s.context);
    const t0 = Date.now();
    const r = this.completer.pc.complete(prefix, { max: s.maxLength, minConfidence: s.minConfidence, stopAtNewline: true });
    this.lastMs = Date.now() - t0;
    this.calls++;
    if (token.isCancellationRequested || r.completion.length === 0) return undefined;
    return [new vscode.InlineCompletionItem(r.completion, new vscode.Range(pos, pos))];
  }
}
