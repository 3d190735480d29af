import { LAM_EvalInputError } from '../errors';
import { rate } from './rate';

/** A box in the screenshot: left, top, width and height in the same units as the image size. */
export interface GroundingBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One ScreenSpot-style sample: an instruction's target box, and the point the model clicked (or refused). */
export interface GroundingSample {
  id: string;
  /** The target element's box, in image pixels. */
  box: GroundingBox;
  /** Whether the target is text or an icon/widget (ScreenSpot's split). */
  elementType: 'text' | 'icon';
  /** The predicted point, in the space of `pointSpace`; `null` when the model refused or gave no point. */
  point: { x: number; y: number } | null;
  /** The screenshot size in pixels; needed when points are normalised. */
  imageSize?: { width: number; height: number };
  /** A grouping for the breakdown, e.g. `mobile`, `desktop`, `web`. */
  group?: string;
}

/** Options of {@link groundingAccuracy}. */
export interface GroundingAccuracyOptions {
  /**
   * The space of predicted points: `pixels` (default, same as the box), `normalized` (0..1 of the
   * image size), or `normalized-1000` (0..1000, as several grounding models answer).
   */
  pointSpace?: 'pixels' | 'normalized' | 'normalized-1000';
  /**
   * How refusals count: `wrong` (default, ScreenSpot's convention: a sample without a point is a miss)
   * or `excluded` (left out of the accuracy denominators; still counted in `refusals`).
   */
  refusals?: 'wrong' | 'excluded';
}

/** Accuracy of one slice of the samples. */
export interface GroundingSlice {
  accuracy: number;
  correct: number;
  /** Samples in the denominator. */
  total: number;
  refusals: number;
}

/** ScreenSpot-style grounding accuracy overall, by text/icon, and by group. */
export interface GroundingMetrics extends GroundingSlice {
  text: GroundingSlice;
  icon: GroundingSlice;
  /** Share of all samples refused. */
  refusalRate: number;
  byGroup: Record<string, GroundingSlice & { text: GroundingSlice; icon: GroundingSlice }>;
}

/** Converts a predicted point to image pixels (see {@link GroundingAccuracyOptions.pointSpace}). */
export function toPixels(
  sample: GroundingSample,
  space: NonNullable<GroundingAccuracyOptions['pointSpace']>,
): { x: number; y: number } | null {
  const p = sample.point;
  if (p === null || !Number.isFinite(p.x) || !Number.isFinite(p.y)) return null;
  if (space === 'pixels') return p;
  if (sample.imageSize === undefined) {
    throw new LAM_EvalInputError({
      input: `grounding sample ${sample.id}`,
      problem: `its point is ${space} but it has no imageSize`,
      fix: "Give imageSize {width, height} in pixels, or use pointSpace 'pixels' for points in pixels.",
    });
  }
  const scale = space === 'normalized' ? 1 : 1000;
  return { x: (p.x / scale) * sample.imageSize.width, y: (p.y / scale) * sample.imageSize.height };
}

/** Whether a point lies in a box, edges included. */
export function pointInBox(point: { x: number; y: number }, box: GroundingBox): boolean {
  return (
    point.x >= box.x && point.x <= box.x + box.width && point.y >= box.y && point.y <= box.y + box.height
  );
}

class Counter {
  correct = 0;
  total = 0;
  refusals = 0;
  add(hit: boolean, refused: boolean, excludeRefusal: boolean) {
    if (refused) this.refusals++;
    if (refused && excludeRefusal) return;
    this.total++;
    if (hit) this.correct++;
  }
  slice(): GroundingSlice {
    return {
      accuracy: rate(this.correct, this.total),
      correct: this.correct,
      total: this.total,
      refusals: this.refusals,
    };
  }
}

/**
 * ScreenSpot-style grounding accuracy: a sample is right when the predicted point falls inside the
 * target box. Reported overall, for text and icon targets, and per `group`; refusals are counted,
 * and count as misses unless `refusals: 'excluded'`.
 */
export function groundingAccuracy(
  samples: readonly GroundingSample[],
  options: GroundingAccuracyOptions = {},
): GroundingMetrics {
  const space = options.pointSpace ?? 'pixels';
  const exclude = options.refusals === 'excluded';
  const all = new Counter();
  const kinds = { text: new Counter(), icon: new Counter() };
  const groups = new Map<string, { all: Counter; text: Counter; icon: Counter }>();
  for (const sample of samples) {
    const point = toPixels(sample, space);
    const refused = point === null;
    const hit = point !== null && pointInBox(point, sample.box);
    all.add(hit, refused, exclude);
    kinds[sample.elementType].add(hit, refused, exclude);
    if (sample.group !== undefined) {
      let g = groups.get(sample.group);
      if (g === undefined) {
        g = { all: new Counter(), text: new Counter(), icon: new Counter() };
        groups.set(sample.group, g);
      }
      g.all.add(hit, refused, exclude);
      g[sample.elementType].add(hit, refused, exclude);
    }
  }
  const byGroup: GroundingMetrics['byGroup'] = {};
  for (const [name, g] of groups)
    byGroup[name] = { ...g.all.slice(), text: g.text.slice(), icon: g.icon.slice() };
  return {
    ...all.slice(),
    text: kinds.text.slice(),
    icon: kinds.icon.slice(),
    refusalRate: rate(all.refusals, samples.length),
    byGroup,
  };
}
