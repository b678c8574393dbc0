/**
 * Serves the real panel (dist/webview.js, media/panel.css, media/codicons) in
 * the page the extension builds (panelHtml: same CSP, nonce and resources) on
 * 127.0.0.1, and drives Debian's Chromium with playwright-core. A stand-in for
 * VS Code's webview API is injected before the page's scripts: it records what
 * the panel posts, keeps its state in sessionStorage (so a reload restores it),
 * answers requests with recorded host messages, and applies a theme's CSS
 * variables and body class the way VS Code does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../src/extension/panelHtml';
import type { Fixture } from './record';
import { ROOT } from './record';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...(process.env.RLAB_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? [])];

/** A subset of VS Code's Dark Modern, Light Modern and the two High Contrast themes' colours: what the panel reads. */
export const THEMES: Record<'dark' | 'light' | 'hc' | 'hcLight', { cls: string; vars: Record<string, string> }> = {
  dark: {
    cls: 'vscode-dark',
    vars: {
      '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace', '--vscode-editor-font-size': '13px',
      '--vscode-foreground': '#cccccc', '--vscode-editor-foreground': '#cccccc', '--vscode-editor-background': '#1f1f1f', '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-panel-border': '#2b2b2b', '--vscode-focusBorder': '#0078d4', '--vscode-editorIndentGuide-background1': '#404040',
      '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-input-background': '#313131', '--vscode-input-foreground': '#cccccc', '--vscode-input-border': '#3c3c3c', '--vscode-dropdown-background': '#313131', '--vscode-dropdown-foreground': '#cccccc',
      '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-charts-red': '#f14c4c', '--vscode-charts-yellow': '#cca700',
      '--vscode-textLink-foreground': '#4daafc', '--vscode-editorWidget-background': '#202020', '--vscode-editor-selectionBackground': '#264f78', '--vscode-errorForeground': '#f85149',
    },
  },
  light: {
    cls: 'vscode-light',
    vars: {
      '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace', '--vscode-editor-font-size': '13px',
      '--vscode-foreground': '#3b3b3b', '--vscode-editor-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff', '--vscode-descriptionForeground': '#717171',
      '--vscode-panel-border': '#e5e5e5', '--vscode-focusBorder': '#005fb8', '--vscode-editorIndentGuide-background1': '#d3d3d3',
      '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#3b3b3b', '--vscode-input-border': '#cecece', '--vscode-dropdown-background': '#ffffff', '--vscode-dropdown-foreground': '#3b3b3b',
      '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#388a34', '--vscode-charts-purple': '#652d90', '--vscode-charts-red': '#e51400', '--vscode-charts-yellow': '#bf8803',
      '--vscode-textLink-foreground': '#005fb8', '--vscode-editorWidget-background': '#f8f8f8', '--vscode-editor-selectionBackground': '#add6ff', '--vscode-errorForeground': '#f85149',
    },
  },
  hc: {
    cls: 'vscode-high-contrast',
    vars: {
      '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace', '--vscode-editor-font-size': '13px',
      '--vscode-foreground': '#ffffff', '--vscode-editor-foreground': '#ffffff', '--vscode-editor-background': '#000000', '--vscode-descriptionForeground': '#ffffffb3',
      '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518', '--vscode-panel-border': '#6fc3df', '--vscode-focusBorder': '#f38518', '--vscode-editorIndentGuide-background1': '#ffffff',
      '--vscode-button-background': '#000000', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#6fc3df', '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-input-background': '#000000', '--vscode-input-foreground': '#ffffff', '--vscode-input-border': '#6fc3df', '--vscode-dropdown-background': '#000000', '--vscode-dropdown-foreground': '#ffffff', '--vscode-dropdown-border': '#6fc3df',
      '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-charts-red': '#f48771', '--vscode-charts-yellow': '#cca700',
      '--vscode-textLink-foreground': '#21a6ff', '--vscode-editorWidget-background': '#0c141f', '--vscode-editor-selectionBackground': '#ffffff', '--vscode-errorForeground': '#f48771',
    },
  },
  hcLight: {
    cls: 'vscode-high-contrast-light',
    vars: {
      '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace', '--vscode-editor-font-size': '13px',
      '--vscode-foreground': '#292929', '--vscode-editor-foreground': '#292929', '--vscode-editor-background': '#ffffff', '--vscode-descriptionForeground': '#292929b3',
      '--vscode-contrastBorder': '#0f4a85', '--vscode-contrastActiveBorder': '#006bbd', '--vscode-panel-border': '#0f4a85', '--vscode-focusBorder': '#006bbd', '--vscode-editorIndentGuide-background1': '#292929',
      '--vscode-button-background': '#0f4a85', '--vscode-button-foreground': '#ffffff', '--vscode-button-border': '#0f4a85', '--vscode-button-secondaryForeground': '#292929',
      '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#292929', '--vscode-input-border': '#0f4a85', '--vscode-dropdown-background': '#ffffff', '--vscode-dropdown-foreground': '#292929', '--vscode-dropdown-border': '#0f4a85',
      '--vscode-charts-blue': '#0f4a85', '--vscode-charts-orange': '#b5200d', '--vscode-charts-green': '#374e06', '--vscode-charts-purple': '#652d90', '--vscode-charts-red': '#b5200d', '--vscode-charts-yellow': '#895503',
      '--vscode-textLink-foreground': '#0f4a85', '--vscode-editorWidget-background': '#ffffff', '--vscode-editor-selectionBackground': '#0f4a851a', '--vscode-errorForeground': '#b5200d',
    },
  },
};

export interface Served {
  url: string;
  origin: string;
  close(): Promise<void>;
}

/** Serves the panel page and the extension's own files (only dist/webview.js and media/). */
export async function serve(): Promise<Served> {
  const types: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css', ttf: 'font/ttf', map: 'application/json' };
  let html = '';
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(html);
      return;
    }
    const ok = /^\/(dist\/webview\.js(\.map)?|media\/[\w./-]+)$/.test(path) && !path.includes('..');
    const file = join(ROOT, path);
    if (!ok || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.split('.').pop()!] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  html = panelHtml({
    cspSource: origin,
    nonce: 'n0nce1234567890abcdef',
    script: `${origin}/dist/webview.js`,
    styles: [`${origin}/media/codicons/codicon.css`, `${origin}/media/panel.css`],
    lang: 'en',
    title: 'Recurrent Lab',
  });
  return { url: `${origin}/`, origin, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

/** The stand-in for VS Code's side of the webview, injected before the panel's script runs. */
function initScript(fixture: Fixture, theme: keyof typeof THEMES, lang: 'en' | 'ja', feed: 'live' | 'replay' | 'none'): string {
  return `(() => {
  const F = ${JSON.stringify(fixture)};
  const THEMES = ${JSON.stringify(THEMES)};
  const w = window;
  w.__posted = [];
  w.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  const send = (m) => w.postMessage(m, '*');
  w.__send = send;
  w.__fixture = F;
  w.__setTheme = (name) => {
    const t = THEMES[name];
    const html = document.documentElement;
    html.style.cssText = ''; // no colour of the previous theme lingers
    for (const [k, v] of Object.entries(t.vars)) html.style.setProperty(k, v);
    document.body.className = t.cls;
  };
  document.addEventListener('DOMContentLoaded', () => w.__setTheme(${JSON.stringify(theme)}));
  const reply = (m) => {
    switch (m.type) {
      case 'ready':
        send(${lang === 'ja' ? 'F.initJa' : 'F.init'});
        for (const x of ${feed === 'none' ? '[]' : feed === 'live' ? 'F.live' : 'F.replay'}) send(x);
        send(F.model);
        break;
      case 'probe': send({ ...F.probe, id: m.id }); break;
      case 'gradientFlow': send({ ...F.gradientFlow, id: m.id }); break;
      case 'sample': send({ ...F.sample, id: m.id }); break;
      case 'unroll': send({ ...F.unrolled, id: m.id }); break;
    }
  };
  w.acquireVsCodeApi = () => ({
    postMessage: (m) => { w.__posted.push(m); setTimeout(() => reply(m), 0); },
    getState: () => { const s = sessionStorage.getItem('rlab-state'); return s ? JSON.parse(s) : undefined; },
    setState: (s) => sessionStorage.setItem('rlab-state', JSON.stringify(s)),
  });
})();`;
}

export interface Session {
  browser: Browser;
  page: Page;
  /** Console errors, page errors and failed requests. */
  errors: string[];
  warnings: string[];
  close(): Promise<void>;
}

export async function open(url: string, fixture: Fixture, o: { theme?: 'dark' | 'light'; lang?: 'en' | 'ja'; feed?: 'live' | 'replay' | 'none'; width?: number; height?: number } = {}): Promise<Session> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: o.width ?? 1200, height: o.height ?? 820 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
      if (m.type() === 'warning') warnings.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()}`));
    await page.route(/^(?!http:\/\/127\.0\.0\.1[:/]).*/, (r) => r.abort());
    await page.addInitScript({ content: initScript(fixture, o.theme ?? 'dark', o.lang ?? 'en', o.feed ?? 'live') });
    await page.goto(url);
    await page.waitForSelector('.tabs [role="tab"]');
    return { browser, page, errors, warnings, close: () => browser.close() };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

/**
 * Pixels of a canvas (or of an element's screenshot) that differ from the
 * background colour by more than a small tolerance.
 */
export async function inkPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const els = [...document.querySelectorAll<HTMLCanvasElement>(sel)];
    const bg = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim();
    const m = bg.match(/^#(..)(..)(..)$/)!;
    const [R, G, B] = [1, 2, 3].map((i) => parseInt(m[i], 16));
    let n = 0;
    for (const c of els) {
      if (!c.width || !c.height) continue;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] < 16) continue; // transparent: the page background shows through
        if (Math.abs(d[i] - R) + Math.abs(d[i + 1] - G) + Math.abs(d[i + 2] - B) > 24) n++;
      }
    }
    return n;
  }, selector);
}

/** Pixels of the canvases matched by `selector` within a small distance of `hex` (a series colour). */
export async function colorPixels(page: Page, selector: string, hex: string): Promise<number> {
  return page.evaluate(
    ([sel, col]) => {
      const [R, G, B] = [1, 3, 5].map((i) => parseInt(col.slice(i, i + 2), 16));
      let n = 0;
      for (const c of document.querySelectorAll<HTMLCanvasElement>(sel)) {
        if (!c.width || !c.height) continue;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 128 && Math.abs(d[i] - R) + Math.abs(d[i + 1] - G) + Math.abs(d[i + 2] - B) < 60) n++;
      }
      return n;
    },
    [selector, hex] as const,
  );
}

/**
 * Visible buttons under `root` whose text has less than `min`:1 WCAG contrast with the first
 * opaque background behind it, as "label: ratio" (empty when all pass).
 */
export async function buttonContrasts(page: Page, root: string, min = 7): Promise<string[]> {
  return page.evaluate(
    ([root, min]) => {
      const rgba = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (x: number) => ((x /= 255) <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const behind = (e: Element | null): number[] => {
        for (; e; e = e.parentElement) {
          const c = rgba(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const bad: string[] = [];
      for (const b of document.querySelectorAll<HTMLElement>(`${root} button`)) {
        if (!b.offsetParent || !b.textContent?.trim()) continue;
        const fg = lum(rgba(getComputedStyle(b).color).slice(0, 3));
        const bg = lum(behind(b));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        if (ratio < (min as number)) bad.push(`${b.textContent.trim()}: ${ratio.toFixed(2)}`);
      }
      return bad;
    },
    [root, min] as const,
  );
}
