/** Characters after which a single quote closes a string: a JSON delimiter, or the end. */
const CLOSERS = new Set([',', ':', '}', ']', ')']);

function closesAt(text: string, quote: number): boolean {
  let i = quote + 1;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i >= text.length || CLOSERS.has(text[i]!);
}

/**
 * Rewrites single-quoted strings (Python's dict repr, `{'a': 'b'}`) as JSON double-quoted
 * strings, leaving double-quoted strings and comments as they are. A single quote closes
 * a string only when a delimiter (`,` `:` `}` `]`) or the end follows it, so apostrophes
 * inside the text survive: `{'thought': 'it's done'}` becomes `{"thought": "it's done"}`.
 * Text without single quotes is returned unchanged.
 */
export function requoteSingleQuotes(text: string): string {
  if (!text.includes("'")) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      const end = text[i + 1] === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : text[i + 1] === '/' ? end : end + 2;
      out += text.slice(i, stop);
      i = stop;
    } else if (ch === "'") {
      let j = i + 1;
      let body = '';
      while (j < text.length && !(text[j] === "'" && closesAt(text, j))) {
        if (text[j] === '\\' && text[j + 1] === "'") {
          body += "'";
          j += 2;
        } else if (text[j] === '\\' && j + 1 < text.length) {
          body += text.slice(j, j + 2);
          j += 2;
        } else {
          body += text[j] === '"' ? '\\"' : text[j];
          j++;
        }
      }
      out += `"${body}"`;
      i = j + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}
