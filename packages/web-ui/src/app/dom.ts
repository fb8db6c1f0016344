// A small DOM builder: h('div.class', {attrs}, children…). No framework: pages build their nodes.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** Creates `tag` (with `.class` suffixes), its attributes (`on…` are listeners) and children. */
export function h(spec: string, attrs?: Attrs | Child | Child[], ...children: (Child | Child[])[]): HTMLElement {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length > 0) el.className = classes.join(' ');
  if (attrs !== null && typeof attrs === 'object' && !(attrs instanceof Node) && !Array.isArray(attrs)) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === false) continue;
      if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
      else if (k === 'class') el.className += ` ${v}`;
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  } else {
    children.unshift(attrs as Child | Child[]);
  }
  append(el, children);
  return el;
}

function append(el: HTMLElement, children: (Child | Child[])[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c);
    else if (c === null || c === undefined || c === false) continue;
    else el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces the children of `el`. */
export function replace(el: HTMLElement, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A table from a header row and rows of cells. */
export function table(head: string[], rows: (Child | Child[])[][], cls = ''): HTMLElement {
  return h(
    `table.data-table${cls === '' ? '' : `.${cls}`}`,
    h('thead', h('tr', ...head.map((c) => h('th', c)))),
    h('tbody', ...rows.map((r) => h('tr', ...r.map((c) => h('td', c))))),
  );
}

/** An alert box (error, info or warning). */
export function alert(kind: 'error' | 'info' | 'warning', ...children: Child[]): HTMLElement {
  return h(`div.alert.alert-${kind}`, { role: 'alert' }, ...children);
}
