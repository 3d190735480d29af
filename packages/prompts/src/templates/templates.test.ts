import { createActionRegistry, LAM_ValidationError } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { controls, steps } from '../__fixtures__/steps';
import type { PromptMessage } from '../messages';
import { PipelineStage } from '../template';
import {
  dataEvolutionTemplate,
  executionEvaluationTemplate,
  filterTemplate,
  lamDecisionTemplate,
  PROMPT_TEMPLATES,
  planningJudgeTemplate,
  prefillTemplate,
  taskActionEvaluationTemplate,
  taskPlanExtractionTemplate,
  templateChoiceTemplate,
  ufoAppAgentTemplate,
} from './index';

/** Every template rendered with representative inputs; each rendering is a committed snapshot. */
const renderings: [string, () => PromptMessage[]][] = [
  [
    'lam-decision',
    () =>
      lamDecisionTemplate.render({
        controls,
        request: 'Make the title "Annual report" bold.',
        stepHistory: steps.slice(0, 2),
        previousPlan: steps[1]!.decision.plan,
      }),
  ],
  [
    'lam-decision, summary API list for writer, all statuses',
    () =>
      lamDecisionTemplate.render(
        { controls, request: 'Save the document as PDF.' },
        { app: 'writer', apiVerbosity: 'summary', statuses: ['CONTINUE', 'FINISH', 'FAIL'] },
      ),
  ],
  [
    'ufo-app-agent, nonvisual',
    () =>
      ufoAppAgentTemplate.render({
        controls,
        request: 'Make the title bold and save the document.',
        subtask: 'Make the title "Annual report" bold.',
        application: 'soffice-writer',
        previousSubtasks: [{ subtask: 'Open the report', result: 'The report is open.' }],
        hostMessage: ['The title is the first line.'],
        previousPlan: ['Select the title.', 'Click Bold.'],
        stepHistory: steps.slice(0, 1),
        retrievedDocs: 'Help Documents: To make text bold, select it and press Ctrl+B.',
        tips: ['Prefer select_text to select text.'],
      }),
  ],
  [
    'ufo-app-agent, visual',
    () =>
      ufoAppAgentTemplate.render(
        {
          mode: 'visual',
          controls,
          request: 'Make the title bold.',
          screenshots: {
            lastStep: 'screens/step1_selected.png',
            current: { path: 'screens/step2.png', mimeType: 'image/png' },
            annotated: 'data:image/png;base64,iVBORw0KGgo=',
          },
        },
        {
          functions: ['click_input', 'select_text', 'keyboard_input', ''],
          statuses: ['CONTINUE', 'FINISH', 'CONFIRM'],
        },
      ),
  ],
  [
    'instantiation-template-choice',
    () =>
      templateChoiceTemplate.render({
        app: 'LibreOffice Writer',
        descriptions: { '1.odt': 'A document with a rectangle shape.', '7.odt': 'A document with a table.' },
        task: 'Add a row to the table',
      }),
  ],
  [
    'instantiation-prefill',
    () =>
      prefillTemplate.render(
        {
          app: 'LibreOffice Writer',
          task: 'Make text bold',
          referenceSteps: ['1. Select the text.', '2. On the **Home** tab, click **Bold**.'],
          controls,
          canvasState: '<w:p><w:r><w:t>Annual report</w:t></w:r></w:p>',
          screenshot: 'templates/1.png',
        },
        { app: 'writer' },
      ),
  ],
  [
    'instantiation-filter',
    () => filterTemplate.render({ app: 'Word', task: 'Make the heading "Draft" bold.' }),
  ],
  [
    'task-action-evaluation',
    () =>
      taskActionEvaluationTemplate.render({
        request: 'Make the title "Annual report" bold.',
        thought: 'Select the title, then click Bold.',
        trajectory: steps,
        canvasDiff: '+ <w:b/>',
        initControlState: { label: '2', name: 'Bold', type: 'Button', states: { checked: false } },
        finalControlState: [{ label: '2', name: 'Bold', type: 'Button', states: { checked: true } }],
        finalEnvStatus: '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Annual report</w:t></w:r></w:p>',
        screenshots: { before: 'before.png', after: 'after.png' },
      }),
  ],
  [
    'execution-evaluation',
    () =>
      executionEvaluationTemplate.render({
        request: 'Make the title "Annual report" bold.',
        steps,
        screenshots: [
          { caption: 'Step 2, the control acted on', image: 'step2_selected.png' },
          { caption: 'Final screenshot', image: { path: 'final.png', mimeType: 'image/png' } },
        ],
      }),
  ],
  [
    'planning-judge',
    () =>
      planningJudgeTemplate.render({
        question: 'Add a border to a page in Word',
        answer1: ['1. Go to **Design** > **Page Borders**.', '2. Choose **Box** and click **OK**.'],
        answer2: '1. Open the Design tab.\n2. Click Page Borders and pick a box border.',
      }),
  ],
  [
    'task-plan-extraction, help document',
    () =>
      taskPlanExtractionTemplate.render({
        app: 'Word',
        title: 'Add a page border',
        document:
          '# Add a page border\n1. Go to **Design** > **Page Borders**.\n2. Pick a border and select **OK**.',
      }),
  ],
  [
    'task-plan-extraction, search query',
    () =>
      taskPlanExtractionTemplate.render({ app: 'Excel', source: 'search', document: 'excel dropdown list' }),
  ],
  [
    'data-evolution',
    () =>
      dataEvolutionTemplate.render({
        app: 'Word',
        task: 'Add a border to a page in Word',
        plan: ['1. Go to **Design** > **Page Borders**.', '2. Choose a border and select **OK**.'],
      }),
  ],
];

describe('rendered templates', () => {
  it.each(renderings)('%s', (_, render) => {
    const messages = render();
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages).toMatchSnapshot();
  });

  it('covers every template of the package', () => {
    const rendered = new Set(renderings.map(([name]) => name.split(',')[0]));
    expect(PROMPT_TEMPLATES.map((t) => t.id).filter((id) => !rendered.has(id))).toEqual([]);
  });

  it('gives every template an id, a semantic version and known stages', () => {
    for (const template of PROMPT_TEMPLATES) {
      expect(template.version).toMatch(/^\d+\.\d+\.\d+$/);
      for (const stage of template.stages) expect(PipelineStage.options).toContain(stage);
    }
    expect(new Set(PROMPT_TEMPLATES.map((t) => t.id)).size).toBe(PROMPT_TEMPLATES.length);
  });
});

describe('template inputs', () => {
  it('refuses bad inputs with the field and the template named', () => {
    let error: unknown;
    try {
      lamDecisionTemplate.render({ controls: [{ label: 1, name: 'x' }], request: '' } as never);
    } catch (e) {
      error = e;
    }
    expect(LAM_ValidationError.isInstance(error)).toBe(true);
    const { issues, message } = error as LAM_ValidationError;
    expect(issues.map((i) => i.path)).toEqual([
      ['controls', 0, 'label'],
      ['controls', 0, 'type'],
      ['request'],
    ]);
    expect(message).toContain('inputs of prompt template "lam-decision" v1.3.0');
  });

  it('requires a screenshot in visual mode', () => {
    expect(() => ufoAppAgentTemplate.render({ mode: 'visual', controls, request: 'x' })).toThrow(
      /visual mode needs screenshots.current/,
    );
  });

  it('shows only examples whose functions the registry has', () => {
    const registry = createActionRegistry({ builtins: false });
    const [system] = ufoAppAgentTemplate.render({ controls, request: 'x' }, { registry });
    expect(system?.content).toContain('No examples are available.');
    const [prefill] = prefillTemplate.render({ app: 'Word', task: 'x' }, { registry });
    expect(prefill?.content).toContain('No examples are available.');
    expect(prefill?.content).not.toContain('select_text');
  });
});
