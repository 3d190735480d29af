import type { Verdict } from '@lam/schema';
import type { CheckResult } from '../checkers/checkers';
import { LAM_EvalInputError } from '../errors';
import type { JudgeVerdict } from './execution-judge';

/**
 * How a checker's result and a judge's verdict make one outcome when both exist:
 * - `checker` (default): the checker decides; the judge's verdict is kept as a second opinion;
 * - `both`: success needs the checker to pass and the judge to say yes.
 * A judge alone decides only when the task has no checker.
 */
export type EvidencePolicy = 'checker' | 'both';

/** The outcome of a task and the evidence behind it. */
export interface Outcome {
  verdict: Verdict;
  success: boolean;
  /** Who decided: the checker's id, the judge's id, or both joined by `+`. */
  decidedBy: string;
  reason: string;
  check?: CheckResult;
  judge?: JudgeVerdict;
  /** Whether checker and judge agree (both present only); a disagreement is worth a look. */
  agreement?: boolean;
}

/** Combines a checker's result and a judge's verdict under an {@link EvidencePolicy}. */
export function decideOutcome(
  evidence: { check?: CheckResult | undefined; judge?: JudgeVerdict | undefined },
  policy: EvidencePolicy = 'checker',
): Outcome {
  const { check, judge } = evidence;
  if (check === undefined && judge === undefined) {
    throw new LAM_EvalInputError({
      input: 'decideOutcome',
      problem: 'there is neither a checker result nor a judge verdict',
      fix: 'Give the task a checker, or pass a judge (createLlmJudge) to the evaluation.',
    });
  }
  const judgeReason = (j: JudgeVerdict) => j.evaluation?.reason ?? j.error ?? '';
  if (check === undefined) {
    const j = judge!;
    return {
      verdict: j.verdict,
      success: j.verdict === 'yes',
      decidedBy: j.judge,
      reason: `judge: ${j.verdict}. ${judgeReason(j)}`.trim(),
      judge: j,
    };
  }
  const checkVerdict: Verdict = check.pass ? 'yes' : 'no';
  if (judge === undefined) {
    return {
      verdict: checkVerdict,
      success: check.pass,
      decidedBy: check.checker,
      reason: check.reason,
      check,
    };
  }
  const agreement = (judge.verdict === 'yes') === check.pass;
  const both = policy === 'both';
  const success = both ? check.pass && judge.verdict === 'yes' : check.pass;
  const verdict: Verdict = both ? (success ? 'yes' : check.pass ? judge.verdict : 'no') : checkVerdict;
  return {
    verdict,
    success,
    decidedBy: both ? `${check.checker}+${judge.judge}` : check.checker,
    reason: `checker: ${check.reason}; judge: ${judge.verdict}${judgeReason(judge) ? ` (${judgeReason(judge)})` : ''}`,
    check,
    judge,
    agreement,
  };
}
