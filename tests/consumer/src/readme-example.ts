/** The first ```js block after a README's "## Example" heading, or undefined. */
export function extractExample(readme: string): string | undefined {
  const section = readme.split(/^## Example\s*$/m)[1];
  if (section === undefined) return undefined;
  return /```js\n([\s\S]*?)```/.exec(section)?.[1];
}

const importStatement = /^import\s+([\s\S]+?)\s+from\s+(['"][^'"]+['"]);?[ \t]*$/gm;

/**
 * Rewrites an ESM example to CommonJS: `import { a, b as c } from 'x'` becomes
 * `const { a, b: c } = require('x')`, `import * as x from 'x'` becomes `const x = require('x')`,
 * and the rest is wrapped in an async function so that top-level await keeps working.
 */
export function toCommonJs(esm: string): string {
  const requires: string[] = [];
  const body = esm.replace(importStatement, (statement, clause: string, source: string) => {
    const names = clause.replace(/\s+/g, ' ').trim();
    if (names.startsWith('* as ')) {
      requires.push(`const ${names.slice(5).trim()} = require(${source});`);
    } else if (names.startsWith('{')) {
      requires.push(`const ${names.replace(/\s+as\s+/g, ': ')} = require(${source});`);
    } else {
      throw new Error(`README examples may use only named or namespace imports; found: ${statement}`);
    }
    return '';
  });
  return `${requires.join('\n')}\n(async () => {\n${body.trim()}\n})().catch((error) => {\n  console.error(error);\n  process.exit(1);\n});\n`;
}
