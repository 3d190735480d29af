/**
 * Serialises a JSON value on one line the way Python's `json.dumps` does by default
 * (`", "` between items, `": "` after keys), which is how UFO writes control lists, step
 * history and plans into prompts. Non-ASCII characters are kept as they are.
 * `undefined` object members are left out, as `JSON.stringify` does.
 */
export function formatJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => formatJson(v === undefined ? null : v)).join(', ')}]`;
  const members = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}: ${formatJson(v)}`);
  return `{${members.join(', ')}}`;
}
