import type { ElementState, PageReader } from './state';

/**
 * The part of a Playwright `Page` that {@link createPageReader} uses, so that this package needs no
 * browser dependency: any object with these methods will do.
 */
export interface PageLike {
  url(): string;
  title(): Promise<string>;
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<R>;
}

function readElements(selector: string): ElementState[] {
  return Array.from(document.querySelectorAll(selector)).map((el) => {
    const html = el as HTMLElement;
    const state: ElementState = {
      // biome-ignore lint/performance/useDomNodeTextContent: checkers compare the text a user sees, which innerText gives
      text: (html.innerText ?? el.textContent ?? '').trim(),
      visible: html.offsetParent !== null || html.getClientRects().length > 0,
      attributes: Object.fromEntries(Array.from(el.attributes).map((a) => [a.name, a.value])),
    };
    if (
      el instanceof HTMLInputElement ||
      el instanceof HTMLTextAreaElement ||
      el instanceof HTMLSelectElement
    )
      state.value = el.value;
    if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio'))
      state.checked = el.checked;
    return state;
  });
}

/** A {@link PageReader} over a live page (a Playwright `Page`, e.g. `WebEnvironment.page`). */
export function createPageReader(page: PageLike): PageReader {
  return {
    url: async () => page.url(),
    title: () => page.title(),
    query: (selector) => page.evaluate(readElements, selector),
  };
}
