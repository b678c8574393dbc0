import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Japanese is a first-class translation: every UI string of the extension has one. */
const ROOT = resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The literal first argument of every vscode.l10n.t('…') call, unescaped as JavaScript would. */
function l10nStrings(): Set<string> {
  const found = new Set<string>();
  for (const file of sources(join(ROOT, 'src/extension'))) {
    const text = readFileSync(file, 'utf8');
    // The matched text is a single string literal, so evaluating it gives exactly the runtime string.
    for (const m of text.matchAll(/l10n\.t\(\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/g)) found.add(new Function(`return ${m[1]};`)() as string);
  }
  return found;
}

describe('translations', () => {
  it('every vscode.l10n.t string has a Japanese entry, and no entry is stale', () => {
    const ja = JSON.parse(readFileSync(join(ROOT, 'l10n/bundle.l10n.ja.json'), 'utf8')) as Record<string, string>;
    const used = l10nStrings();
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((s) => !(s in ja))).toEqual([]);
    expect(Object.keys(ja).filter((s) => !used.has(s))).toEqual([]);
    for (const [en, tr] of Object.entries(ja)) {
      // Placeholders survive translation.
      for (const ph of en.match(/\{\d+\}/g) ?? []) expect(tr, en).toContain(ph);
    }
  });

  it('every %key% in package.json is in package.nls.json and package.nls.ja.json', () => {
    const pkg = readFileSync(join(ROOT, 'package.json'), 'utf8');
    const keys = [...pkg.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(10);
    for (const file of ['package.nls.json', 'package.nls.ja.json']) {
      const nls = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, string>;
      expect(keys.filter((k) => !(k in nls)), file).toEqual([]);
    }
  });
});
