import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseTemplate, defaultTemplatesDir, loadTemplateCatalogue, scoreTemplates } from './templates';

const dir = mkdtempSync(join(tmpdir(), 'lam-templates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the shipped Writer templates', () => {
  const catalogue = loadTemplateCatalogue();

  it('are listed in description.json with their text', () => {
    expect(catalogue.dir).toBe(defaultTemplatesDir());
    expect(catalogue.templates.map((t) => t.file).sort()).toEqual([
      'handbook.fodt',
      'letter.fodt',
      'list.fodt',
      'report.fodt',
      'table.fodt',
    ]);
    const table = catalogue.templates.find((t) => t.file === 'table.fodt');
    expect(table?.text).toContain('Quarter 1');
    expect(table?.text).not.toContain('office:');
  });

  it('are chosen by lexical similarity to the task', () => {
    const file = (task: string) => chooseTemplate(task, catalogue).template.file;
    expect(file('Split cells')).toBe('table.fodt');
    expect(file('Apply an AutoFormat to a table')).toBe('table.fodt');
    expect(file('Add bullets')).toBe('list.fodt');
    expect(file('Define different headers and footers')).toBe('handbook.fodt');
    expect(file('Create a user-defined index')).toBe('handbook.fodt');
    expect(file('Insert a fixed or variable date field')).toBe('letter.fodt');
    expect(file('Apply a background to text characters')).toBe('report.fodt');
    const scores = scoreTemplates('Add line numbers to an entire document', catalogue);
    expect(scores).toHaveLength(5);
    expect(Math.max(...scores.map((s) => s.score))).toBeGreaterThan(0);
  });
});

describe('loadTemplateCatalogue errors', () => {
  it('names a missing description.json and what to put there', () => {
    expect(() => loadTemplateCatalogue(dir)).toThrow(
      /No description.json .*description.json mapping each file name/,
    );
  });

  it('names a described file that is missing, and the files there', () => {
    const d = join(dir, 'missing');
    mkdirSync(d);
    writeFileSync(join(d, 'description.json'), JSON.stringify({ 'a.fodt': 'A document.' }));
    writeFileSync(join(d, 'b.fodt'), '<office:document/>');
    expect(() => loadTemplateCatalogue(d)).toThrow(
      /names "a.fodt", which is not in the folder\..*files there: b.fodt, description.json/,
    );
  });

  it('refuses a template that is not flat ODF, with the fix', () => {
    const d = join(dir, 'docx');
    mkdirSync(d);
    writeFileSync(join(d, 'description.json'), JSON.stringify({ 'a.docx': 'A document.' }));
    writeFileSync(join(d, 'a.docx'), 'PK');
    expect(() => loadTemplateCatalogue(d)).toThrow(
      /not a flat ODF text document. Save it from LibreOffice as .fodt/,
    );
  });

  it('refuses description.json that is not JSON', () => {
    const d = join(dir, 'bad');
    mkdirSync(d);
    writeFileSync(join(d, 'description.json'), '{ "a.fodt": ');
    expect(() => loadTemplateCatalogue(d)).toThrow(/is not valid JSON/);
  });

  it('loads a folder of one template', () => {
    const d = join(dir, 'one');
    mkdirSync(d);
    copyFileSync(join(defaultTemplatesDir(), 'letter.fodt'), join(d, 'letter.fodt'));
    writeFileSync(join(d, 'description.json'), JSON.stringify({ 'letter.fodt': 'A letter.' }));
    const one = loadTemplateCatalogue(d);
    expect(chooseTemplate('anything at all', one).template.file).toBe('letter.fodt');
  });
});
