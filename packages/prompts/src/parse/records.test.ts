import { describe, expect, it } from 'vitest';
import { LAM_OutputParseError } from '../errors';
import {
  parseEvolvedTask,
  parseExecutionEvaluation,
  parseFilterVerdict,
  parsePlanningJudgement,
  parsePrefill,
  parseTaskActionEvaluation,
  parseTaskPlanExtraction,
  parseTemplateChoice,
} from './records';

function errorOf(fn: () => unknown): LAM_OutputParseError {
  try {
    fn();
  } catch (error) {
    if (LAM_OutputParseError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an output parse error');
}

describe('parseFilterVerdict', () => {
  it('reads the verdict, with loose spellings', () => {
    expect(
      parseFilterVerdict(
        "```json\n{'judge': 'False', 'thought': 'Needs a browser.', 'request_type': 'app-involve'}\n```",
      ),
    ).toEqual({
      judge: false,
      thought: 'Needs a browser.',
      type: 'App_involve',
    });
  });

  it('names a bad type and a missing judge', () => {
    const error = errorOf(() => parseFilterVerdict('{"thought": "x", "type": "Maybe"}'));
    expect(error.record).toBe('filter verdict');
    expect(error.issues).toEqual([
      { path: ['judge'], message: 'is missing; give true or false' },
      {
        path: ['type'],
        message: 'must be one of "None", "Non_task", "App_involve", "Env", "Others", got "Maybe"',
      },
    ]);
    expect(error.repairMessage).toContain(
      'Reply again with only one JSON object with the keys judge, thought, type',
    );
  });
});

describe('parseTemplateChoice', () => {
  it('reads the one file and its reason, checked against the list', () => {
    expect(parseTemplateChoice('I pick {"7.ODT": "It has a table."}', { files: ['1.odt', '7.odt'] })).toEqual(
      {
        file: '7.odt',
        reason: 'It has a table.',
      },
    );
    expect(
      errorOf(() => parseTemplateChoice('{"9.odt": "x"}', { files: ['1.odt'] })).issues[0]?.path,
    ).toEqual(['9.odt']);
    expect(errorOf(() => parseTemplateChoice('{"a": "x", "b": "y"}')).issues[0]?.message).toContain(
      'exactly one key',
    );
  });
});

describe('parsePrefill', () => {
  it('reads code keys and paper keys, defaulting step numbers', () => {
    const result = parsePrefill(
      JSON.stringify({
        observation: 'o',
        thought: 't',
        new_task: 'Make "Budget" bold.',
        actions_plan: [
          {
            subtask: 'Select it.',
            controlLabel: '',
            controlText: '',
            function: 'select_text',
            args: { text: 'Budget' },
          },
          {
            Step: 2,
            Subtask: 'Click Bold.',
            ControlLabel: '2',
            ControlText: 'Bold',
            Function: 'click_input',
            Args: {},
          },
        ],
      }),
    );
    expect(result).toEqual({
      observation: 'o',
      thought: 't',
      newTask: 'Make "Budget" bold.',
      plan: [
        {
          step: 1,
          subtask: 'Select it.',
          controlLabel: '',
          controlText: '',
          function: 'select_text',
          args: { text: 'Budget' },
        },
        {
          step: 2,
          subtask: 'Click Bold.',
          controlLabel: '2',
          controlText: 'Bold',
          function: 'click_input',
          args: {},
        },
      ],
    });
  });

  it('checks each step against the registry, with the step path', () => {
    const error = errorOf(() =>
      parsePrefill(
        '{"New_task": "x", "Actions_plan": [{"Function": "fly", "Args": {}}, {"Function": "select_text", "Args": {}}]}',
      ),
    );
    expect(error.issues.map((i) => i.path)).toEqual([
      ['Actions_plan', 0, 'Function'],
      ['Actions_plan', 1, 'Args', 'text'],
    ]);
    expect(
      parsePrefill('{"New_task": "x", "Actions_plan": [{"Function": "fly"}]}', { validateArgs: false })
        .plan[0]?.function,
    ).toBe('fly');
  });
});

describe('evaluations', () => {
  it('reads the paper App. B.2 verdict', () => {
    expect(
      parseTaskActionEvaluation(
        '{"task_quality": "Over-detailed", "task_complete": "YES", "complete_judgement": "Bold is on.", "quality_judgement": "Too many steps."}',
      ),
    ).toEqual({
      taskQuality: 'over detailed',
      taskComplete: 'yes',
      completeJudgement: 'Bold is on.',
      qualityJudgement: 'Too many steps.',
    });
    expect(errorOf(() => parseTaskActionEvaluation('{"task_quality": "fine"}')).issues).toHaveLength(4);
  });

  it("reads UFO's evaluation, lower-casing the verdicts", () => {
    expect(
      parseExecutionEvaluation(
        "{'reason': 'Done.', 'sub_scores': {'title bold': 'Yes'}, 'complete': 'Unsure'}",
      ),
    ).toEqual({
      reason: 'Done.',
      subScores: { 'title bold': 'yes' },
      complete: 'unsure',
    });
    const error = errorOf(() =>
      parseExecutionEvaluation('{"reason": "r", "sub_scores": {"a": "maybe"}, "complete": "yes"}'),
    );
    expect(error.issues[0]?.path).toEqual(['sub_scores', 'a']);
  });
});

describe('parsePlanningJudgement', () => {
  const answer = {
    Subtask1: 'yes',
    Subtask2: 'No',
    Subtask3: {
      'Action items in Answer1': ['click Design', 'click Page Borders'],
      'Action items in Answer2': ['open Design'],
      'Similar action items': ['click Design / open Design'],
      'Count of similar action items': '1',
    },
    Subtask4: { 'More helpful assistant': 'Answer 1', Reason: 'More complete.' },
  };

  it('reads the four sub-tasks', () => {
    expect(parsePlanningJudgement(JSON.stringify(answer))).toEqual({
      answer1Solves: true,
      answer2Solves: false,
      actionItems1: ['click Design', 'click Page Borders'],
      actionItems2: ['open Design'],
      similarItems: ['click Design / open Design'],
      similarCount: 1,
      moreHelpful: '1',
      reason: 'More complete.',
    });
  });

  it('names nested problems with their path', () => {
    const bad = { ...answer, Subtask3: { ...answer.Subtask3, 'Count of similar action items': 'one' } };
    expect(errorOf(() => parsePlanningJudgement(JSON.stringify(bad))).issues).toEqual([
      { path: ['Subtask3', 'Count of similar action items'], message: 'must be a whole number, got "one"' },
    ]);
  });
});

describe('task-plan records', () => {
  it('reads extracted pairs, as an object or a bare list, splitting plan text', () => {
    expect(
      parseTaskPlanExtraction(
        '{"tasks": [{"task": "Add a border", "plan": "1. Go to Design.\\n2. Click OK."}]}',
      ),
    ).toEqual([{ task: 'Add a border', plan: ['1. Go to Design.', '2. Click OK.'] }]);
    expect(parseTaskPlanExtraction('[{"request": "a", "steps": ["1. b"]}]')).toEqual([
      { task: 'a', plan: ['1. b'] },
    ]);
    expect(parseTaskPlanExtraction('{"tasks": []}')).toEqual([]);
    expect(
      errorOf(() => parseTaskPlanExtraction('{"tasks": [{"task": "", "plan": []}]}')).issues.map(
        (i) => i.path,
      ),
    ).toEqual([
      ['tasks', 0, 'task'],
      ['tasks', 0, 'plan'],
    ]);
  });

  it('reads an evolved pair', () => {
    expect(
      parseEvolvedTask('{"evolved_task": "Sort by column B", "plan": ["1. Select.", "2. Sort."]}'),
    ).toEqual({
      task: 'Sort by column B',
      plan: ['1. Select.', '2. Sort.'],
    });
    expect(errorOf(() => parseEvolvedTask('nothing')).problem).toBe('no-json');
  });
});
