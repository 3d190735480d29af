import type { DecisionStatus } from '@lam/schema';
import type { KeyConvention } from '../conventions';
import { formatApiList } from '../format/apis';
import { formatControlTypeGlossary } from '../format/control-types';
import { formatJson } from '../format/json';
import type { RenderOptions } from '../template';

/** What each status means, in words for the model. */
export const STATUS_DESCRIPTIONS: Record<DecisionStatus, string> = {
  CONTINUE: 'more actions are needed after this one.',
  FINISH: 'the request is complete once this action has run, or already is.',
  FAIL: 'the request cannot be completed; say why in the comment.',
  CONFIRM:
    'this action is sensitive and must be approved by the user before it runs: sending something, deleting or changing files, closing a window or an application, using the webcam or microphone, installing or removing software, or reading history or passwords. Say why in the thought.',
  PENDING: 'you need information from the user before going on; ask for it in the questions.',
};

/** `- "CONTINUE": more actions ...` for each status. */
export function formatStatuses(statuses: readonly DecisionStatus[]): string {
  return statuses.map((s) => `- "${s}": ${STATUS_DESCRIPTIONS[s]}`).join('\n');
}

/** The `{apis}` section for a template, honouring the render options. */
export function apisFor(
  options: RenderOptions,
  defaults: { verbosity: 'full' | 'summary'; convention: KeyConvention },
) {
  return formatApiList({
    registry: options.registry,
    app: options.app,
    functions: options.functions,
    verbosity: options.apiVerbosity ?? defaults.verbosity,
    convention: defaults.convention,
  });
}

/** The control-type glossary for a template. */
export function glossaryFor(options: RenderOptions): string {
  return formatControlTypeGlossary({ types: options.glossaryTypes });
}

/** A plan as prompts show it: a JSON list of strings on one line. */
export function formatPlan(plan: readonly string[]): string {
  return formatJson(plan);
}
