// Functions that run inside the page (through page.evaluate). Each must be self-contained:
// Playwright sends its source text to the browser, so nothing outside its body is in scope.

/** A control as the in-page walk reports it (rectangles in the frame's CSS pixels). */
export interface RawControl {
  /** Index in the frame's element store, for acting on it later. */
  i: number;
  role: string;
  type: string;
  name: string;
  value?: string;
  cls: string;
  id?: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** States: enabled, visible, focused, focusable, selected, checked, expanded, editable, pressed. */
  s: Record<string, boolean>;
}

/** What one frame's walk gives. */
export interface FrameWalk {
  controls: RawControl[];
  width: number;
  height: number;
  dpr: number;
  title: string;
  text?: string;
}

/** Options of the walk. */
export interface WalkOptions {
  generation: number;
  includeHidden: boolean;
  maxNameLength: number;
  maxValueLength: number;
  text: boolean;
}

/**
 * Walks the frame's DOM and open shadow roots once, in document order, and reports every
 * interactive element: ARIA role (explicit or implicit), UFO-style type, accessible name (an
 * approximation of accname: aria-labelledby, aria-label, labels, content, alt, title,
 * placeholder), value, states and bounding box. The elements are kept in the frame under
 * `__lamGrounding` so that actions can find them again by index. Returns a {@link FrameWalk} as JSON.
 */
export function walkFrame(options: WalkOptions): string {
  const TYPES: Record<string, string> = {
    button: 'Button',
    link: 'Hyperlink',
    textbox: 'Edit',
    searchbox: 'Edit',
    checkbox: 'CheckBox',
    switch: 'CheckBox',
    radio: 'RadioButton',
    combobox: 'ComboBox',
    listbox: 'List',
    option: 'ListItem',
    menuitem: 'MenuItem',
    menuitemcheckbox: 'MenuItem',
    menuitemradio: 'MenuItem',
    tab: 'TabItem',
    treeitem: 'TreeItem',
    slider: 'Slider',
    spinbutton: 'Spinner',
    gridcell: 'DataItem',
    scrollbar: 'ScrollBar',
  };
  const NAME_FROM_CONTENT = new Set([
    'button',
    'link',
    'checkbox',
    'switch',
    'radio',
    'option',
    'menuitem',
    'menuitemcheckbox',
    'menuitemradio',
    'tab',
    'treeitem',
    'gridcell',
  ]);
  const INPUT_ROLES: Record<string, string> = {
    button: 'button',
    submit: 'button',
    reset: 'button',
    image: 'button',
    file: 'button',
    checkbox: 'checkbox',
    radio: 'radio',
    range: 'slider',
    number: 'spinbutton',
    search: 'searchbox',
  };
  const squash = (t: string | null | undefined, max: number) => {
    const s = (t ?? '').replace(/\s+/g, ' ').trim();
    return s.length > max ? s.slice(0, max) : s;
  };

  const implicitRole = (el: Element): string => {
    const tag = el.localName;
    switch (tag) {
      case 'a':
      case 'area':
        return el.hasAttribute('href') ? 'link' : '';
      case 'button':
      case 'summary':
        return 'button';
      case 'textarea':
        return 'textbox';
      case 'select': {
        const s = el as HTMLSelectElement;
        return s.multiple || s.size > 1 ? 'listbox' : 'combobox';
      }
      case 'option':
        return 'option';
      case 'input': {
        const type = (el as HTMLInputElement).type;
        if (type === 'hidden') return '';
        if (type in INPUT_ROLES) return INPUT_ROLES[type]!;
        return el.hasAttribute('list') ? 'combobox' : 'textbox';
      }
      default:
        return '';
    }
  };

  const byId = (el: Element, id: string): Element | null => {
    const root = el.getRootNode() as Document | ShadowRoot;
    return root.getElementById ? root.getElementById(id) : null;
  };

  const contentText = (el: Element): string => {
    let t = el.textContent ?? '';
    if (t.trim() === '' && el.shadowRoot) t = el.shadowRoot.textContent ?? '';
    if (t.trim() === '') {
      const img = el.querySelector('img[alt]');
      if (img) t = img.getAttribute('alt') ?? '';
    }
    return t;
  };

  const nameOf = (el: Element, role: string): string => {
    const max = options.maxNameLength;
    const labelledby = el.getAttribute('aria-labelledby');
    if (labelledby) {
      const text = labelledby
        .split(/\s+/)
        .map((id) => byId(el, id)?.textContent ?? '')
        .join(' ');
      if (text.trim()) return squash(text, max);
    }
    const aria = el.getAttribute('aria-label');
    if (aria?.trim()) return squash(aria, max);
    if (TYPES[role] === undefined) return squash(el.getAttribute('title'), max);
    const tag = el.localName;
    if (tag === 'input' || tag === 'textarea' || tag === 'select') {
      const input = el as HTMLInputElement;
      if (['button', 'submit', 'reset'].includes(input.type)) {
        return squash(
          input.value || (input.type === 'submit' ? 'Submit' : input.type === 'reset' ? 'Reset' : ''),
          max,
        );
      }
      if (input.type === 'image') return squash(input.alt || input.value, max);
      const labels = input.labels;
      if (labels && labels.length > 0) {
        const text = Array.from(labels)
          .map((l) => {
            let t = '';
            for (const n of Array.from(l.childNodes)) {
              if (n === el || (n as Element).contains?.(el)) continue;
              if (n.nodeType === 1 && ['input', 'select', 'textarea'].includes((n as Element).localName))
                continue;
              t += n.textContent ?? '';
            }
            return t;
          })
          .join(' ');
        if (text.trim()) return squash(text, max);
      }
      const title = el.getAttribute('title') ?? el.getAttribute('placeholder');
      return squash(title, max);
    }
    if (tag === 'img' || tag === 'area')
      return squash(el.getAttribute('alt') ?? el.getAttribute('title'), max);
    if (NAME_FROM_CONTENT.has(role)) {
      const text = contentText(el);
      if (text.trim()) return squash(text, max);
    }
    return squash(el.getAttribute('title') ?? el.getAttribute('placeholder') ?? '', max);
  };

  const deepActive = (): Element | null => {
    let a: Element | null = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a;
  };
  const active = deepActive();

  const valueText = (el: Element, role: string): string | undefined => {
    const max = options.maxValueLength;
    const tag = el.localName;
    if (tag === 'input') {
      const input = el as HTMLInputElement;
      if (['button', 'submit', 'reset', 'image', 'checkbox', 'radio', 'file'].includes(input.type))
        return undefined;
      if (input.type === 'password') return '•'.repeat(Math.min(input.value.length, max));
      return input.value.slice(0, max);
    }
    if (tag === 'textarea') return (el as HTMLTextAreaElement).value.slice(0, max);
    if (tag === 'select') {
      const s = el as HTMLSelectElement;
      return Array.from(s.selectedOptions)
        .map((o) => squash(o.textContent, max))
        .join(', ');
    }
    // biome-ignore lint/performance/useDomNodeTextContent: innerText keeps the line breaks the user sees
    if ((el as HTMLElement).isContentEditable) return ((el as HTMLElement).innerText ?? '').slice(0, max);
    if (role === 'link') return (el as HTMLAnchorElement).href || el.getAttribute('href') || undefined;
    const now = el.getAttribute('aria-valuetext') ?? el.getAttribute('aria-valuenow');
    return now ?? undefined;
  };

  const ariaBool = (el: Element, attr: string): boolean | undefined => {
    const v = el.getAttribute(attr);
    if (v === 'true') return true;
    if (v === 'false') return false;
    return undefined;
  };

  const controls: RawControl[] = [];
  const elements: Element[] = [];

  const consider = (el: Element) => {
    const explicit = (el.getAttribute('role') ?? '').trim().split(/\s+/)[0] ?? '';
    let role = explicit && explicit !== 'presentation' && explicit !== 'none' ? explicit : implicitRole(el);
    const html = el as HTMLElement;
    let type = TYPES[role];
    if (html.isContentEditable && !(el.parentElement as HTMLElement | null)?.isContentEditable) {
      role = role || 'textbox';
      type = 'Document';
    }
    if (type === undefined) {
      // A scrolled area (a log, a feed, a side panel) is a target for the mouse wheel.
      if (el.clientHeight === 0 || el.scrollHeight <= el.clientHeight + 1 || el === document.body) return;
      const overflow = getComputedStyle(el).overflowY;
      if (overflow !== 'auto' && overflow !== 'scroll') return;
      type = 'Pane';
      role = role || explicit || 'region';
    }
    const rect = el.getBoundingClientRect();
    const visible =
      rect.width > 0 &&
      rect.height > 0 &&
      el.checkVisibility({ checkVisibilityCSS: true, checkOpacity: false });
    if (!visible && !options.includeHidden) return;
    const s: Record<string, boolean> = { visible };
    const disabled =
      (el as HTMLInputElement).disabled === true ||
      el.matches(':disabled') ||
      ariaBool(el, 'aria-disabled') === true;
    s.enabled = !disabled;
    s.focused = el === active;
    s.focusable = html.tabIndex >= 0 && !disabled;
    const tag = el.localName;
    if (tag === 'input' && ['checkbox', 'radio'].includes((el as HTMLInputElement).type)) {
      s.checked = (el as HTMLInputElement).checked;
    } else {
      const checked = ariaBool(el, 'aria-checked');
      if (checked !== undefined) s.checked = checked;
    }
    if (tag === 'option') s.selected = (el as HTMLOptionElement).selected;
    else {
      const selected = ariaBool(el, 'aria-selected');
      if (selected !== undefined) s.selected = selected;
    }
    const expanded = ariaBool(el, 'aria-expanded');
    if (expanded !== undefined) s.expanded = expanded;
    else if (tag === 'summary' && el.parentElement?.localName === 'details') {
      s.expanded = (el.parentElement as HTMLDetailsElement).open;
    }
    const pressed = ariaBool(el, 'aria-pressed');
    if (pressed !== undefined) s.pressed = pressed;
    if (type === 'Edit' || type === 'Document' || role === 'combobox') {
      s.editable =
        html.isContentEditable ||
        ((tag === 'input' || tag === 'textarea') && !(el as HTMLInputElement).readOnly && !disabled);
    }
    const inputType = tag === 'input' ? (el as HTMLInputElement).type : '';
    const c: RawControl = {
      i: elements.length,
      role,
      type,
      name: nameOf(el, role),
      cls: inputType ? `${tag}:${inputType}` : tag,
      x: rect.x,
      y: rect.y,
      w: rect.width,
      h: rect.height,
      s,
    };
    const value = valueText(el, role);
    if (value !== undefined) c.value = value;
    if (el.id) c.id = el.id;
    elements.push(el);
    controls.push(c);
  };

  const walk = (root: Element | ShadowRoot) => {
    for (let child = root.firstElementChild; child !== null; child = child.nextElementSibling) {
      const tag = child.localName;
      if (tag === 'script' || tag === 'style' || tag === 'template' || tag === 'head') continue;
      consider(child);
      if (child.shadowRoot) walk(child.shadowRoot);
      if (tag !== 'select' && tag !== 'iframe') walk(child);
      else if (tag === 'select') {
        // Options of a drop-down are reachable (listed as the combo box's items) even while closed.
        for (const option of Array.from((child as HTMLSelectElement).options)) {
          if (
            options.includeHidden ||
            (child as HTMLSelectElement).size > 1 ||
            (child as HTMLSelectElement).multiple
          ) {
            consider(option);
          }
        }
      }
    }
  };
  walk(document.documentElement);

  (window as unknown as Record<string, unknown>).__lamGrounding = {
    generation: options.generation,
    elements,
  };
  const out: FrameWalk = {
    controls,
    width: window.innerWidth,
    height: window.innerHeight,
    dpr: window.devicePixelRatio,
    title: document.title,
  };
  // biome-ignore lint/performance/useDomNodeTextContent: the visible text, laid out, is what the model should read
  if (options.text) out.text = document.body?.innerText ?? '';
  // One JSON string crosses the protocol far faster than Playwright's per-value serialisation
  // (about 40 ms against 700 ms for 5,000 controls).
  return JSON.stringify(out);
}

/** Returns the stored element `index` of observation `generation`, or null when it is gone. */
export function storedElement(arg: [number, number]): Element | null {
  const store = (window as unknown as Record<string, unknown>).__lamGrounding as
    | { generation: number; elements: Element[] }
    | undefined;
  if (store === undefined || store.generation !== arg[0]) return null;
  const el = store.elements[arg[1]];
  return el?.isConnected ? el : null;
}
