import type uPlot from 'uplot';

/** Colours from the VS Code theme (CSS variables on <body>), read again when the theme changes. */
export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  fg: string;
  muted: string;
  bg: string;
  grid: string;
  border: string;
  focus: string;
  font: string;
  series: string[];
  /** Chart line width: wider in high contrast, where VS Code thickens every stroke. */
  line: number;
  /** Opacity of secondary traces (raw loss under its smoothed curve): firmer in high contrast. */
  faint: number;
}

const css = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

export function readTheme(): Theme {
  const c = document.body.classList;
  const kind = c.contains('vscode-high-contrast-light') ? 'high-contrast-light' : c.contains('vscode-high-contrast') ? 'high-contrast' : c.contains('vscode-light') ? 'light' : 'dark';
  const light = kind === 'light' || kind === 'high-contrast-light';
  const hc = kind === 'high-contrast' || kind === 'high-contrast-light';
  const fg = css('--vscode-editor-foreground', light ? '#333333' : '#cccccc');
  return {
    kind,
    fg,
    muted: css('--vscode-descriptionForeground', light ? '#717171' : '#9d9d9d'),
    bg: css('--vscode-editor-background', light ? '#ffffff' : '#1e1e1e'),
    // high contrast themes give guides the full foreground colour: too heavy behind data
    grid: hc ? withAlpha(fg, 0.3) : css('--vscode-editorIndentGuide-background1', light ? '#d3d3d3' : '#404040'),
    border: css(hc ? '--vscode-contrastBorder' : '--vscode-panel-border', light ? '#e5e5e5' : '#2b2b2b'),
    focus: css('--vscode-focusBorder', '#007fd4'),
    font: `${css('--vscode-font-size', '13px')} ${css('--vscode-font-family', 'system-ui, sans-serif')}`,
    series: [
      css('--vscode-charts-blue', '#3794ff'),
      css('--vscode-charts-orange', '#d18616'),
      css('--vscode-charts-green', '#89d185'),
      css('--vscode-charts-purple', '#b180d7'),
      css('--vscode-charts-red', '#f14c4c'),
      css('--vscode-charts-yellow', '#cca700'),
    ],
    line: hc ? 2 : 1,
    faint: hc ? 0.5 : 0.25,
  };
}

/** Calls back when VS Code switches theme (it rewrites <body>'s class and style). */
export function onThemeChange(fn: () => void): void {
  new MutationObserver(fn).observe(document.body, { attributes: true, attributeFilter: ['class', 'style', 'data-vscode-theme-kind'] });
}

/** A uPlot axis in the theme's colours and font; `splits`, when given, are already spaced, so each gets its label. */
export function axis(th: Theme, label: string, values?: uPlot.Axis['values'], splits?: uPlot.Axis['splits']): uPlot.Axis {
  const own = splits ? { splits, filter: (_u: uPlot, vals: number[]) => vals } : {};
  return { label, stroke: th.muted, font: th.font, labelFont: th.font, grid: { stroke: th.grid, width: 1 }, ticks: { stroke: th.grid, width: 1 }, values, ...own };
}

type RGB = [number, number, number];

export function parseColor(s: string): RGB {
  const m = s.trim().match(/^#([0-9a-f]{3,8})$/i);
  if (m) {
    let x = m[1];
    if (x.length <= 4) x = [...x].map((ch) => ch + ch).join('');
    return [parseInt(x.slice(0, 2), 16), parseInt(x.slice(2, 4), 16), parseInt(x.slice(4, 6), 16)];
  }
  const r = s.match(/rgba?\(([^)]+)\)/);
  if (r) {
    const [a, b, c] = r[1].split(/[ ,/]+/).map(Number);
    return [a, b, c];
  }
  return [128, 128, 128];
}

export function withAlpha(color: string, a: number): string {
  const [r, g, b] = parseColor(color);
  return `rgba(${r},${g},${b},${a})`;
}

// Viridis, 9 stops: perceptually even, readable in light and dark themes and by most colour-blind readers.
const VIRIDIS: RGB[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** A colour map from a value to RGB: `diverging` centres on the background for signed quantities, `sequential` for gates in [0,1]. */
export interface ColorMap {
  kind: 'diverging' | 'sequential';
  lo: number;
  hi: number;
  rgb(v: number): RGB;
  css(v: number): string;
}

export function colorMap(kind: 'diverging' | 'sequential', lo: number, hi: number, theme: Theme): ColorMap {
  const mid = parseColor(theme.bg);
  const neg: RGB = [33, 102, 172];
  const pos: RGB = [214, 96, 77];
  const lerp = (a: RGB, b: RGB, f: number): RGB => [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
  const rgb =
    kind === 'diverging'
      ? (v: number): RGB => {
          const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
          const f = Math.max(-1, Math.min(1, v / m));
          return f < 0 ? lerp(mid, neg, -f) : lerp(mid, pos, f);
        }
      : (v: number): RGB => {
          const f = Math.max(0, Math.min(1, (v - lo) / (hi - lo || 1))) * (VIRIDIS.length - 1);
          const i = Math.min(VIRIDIS.length - 2, Math.floor(f));
          return lerp(VIRIDIS[i], VIRIDIS[i + 1], f - i);
        };
  return { kind, lo, hi, rgb, css: (v) => `rgb(${rgb(v).map(Math.round).join(',')})` };
}

/** Black or white text, whichever reads better on an RGB background. */
export function textOn(rgb: RGB): string {
  const l = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  return l > 140 ? '#000' : '#fff';
}
