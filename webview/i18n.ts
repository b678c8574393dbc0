/** The panel's strings: English in the code, translations from the host's init message (vscode.l10n). */
let table: Record<string, string> = {};

export function setStrings(s: Record<string, string>): void {
  table = s;
}

/** Looks up a string and fills {0}, {1}… */
export function t(s: string, ...args: Array<string | number>): string {
  const tr = table[s] ?? s;
  return args.length ? tr.replace(/\{(\d+)\}/g, (m, i) => (args[+i] !== undefined ? String(args[+i]) : m)) : tr;
}
