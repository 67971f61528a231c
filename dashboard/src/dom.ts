// Building the page without HTML strings: every text, above all post and comment text written by
// strangers, goes in as a text node, so markup in it stays visible text and never runs. Links are
// made only for http and https addresses.

type Child = Node | string | number | null | undefined | false;

export interface Attributes {
  className?: string;
  id?: string;
  type?: string;
  name?: string;
  value?: string;
  placeholder?: string;
  title?: string;
  htmlFor?: string;
  role?: string;
  hidden?: boolean;
  disabled?: boolean;
  checked?: boolean;
  required?: boolean;
  autocomplete?: string;
  min?: string;
  max?: string;
  /** data-* attributes, without the prefix. */
  data?: Record<string, string>;
  aria?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  const { data, aria, htmlFor, className, ...properties } = attributes;
  if (className) element.className = className;
  if (htmlFor && element instanceof HTMLLabelElement) element.htmlFor = htmlFor;
  for (const [key, value] of Object.entries(properties)) {
    if (value === undefined) continue;
    if (typeof value === 'boolean') {
      if (value) element.setAttribute(key, '');
      (element as unknown as Record<string, boolean>)[key] = value;
    } else element.setAttribute(key, String(value));
  }
  if (attributes.value !== undefined && 'value' in element) (element as HTMLInputElement).value = attributes.value;
  for (const [key, value] of Object.entries(data ?? {})) element.dataset[key] = value;
  for (const [key, value] of Object.entries(aria ?? {})) element.setAttribute(`aria-${key}`, value);
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function clear(element: Element): void {
  element.replaceChildren();
}

/** The URL when it is an absolute http(s) address, otherwise undefined (javascript:, data: and relative links are not followed). */
export function safeHttpUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** A link that leaves the dashboard, or plain text when the address is not http(s). */
export function externalLink(url: string | null | undefined, label: string): HTMLElement {
  const href = safeHttpUrl(url);
  if (!href) return el('span', {}, label);
  const link = el('a', { className: 'external' }, label);
  link.href = href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  return link;
}

/** A link within the dashboard or to the API (same origin). */
export function internalLink(href: string, label: string, attributes: Attributes = {}): HTMLAnchorElement {
  const link = el('a', attributes, label);
  link.href = href;
  return link;
}

export function button(label: string, onClick: (event: MouseEvent) => void, attributes: Attributes = {}): HTMLButtonElement {
  const element = el('button', { type: 'button', ...attributes }, label);
  element.addEventListener('click', onClick);
  return element;
}

export function select(options: readonly { value: string; label: string }[], selected: string, attributes: Attributes = {}): HTMLSelectElement {
  const element = el('select', attributes);
  for (const option of options) {
    const item = el('option', {}, option.label);
    item.value = option.value;
    item.selected = option.value === selected;
    element.appendChild(item);
  }
  return element;
}

/** A labelled form control. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return el('label', { className: 'field' }, el('span', { className: 'field-label' }, label), control, hint ? el('span', { className: 'hint' }, hint) : null);
}

