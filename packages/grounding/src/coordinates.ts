import type { CoordinateSpace, Rect } from '@lam/schema';
import { LAM_InvalidCoordinatesError } from './errors';

/** A width and a height. */
export interface Size {
  width: number;
  height: number;
}

/**
 * What it takes to move between coordinate spaces for one capture:
 * - `logical`: the captured area (viewport, window) in logical / CSS pixels, origin top-left;
 * - `physical`: the same area in device pixels = logical × `devicePixelRatio`;
 * - `image`: the screenshot as the model saw it, after a resize to `image` (default: not
 *   resized, so image = physical);
 * - `normalized`: fractions of the area, 0..1, or 0..1000 with `normalizedScale: 1000`
 *   (the convention of Qwen-VL-style and several GUI models).
 */
export interface Geometry {
  logical: Size;
  devicePixelRatio: number;
  image?: Size | undefined;
  normalizedScale?: 1 | 1000 | undefined;
}

/** A point without its space (the space is an argument of the conversion). */
export interface XY {
  x: number;
  y: number;
}

function positiveFinite(value: number, field: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new LAM_InvalidCoordinatesError({
      field,
      value,
      problem: 'it must be a finite number greater than 0',
      fix: 'Pass the real size of the viewport or image and the device pixel ratio (e.g. window.devicePixelRatio).',
    });
  }
}

/** Checks a geometry and throws {@link LAM_InvalidCoordinatesError} naming the bad field. */
export function checkGeometry(geometry: Geometry): void {
  positiveFinite(geometry.logical.width, 'logical.width');
  positiveFinite(geometry.logical.height, 'logical.height');
  positiveFinite(geometry.devicePixelRatio, 'devicePixelRatio');
  if (geometry.image !== undefined) {
    positiveFinite(geometry.image.width, 'image.width');
    positiveFinite(geometry.image.height, 'image.height');
  }
  const s = geometry.normalizedScale ?? 1;
  if (s !== 1 && s !== 1000) {
    throw new LAM_InvalidCoordinatesError({
      field: 'normalizedScale',
      value: s,
      problem: 'it must be 1 or 1000',
      fix: 'Use 1 for fractions (UFO click_on_coordinates) or 1000 for models that answer in 0..1000.',
    });
  }
}

/** The image size: the resized one if given, else the physical size. */
export function imageSize(geometry: Geometry): Size {
  return (
    geometry.image ?? {
      width: geometry.logical.width * geometry.devicePixelRatio,
      height: geometry.logical.height * geometry.devicePixelRatio,
    }
  );
}

/** Logical pixels per unit of `space` along x and y. */
function unitsToLogical(space: CoordinateSpace, geometry: Geometry): XY {
  switch (space) {
    case 'logical':
      return { x: 1, y: 1 };
    case 'physical':
      return { x: 1 / geometry.devicePixelRatio, y: 1 / geometry.devicePixelRatio };
    case 'image': {
      const image = imageSize(geometry);
      return { x: geometry.logical.width / image.width, y: geometry.logical.height / image.height };
    }
    case 'normalized': {
      const s = geometry.normalizedScale ?? 1;
      return { x: geometry.logical.width / s, y: geometry.logical.height / s };
    }
  }
}

function checkPoint(point: XY, space: CoordinateSpace, geometry: Geometry): void {
  for (const axis of ['x', 'y'] as const) {
    const v = point[axis];
    if (!Number.isFinite(v)) {
      throw new LAM_InvalidCoordinatesError({
        field: `${space} ${axis}`,
        value: v,
        problem: 'it is not a finite number',
        fix: 'Check the model output or the rectangle it came from.',
      });
    }
    if (space === 'normalized') {
      const s = geometry.normalizedScale ?? 1;
      if (v < 0 || v > s) {
        const hint =
          s === 1 && v > 1 && v <= 1000
            ? 'It looks like a 0..1000 coordinate: set normalizedScale: 1000.'
            : `Normalised coordinates must lie in 0..${s}; clamp the model output or ask it again.`;
        throw new LAM_InvalidCoordinatesError({
          field: `normalized ${axis}`,
          value: v,
          problem: `outside 0..${s}`,
          fix: hint,
        });
      }
    }
  }
}

/**
 * Converts a point between coordinate spaces of one capture (pure; no rounding). Throws
 * {@link LAM_InvalidCoordinatesError} on a bad geometry, a non-finite value, or a normalised
 * value outside its scale (with a hint when a 0..1000 value is read as a fraction).
 */
export function convertPoint(point: XY, from: CoordinateSpace, to: CoordinateSpace, geometry: Geometry): XY {
  checkGeometry(geometry);
  checkPoint(point, from, geometry);
  if (from === to) return { x: point.x, y: point.y };
  const a = unitsToLogical(from, geometry);
  const b = unitsToLogical(to, geometry);
  return { x: (point.x * a.x) / b.x, y: (point.y * a.y) / b.y };
}

/** Converts a rectangle to another space (its `space` field says where it is now). */
export function convertRect(rect: Rect, to: CoordinateSpace, geometry: Geometry): Rect {
  checkGeometry(geometry);
  if (rect.space === to) return { ...rect };
  const a = unitsToLogical(rect.space, geometry);
  const b = unitsToLogical(to, geometry);
  return {
    x: (rect.x * a.x) / b.x,
    y: (rect.y * a.y) / b.y,
    width: (rect.width * a.x) / b.x,
    height: (rect.height * a.y) / b.y,
    space: to,
  };
}

/** Options of {@link fitImageSize}. */
export interface FitOptions {
  maxWidth?: number;
  maxHeight?: number;
  /** Most pixels in all (width × height), as vision models limit it. */
  maxPixels?: number;
}

/**
 * The size a screenshot is resized to so that it fits the limits, keeping its aspect ratio and
 * never enlarging it; whole pixels, at least 1. Use it as `geometry.image` afterwards.
 */
export function fitImageSize(size: Size, options: FitOptions): Size {
  positiveFinite(size.width, 'width');
  positiveFinite(size.height, 'height');
  let scale = 1;
  if (options.maxWidth !== undefined) scale = Math.min(scale, options.maxWidth / size.width);
  if (options.maxHeight !== undefined) scale = Math.min(scale, options.maxHeight / size.height);
  if (options.maxPixels !== undefined)
    scale = Math.min(scale, Math.sqrt(options.maxPixels / (size.width * size.height)));
  return {
    width: Math.max(1, Math.floor(size.width * scale)),
    height: Math.max(1, Math.floor(size.height * scale)),
  };
}
