import { describe, expect, it } from 'vitest';
import { extractExample, toCommonJs } from './readme-example';

describe('extractExample', () => {
  it('takes the first js block after the Example heading', () => {
    const readme = '# x\n```js\nfirst()\n```\n## Example\ntext\n```js\nsecond()\n```\n```js\nthird()\n```\n';
    expect(extractExample(readme)).toBe('second()\n');
  });
  it('returns undefined without an Example section', () => {
    expect(extractExample('# x\n```js\na()\n```\n')).toBeUndefined();
  });
});

describe('toCommonJs', () => {
  it('rewrites named, aliased and namespace imports and wraps the body', () => {
    const cjs = toCommonJs(
      "import { a, b as c } from '@lam/schema';\nimport * as os from 'node:os';\nawait a(c, os);\n",
    );
    expect(cjs).toContain("const { a, b: c } = require('@lam/schema');");
    expect(cjs).toContain("const os = require('node:os');");
    expect(cjs).toContain('(async () => {\nawait a(c, os);');
  });
  it('rewrites imports that span several lines', () => {
    const cjs = toCommonJs("import {\n  a,\n  b,\n} from '@lam/schema';\nconsole.log(a, b);\n");
    expect(cjs).toContain("const { a, b, } = require('@lam/schema');");
    expect(cjs).not.toContain('import');
  });
  it('refuses default imports, which have no single CommonJS meaning', () => {
    expect(() => toCommonJs("import x from 'x';\n")).toThrow(/named or namespace/);
  });
});
