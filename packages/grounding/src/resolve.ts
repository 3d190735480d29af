import {
  type ActionRegistry,
  type Control,
  type Decision,
  defaultActionRegistry,
  type Observation,
  type ResolvedControl,
} from '@lam/schema';
import { type ControlCandidate, LAM_AmbiguousControlError, LAM_ControlNotFoundError } from './errors';
import { type ControlMatch, matchControls, nameSimilarity } from './match';

/** Options of {@link resolveDecision}. */
export interface ResolveOptions {
  /** Lowest name similarity (0..100) that counts as a match. Default 80. */
  threshold?: number;
  /**
   * Controls within this many points of the best name match are ties; ties that the label does
   * not settle raise {@link LAM_AmbiguousControlError}. Default 2.
   */
  tieMargin?: number;
  /** Where function definitions come from (whether a function needs a control). Default: the built-ins. */
  registry?: ActionRegistry;
  /** How many alternatives an error lists. Default 5. */
  alternatives?: number;
}

/** The live control a decision points at, with the record a step keeps. */
export interface Resolution {
  control: Control;
  resolved: ResolvedControl;
}

/** Default name-similarity threshold of {@link resolveDecision}. */
export const DEFAULT_MATCH_THRESHOLD = 80;

function toResolved(
  control: Control,
  matchedBy: ResolvedControl['matchedBy'],
  score?: number,
): ResolvedControl {
  const out: ResolvedControl = { label: control.label, name: control.name, type: control.type, matchedBy };
  if (control.rect !== undefined) out.rect = control.rect;
  if (score !== undefined) out.score = score;
  return out;
}

function candidates(
  ranked: readonly ControlMatch[],
  threshold: number,
  limit: number,
  note: (m: ControlMatch) => string,
): ControlCandidate[] {
  return ranked.slice(0, limit).map((m) => ({
    label: m.control.label,
    name: m.control.name,
    type: m.control.type,
    score: m.score,
    why: note(m) || (m.score >= threshold ? 'clears the threshold' : `below the threshold ${threshold}`),
  }));
}

/** An entry of an open menu (AT-SPI `menu item`, `check menu item`…; a menu bar's heads are `menu`). */
function inOpenMenu(control: Control): boolean {
  return control.type === 'MenuItem' && /menu ?item$/i.test(control.className ?? '');
}

/**
 * Ties on the name settled by where the controls are, as a person would read the screen: an entry of an
 * open menu first (while a menu is open, a click anywhere else only closes it), then a shown control over
 * a hidden one, then a button over a menu bar's head ("Table" the toolbar button, not the Table menu).
 * Undefined when the best place is still shared.
 */
function byPlace(ties: readonly ControlMatch[]): ControlMatch | undefined {
  const rank = (c: Control) =>
    (inOpenMenu(c) ? 0 : 4) + (c.states?.visible === false ? 2 : 0) + (c.type === 'Button' ? 0 : 1);
  const ranks = ties.map((m) => rank(m.control));
  const top = Math.min(...ranks);
  const winners = ties.filter((_, i) => ranks[i] === top);
  return winners.length === 1 ? winners[0] : undefined;
}

/**
 * Finds the live control a decision refers to (ARCHITECTURE.md "one agent step"):
 *
 * 1. a function that takes no control (`select_text`, `summary`, `""`) resolves to `null`;
 * 2. the label, when it exists, is checked against the name the model gave: it wins when the
 *    names match (similarity ≥ threshold), when the model gave no name, or when the control
 *    has none;
 * 3. otherwise the name is matched over every control of a type the function acts on; the best
 *    match must clear the threshold and stand out from the next one by more than `tieMargin`, or
 *    the label must pick one of the tied controls, or their place must (an entry of an open menu,
 *    then a shown control, then a button; see `byPlace`).
 *
 * Throws {@link LAM_ControlNotFoundError} or {@link LAM_AmbiguousControlError} with ranked,
 * explained alternatives; `LAM_UnknownActionError` for an unregistered function.
 */
export function resolveDecision(
  decision: Pick<Decision, 'controlLabel' | 'controlName' | 'function'>,
  observation: Pick<Observation, 'controls'> | readonly Control[],
  options: ResolveOptions = {},
): Resolution | null {
  const controls: readonly Control[] = Array.isArray(observation)
    ? observation
    : (observation as Pick<Observation, 'controls'>).controls;
  const registry = options.registry ?? defaultActionRegistry;
  const threshold = options.threshold ?? DEFAULT_MATCH_THRESHOLD;
  const tieMargin = options.tieMargin ?? 2;
  const limit = options.alternatives ?? 5;
  const definition = registry.require(decision.function);
  const label = decision.controlLabel.trim();
  const name = decision.controlName.trim();

  if (definition.control === 'none') return null;
  if (definition.control === 'optional' && label === '' && name === '') return null;

  // A function that acts on some types only (typing) never resolves to another (a button).
  const types = definition.controlTypes;
  const fits = (c: Control) => types === undefined || types.includes(c.type);
  const labelled = label === '' ? undefined : controls.find((c) => c.label === label);
  const byLabel = labelled !== undefined && fits(labelled) ? labelled : undefined;
  let labelNote =
    label === '' ? 'the model gave no label' : `label ${JSON.stringify(label)} is not in the list`;
  if (labelled !== undefined && byLabel === undefined)
    labelNote = `label ${JSON.stringify(label)} is the ${labelled.type} ${JSON.stringify(labelled.name)}, and ${decision.function} acts only on ${types!.join(', ')}`;
  if (byLabel !== undefined) {
    if (name === '') return { control: byLabel, resolved: toResolved(byLabel, 'label') };
    if (byLabel.name.trim() === '') return { control: byLabel, resolved: toResolved(byLabel, 'label') };
    const score = nameSimilarity(name, byLabel.name);
    if (score >= threshold) return { control: byLabel, resolved: toResolved(byLabel, 'label', score) };
    labelNote = `label ${JSON.stringify(label)} is the ${byLabel.type} ${JSON.stringify(byLabel.name)}, whose name scores only ${score} against ${JSON.stringify(name)}`;
  }

  if (name === '') {
    throw new LAM_ControlNotFoundError({
      label,
      controlName: name,
      threshold,
      candidates: [],
      reason: `${labelNote}, and no control name was given to search by`,
    });
  }

  const ranked = matchControls(name, types === undefined ? controls : controls.filter(fits));
  const best = ranked[0];
  if (best === undefined || best.score < threshold) {
    const kinds = types === undefined ? '' : ` of a type ${decision.function} acts on (${types.join(', ')})`;
    throw new LAM_ControlNotFoundError({
      label,
      controlName: name,
      threshold,
      candidates: candidates(ranked, threshold, limit, (m) =>
        m.control === byLabel ? 'the labelled control' : '',
      ),
      reason:
        kinds === ''
          ? `${labelNote}, and no control's name reaches the threshold ${threshold}`
          : `${labelNote}, and no control${kinds} has a name that reaches the threshold ${threshold}`,
    });
  }
  const ties = ranked.filter((m) => m.score >= threshold && best.score - m.score <= tieMargin);
  const chosen = ties.length === 1 ? best : (ties.find((m) => m.control === byLabel) ?? byPlace(ties));
  if (chosen === undefined) {
    throw new LAM_AmbiguousControlError({
      label,
      controlName: name,
      candidates: candidates(
        ties,
        threshold,
        Math.max(limit, ties.length),
        () => `ties with the best (${best.score})`,
      ),
    });
  }
  const method = chosen.score === 100 ? 'name' : 'fuzzy';
  return { control: chosen.control, resolved: toResolved(chosen.control, method, chosen.score) };
}
