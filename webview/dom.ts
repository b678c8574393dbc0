/** Small DOM helpers: elements are built with properties, never from HTML strings (the CSP forbids inline styles anyway). */
type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c) el.append(c);
  return el;
}

/** A codicon. */
export const icon = (name: string): HTMLElement => h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });

export function button(label: string, iconName: string | null, onClick: () => void, attrs: Attrs = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', class: iconName && !label ? 'icon-button' : 'button', title: attrs.title ?? label, 'aria-label': attrs['aria-label'] ?? label, ...attrs }, iconName ? icon(iconName) : null, label ? h('span', { text: label }) : null);
  b.addEventListener('click', onClick);
  return b;
}

export function labelled(text: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', { class: 'field', title: hint }, h('span', { class: 'field-label', text }), control);
}

/** A labelled group of several controls (a <label> would name only the first of them). */
export function group(text: string, ...controls: HTMLElement[]): HTMLElement {
  return h('span', { class: 'field', role: 'group', 'aria-label': text }, h('span', { class: 'field-label', text, 'aria-hidden': 'true' }), ...controls);
}

export function select<T extends string>(options: Array<[T, string]>, value: T, onChange: (v: T) => void): HTMLSelectElement {
  const s = h('select');
  for (const [v, label] of options) s.append(h('option', { value: v, text: label, selected: v === value }));
  s.value = value;
  s.addEventListener('change', () => onChange(s.value as T));
  return s;
}

export function numberInput(value: number, o: { min: number; max: number; step: number }, onChange: (v: number) => void): HTMLInputElement {
  const i = h('input', { type: 'number', min: o.min, max: o.max, step: o.step, value });
  i.addEventListener('change', () => {
    const v = Number(i.value);
    if (!Number.isFinite(v)) return;
    const c = Math.min(o.max, Math.max(o.min, v));
    if (c !== v) i.value = String(c);
    onChange(c);
  });
  return i;
}

export function checkbox(label: string, checked: boolean, onChange: (v: boolean) => void): HTMLLabelElement {
  const c = h('input', { type: 'checkbox', checked });
  c.addEventListener('change', () => onChange(c.checked));
  return h('label', { class: 'check' }, c, h('span', { text: label }));
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

/** Shows a printable form of a token (whitespace made visible). */
export function showToken(t: string): string {
  return t.replace(/\n/g, '↵').replace(/\t/g, '⇥').replace(/^ $/, '␣').replace(/\u0000<unk>/, '�');
}

export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  // exponential where fixed digits would print a non-zero value as 0.00…
  if (a !== 0 && (a < Math.max(1e-3, 10 ** -digits) || a >= 1e5)) return v.toExponential(2);
  return v.toFixed(digits);
}
