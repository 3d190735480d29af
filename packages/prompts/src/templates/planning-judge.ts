import type { PlanningJudgement } from '@lam/schema';
import { z } from 'zod';
import { parsePlanningJudgement } from '../parse/records';
import { definePromptTemplate } from '../template';

const Answer = z.union([z.string().min(1), z.array(z.string()).min(1)]);

/** The inputs of the planning judge (paper App. D, PAPER.md §4.7). */
export const PlanningJudgeInputs = z.strictObject({
  /** The task the plans are for. */
  question: z.string().min(1),
  /** A plan, as text or as a list of steps. */
  answer1: Answer,
  answer2: Answer,
});
export type PlanningJudgeInputs = z.input<typeof PlanningJudgeInputs>;

function answerText(answer: string | string[]): string {
  return typeof answer === 'string' ? answer : answer.join('\n');
}

/**
 * The planning judge of the paper's App. D: compares two plans for a task (one predicted,
 * one reference) in four sub-tasks; its answer gives the Phase-1 metrics (task success,
 * step precision and recall). Parsed by `parsePlanningJudgement`.
 */
export const planningJudgeTemplate = definePromptTemplate<typeof PlanningJudgeInputs, PlanningJudgement>({
  id: 'planning-judge',
  version: '1.0.0',
  title: 'Planning judge: compare a predicted plan with a reference plan (paper App. D)',
  stages: ['offline-evaluation'],
  inputs: PlanningJudgeInputs,
  render: (inputs) => [
    {
      role: 'system',
      content: `You are a careful and precise assistant who checks answers. You are given a question about doing something on a computer and two answers, <Answer1> and <Answer2>, each a plan of steps. Carry out four sub-tasks:

Subtask1: Can Answer1 solve the question? Answer "Yes" or "No".
Subtask2: Can Answer2 solve the question? Answer "Yes" or "No".
Subtask3: List the action items of each answer. An action item is one action together with the element it acts on, such as "click the Design tab" or "type the title into the text box". Then list the pairs of items, one from each answer, that have the same intent, written "<item of Answer1> / <item of Answer2>", and count those pairs.
Subtask4: Which answer is more helpful for the question, "1" or "2"? Give the reason.

Reply with one JSON object and nothing else:
{"Subtask1": "Yes" | "No", "Subtask2": "Yes" | "No", "Subtask3": {"Action items in Answer1": ["..."], "Action items in Answer2": ["..."], "Similar action items": ["... / ..."], "Count of similar action items": <number>}, "Subtask4": {"More helpful assistant": "1" | "2", "Reason": "..."}}`,
    },
    {
      role: 'user',
      content: `<Question:> ${inputs.question}\n<Answer1:>\n${answerText(inputs.answer1)}\n<Answer2:>\n${answerText(inputs.answer2)}`,
    },
  ],
  parse: (text) => parsePlanningJudgement(text),
});
