import { describe, expect, it } from 'vitest';
import { LAM_EvalInputError } from '../errors';
import { type GroundingSample, groundingAccuracy, pointInBox } from './screenspot';

const box = { x: 100, y: 50, width: 40, height: 20 };
const samples: GroundingSample[] = [
  { id: 's1', box, elementType: 'text', point: { x: 120, y: 60 }, group: 'web' },
  { id: 's2', box, elementType: 'text', point: { x: 99, y: 60 }, group: 'web' },
  { id: 's3', box, elementType: 'icon', point: { x: 140, y: 70 }, group: 'desktop' },
  { id: 's4', box, elementType: 'icon', point: null, group: 'desktop' },
];

describe('ScreenSpot-style grounding accuracy', () => {
  it('counts a point inside the box (edges included) as a hit', () => {
    expect(pointInBox({ x: 100, y: 50 }, box)).toBe(true);
    expect(pointInBox({ x: 140.01, y: 60 }, box)).toBe(false);
  });

  it('splits text and icon targets and groups, with refusals as misses', () => {
    const m = groundingAccuracy(samples);
    expect(m).toMatchObject({ accuracy: 0.5, correct: 2, total: 4, refusals: 1, refusalRate: 0.25 });
    expect(m.text).toEqual({ accuracy: 0.5, correct: 1, total: 2, refusals: 0 });
    expect(m.icon).toEqual({ accuracy: 0.5, correct: 1, total: 2, refusals: 1 });
    expect(m.byGroup.desktop).toMatchObject({ accuracy: 0.5, icon: { total: 2 } });
  });

  it('can leave refusals out of the denominators', () => {
    const m = groundingAccuracy(samples, { refusals: 'excluded' });
    expect(m).toMatchObject({ accuracy: 2 / 3, total: 3, refusals: 1 });
    expect(m.icon).toMatchObject({ accuracy: 1, total: 1 });
  });

  it('scales normalised points by the image size', () => {
    const norm: GroundingSample = {
      id: 'n',
      box,
      elementType: 'icon',
      point: { x: 0.12, y: 0.1 },
      imageSize: { width: 1000, height: 600 },
    };
    expect(groundingAccuracy([norm], { pointSpace: 'normalized' }).accuracy).toBe(1);
    const k: GroundingSample = { ...norm, point: { x: 120, y: 100 } };
    expect(groundingAccuracy([k], { pointSpace: 'normalized-1000' }).accuracy).toBe(1);
    const error = (() => {
      try {
        groundingAccuracy([{ ...norm, imageSize: undefined }], { pointSpace: 'normalized' });
      } catch (e) {
        return e;
      }
    })();
    expect(LAM_EvalInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('imageSize');
  });
});
