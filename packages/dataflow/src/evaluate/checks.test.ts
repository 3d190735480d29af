import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlatText } from '@lam/grounding/desktop';
import type { InstantiatedStep } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { defaultTemplatesDir } from '../instantiate/templates';
import { deriveChecks, formatOf, runChecks } from './checks';

const template = (file: string) => {
  const path = join(defaultTemplatesDir(), file);
  const xml = readFileSync(path, 'utf8');
  return { xml, state: parseFlatText(xml, path) };
};

let n = 0;
const step = (
  fn: string,
  controlText: string,
  args: Record<string, unknown> = {},
  extra?: Record<string, unknown>,
): InstantiatedStep => ({
  step: ++n,
  subtask: fn === 'click_input' && controlText === 'Table' ? 'Open the "Table" menu' : `do ${controlText}`,
  controlLabel: '',
  controlText,
  function: fn,
  args: args as InstantiatedStep['args'],
  ...(extra === undefined ? {} : { extra: extra as InstantiatedStep['extra'] }),
});

describe('deriveChecks', () => {
  it('expects a toggle to flip the format the template had', () => {
    const report = template('report.fodt');
    // The title is bold in the template, so the Bold button makes it not bold.
    expect(formatOf(report.state, 'Quarterly Report', 'bold')).toBe(true);
    const checks = deriveChecks(
      [
        step('select_text', '', { text: 'Quarterly Report' }),
        step('click_input', 'Bold'),
        step('save_as', ''),
      ],
      report.state,
    );
    expect(checks).toEqual([
      expect.objectContaining({
        kind: 'spec',
        spec: { kind: 'document-format', text: 'Quarterly Report', bold: false },
      }),
    ]);
    const twice = deriveChecks(
      [
        step('select_text', '', { text: 'strongly' }),
        step('keyboard_input', '', { keys: '^i' }),
        step('keyboard_input', '', { keys: '^i' }),
      ],
      report.state,
    );
    expect(twice[0]).toMatchObject({ spec: { italic: false } });
  });

  it('counts inserted elements from the command, not from the menu that holds it', () => {
    const table = template('table.fodt');
    const checks = deriveChecks(
      [
        step('select_text', '', { text: 'North' }),
        step('click_input', 'Table'),
        step('click_input', 'Split Cells...'),
        step('click_input', 'OK'),
      ],
      table.state,
    );
    expect(checks.map((c) => c.id)).toEqual(['count(more table cells)']);
  });

  it('checks the page, options that were set, and text typed into the document', () => {
    const letter = template('letter.fodt');
    const checks = deriveChecks(
      [
        step('click_input', 'Landscape', {}, { ensure: { checked: true, type: 'RadioButton' } }),
        step('click_input', 'Replace', {}, { ensure: { checked: false, type: 'CheckBox' } }),
        step('click_input', 'While Typing', {}, { ensure: { checked: true, type: 'MenuItem' } }),
        step('set_edit_text', 'letter - LibreOffice Document', { text: 'Regards' }),
      ],
      letter.state,
    );
    expect(checks.map((c) => c.id)).toEqual(['page(landscape)', 'option(Replace off)', 'text(Regards)']);
  });

  it('counts a formula field entered in the formula bar and a title page', async () => {
    const report = template('report.fodt');
    const checks = deriveChecks(
      [
        step('select_text', '', { text: 'quarterly report is ready' }),
        step('keyboard_input', '', { keys: '{F2}' }),
        step('set_edit_text', 'Formula Text', { text: '=10000/12' }),
        step('keyboard_input', '', { keys: '{ENTER}' }),
        step('click_input', 'Format'),
        step('click_input', 'Title Page...'),
        step('click_input', 'OK'),
      ],
      report.state,
    );
    expect(checks.map((c) => c.id)).toEqual(['count(a formula field)', 'count(a title page)']);
    // What LibreOffice 7.4 wrote for this plan in the dataflow's acceptance run.
    const saved = report.xml
      .replace(
        'quarterly report is ready',
        'quarterly report is ready<text:expression text:formula="ooow:10000/12" office:value-type="float" office:value="833.333333333333" style:data-style-name="N0">833.33</text:expression>',
      )
      .replace(
        '<style:style style:name="Title"',
        '<style:style style:master-page-name="First_20_Page" style:name="Title"',
      );
    const inputs = {
      document: report.state,
      documentXml: saved,
      template: report.state,
      templateXml: report.xml,
      steps: [],
    };
    const results = await runChecks(checks, inputs);
    expect(results.map((r) => r.pass)).toEqual([true, true]);
    const untouched = await runChecks(checks, { ...inputs, documentXml: report.xml });
    expect(untouched.map((r) => r.pass)).toEqual([false, false]);
  });

  it('knows nothing about a plan that only navigates', () => {
    expect(
      deriveChecks(
        [step('click_input', 'Tools'), step('click_input', 'Options...'), step('click_input', 'OK')],
        template('letter.fodt').state,
      ),
    ).toEqual([]);
  });
});

describe('runChecks', () => {
  it('reads line numbering as ODF writes it (number-lines is true unless it says false)', async () => {
    const letter = template('letter.fodt');
    const [check] = deriveChecks(
      [step('click_input', 'Show numbering', {}, { ensure: { checked: true, type: 'CheckBox' } })],
      letter.state,
    );
    expect(check).toMatchObject({ kind: 'count', what: 'line numbering' });
    const withConfig = (attrs: string) =>
      letter.xml.replace('<office:styles>', `<office:styles><text:linenumbering-configuration ${attrs}/>`);
    const run = (documentXml: string) =>
      runChecks([check as NonNullable<typeof check>], {
        document: letter.state,
        documentXml,
        template: letter.state,
        templateXml: letter.xml,
        steps: [],
      });
    expect((await run(withConfig('text:style-name="Line_20_numbering" text:increment="5"')))[0]?.pass).toBe(
      true,
    );
    expect((await run(withConfig('text:number-lines="false" text:increment="5"')))[0]?.pass).toBe(false);
  });

  it('compares the document with the template, and reads option states from the trajectory', async () => {
    const table = template('table.fodt');
    // The template itself as the "saved document": nothing was inserted, nothing changed.
    const results = await runChecks(
      [
        { kind: 'count', id: 'count(a table)', why: '', what: 'a table', pattern: '<table:table(?=[\\s/>])' },
        {
          kind: 'spec',
          id: 'bold(North)',
          why: '',
          spec: { kind: 'document-format', text: 'North', bold: false },
        },
        { kind: 'option', id: 'option(Replace off)', why: '', control: 'Replace', checked: false, step: 1 },
      ],
      {
        document: table.state,
        documentXml: table.xml,
        template: table.state,
        templateXml: table.xml,
        steps: [
          {
            index: 1,
            decision: {
              thought: '',
              controlLabel: '3',
              controlName: 'Replace',
              function: 'click_input',
              args: {},
              status: 'CONTINUE',
              plan: [],
            },
            timings: {},
            metadata: { checkedAfter: false },
          },
        ],
      },
    );
    expect(results).toEqual([
      { id: 'count(a table)', pass: false, reason: 'the document has 1 × a table (the template had 1)' },
      expect.objectContaining({ id: 'bold(North)', pass: true }),
      { id: 'option(Replace off)', pass: true, reason: '"Replace" was cleared after step 1' },
    ]);
  });
});
