import { type ControlSummary, Step, type StepInput, type Trajectory } from '@lam/schema';

/** A small Writer-like control list. */
export const controls: ControlSummary[] = [
  { label: '1', name: 'Home', type: 'TabItem' },
  { label: '2', name: 'Bold', type: 'Button' },
  { label: '3', name: 'Font Name', type: 'ComboBox' },
  { label: '4', name: 'Document', type: 'Document' },
];

const stepInputs: StepInput[] = [
  {
    index: 1,
    observation: { application: 'soffice-writer', controls, controlCount: controls.length },
    decision: {
      thought: 'The title must be selected first.',
      controlLabel: '',
      controlName: '',
      function: 'select_text',
      args: { text: 'Annual report' },
      status: 'CONTINUE',
      plan: ['Click Bold to make the title bold.'],
    },
    result: { ok: true, output: 'Text Annual report is selected.', durationMs: 40 },
  },
  {
    index: 2,
    subtask: 'Make the title bold',
    observation: { application: 'soffice-writer', controls, controlCount: controls.length },
    decision: {
      thought: 'Bold applies to the selection.',
      controlLabel: '2',
      controlName: 'Bold',
      function: 'click_input',
      args: { button: 'left', double: false },
      status: 'CONTINUE',
      plan: ["Type the subtitle 'Q3' below the title."],
    },
    result: { ok: false, error: 'control is disabled', durationMs: 12 },
    safety: { verdict: 'confirm', userConfirmed: true },
  },
  {
    index: 3,
    observation: { application: 'soffice-writer', controls, controlCount: controls.length },
    decision: {
      thought: 'Done.',
      controlLabel: '',
      controlName: '',
      function: '',
      args: {},
      status: 'FINISH',
      plan: [],
    },
  },
];

/** Three recorded steps: a success, a failed and confirmed click, and a final no-op. */
export const steps: Step[] = stepInputs.map((s) => Step.parse(s));

export const trajectory: Trajectory = {
  id: 't1',
  request: 'Make the title "Annual report" bold.',
  startedAt: '2026-01-01T00:00:00Z',
  status: 'finished',
  steps,
};
