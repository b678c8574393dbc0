// Refreshes media/codicons/ from the @vscode/codicons package (run after updating it): node webview/copy-codicons.mjs
import { copyFileSync, mkdirSync } from 'node:fs';
const from = new URL('../node_modules/@vscode/codicons/', import.meta.url);
const to = new URL('../media/codicons/', import.meta.url);
mkdirSync(to, { recursive: true });
for (const f of ['dist/codicon.css', 'dist/codicon.ttf', 'LICENSE', 'LICENSE-CODE']) copyFileSync(new URL(f, from), new URL(f.split('/').pop(), to));
