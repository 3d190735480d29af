import type { CoordinateSpace } from '@lam/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertPoint, convertRect, fitImageSize, type Geometry } from './coordinates';
import { LAM_InvalidCoordinatesError } from './errors';

const spaces: CoordinateSpace[] = ['normalized', 'image', 'logical', 'physical'];

const geometry = fc.record({
  logical: fc.record({
    width: fc.integer({ min: 100, max: 4000 }),
    height: fc.integer({ min: 100, max: 3000 }),
  }),
  devicePixelRatio: fc.constantFrom(1, 1.25, 1.5, 2, 3),
  image: fc.option(
    fc.record({ width: fc.integer({ min: 50, max: 2000 }), height: fc.integer({ min: 50, max: 2000 }) }),
    {
      nil: undefined,
    },
  ),
  normalizedScale: fc.constantFrom(1 as const, 1000 as const, undefined),
});

/** A point inside the captured area, expressed in `space`. */
function pointIn(g: Geometry, space: CoordinateSpace) {
  return fc
    .record({
      fx: fc.double({ min: 0, max: 1, noNaN: true }),
      fy: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ fx, fy }) =>
      convertPoint({ x: fx * g.logical.width, y: fy * g.logical.height }, 'logical', space, g),
    );
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

describe('convertPoint', () => {
  it('round-trips between every pair of spaces', () => {
    fc.assert(
      fc.property(
        geometry.chain((g) =>
          fc
            .tuple(fc.constantFrom(...spaces), fc.constantFrom(...spaces))
            .chain(([from, to]) => pointIn(g, from).map((p) => ({ g, from, to, p }))),
        ),
        ({ g, from, to, p }) => {
          const there = convertPoint(p, from, to, g);
          const back = convertPoint(there, to, from, g);
          return close(back.x, p.x) && close(back.y, p.y);
        },
      ),
    );
  });

  it('maps corners to corners and the centre to the centre', () => {
    fc.assert(
      fc.property(geometry, (g) => {
        const scale = g.normalizedScale ?? 1;
        const c = convertPoint({ x: scale / 2, y: scale / 2 }, 'normalized', 'physical', g);
        const far = convertPoint({ x: scale, y: scale }, 'normalized', 'logical', g);
        return (
          close(c.x, (g.logical.width * g.devicePixelRatio) / 2) &&
          close(c.y, (g.logical.height * g.devicePixelRatio) / 2) &&
          close(far.x, g.logical.width) &&
          close(far.y, g.logical.height)
        );
      }),
    );
  });

  it('composes: image→physical equals image→logical→physical', () => {
    fc.assert(
      fc.property(
        geometry.chain((g) => pointIn(g, 'image').map((p) => ({ g, p }))),
        ({ g, p }) => {
          const direct = convertPoint(p, 'image', 'physical', g);
          const via = convertPoint(convertPoint(p, 'image', 'logical', g), 'logical', 'physical', g);
          return close(direct.x, via.x) && close(direct.y, via.y);
        },
      ),
    );
  });

  it('handles a resized screenshot on a HiDPI screen (the classic wrong-click bug)', () => {
    const g: Geometry = {
      logical: { width: 1280, height: 800 },
      devicePixelRatio: 2,
      image: { width: 1280, height: 800 },
    };
    // The model clicks at image pixel (640, 400) of a screenshot shrunk from 2560×1600 to 1280×800.
    expect(convertPoint({ x: 640, y: 400 }, 'image', 'logical', g)).toEqual({ x: 640, y: 400 });
    expect(convertPoint({ x: 640, y: 400 }, 'image', 'physical', g)).toEqual({ x: 1280, y: 800 });
    expect(
      convertPoint({ x: 500, y: 250 }, 'normalized', 'logical', { ...g, normalizedScale: 1000 }),
    ).toEqual({
      x: 640,
      y: 200,
    });
  });

  it('explains bad input', () => {
    const g: Geometry = { logical: { width: 100, height: 100 }, devicePixelRatio: 1 };
    expect(() => convertPoint({ x: 500, y: 10 }, 'normalized', 'logical', g)).toThrow(
      /normalizedScale: 1000/,
    );
    expect(() => convertPoint({ x: Number.NaN, y: 0 }, 'logical', 'image', g)).toThrow(
      LAM_InvalidCoordinatesError,
    );
    expect(() => convertPoint({ x: 1, y: 1 }, 'logical', 'image', { ...g, devicePixelRatio: 0 })).toThrow(
      /devicePixelRatio/,
    );
  });
});

describe('convertRect', () => {
  it('keeps a rectangle inside the area when converted and back', () => {
    fc.assert(
      fc.property(geometry, fc.constantFrom(...spaces), (g, to) => {
        const rect = { x: 10, y: 20, width: 30, height: 40, space: 'logical' as const };
        const back = convertRect(convertRect(rect, to, g), 'logical', g);
        return close(back.x, 10) && close(back.y, 20) && close(back.width, 30) && close(back.height, 40);
      }),
    );
  });
});

describe('fitImageSize', () => {
  it('keeps the aspect ratio within the limits and never enlarges', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 5000 }),
        fc.integer({ min: 10, max: 5000 }),
        fc.integer({ min: 10, max: 2000 }),
        (w, h, max) => {
          const out = fitImageSize({ width: w, height: h }, { maxWidth: max, maxHeight: max });
          return (
            out.width <= Math.max(max, 1) &&
            out.height <= Math.max(max, 1) &&
            out.width <= w &&
            out.height <= h
          );
        },
      ),
    );
    expect(fitImageSize({ width: 2560, height: 1600 }, { maxPixels: 1280 * 800 })).toEqual({
      width: 1280,
      height: 800,
    });
  });
});
