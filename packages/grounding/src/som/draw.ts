import type { Control, Rect } from '@lam/schema';
import { convertRect, type Geometry } from '../coordinates';
import type { Screenshot } from '../environment';
import { LAM_EnvironmentError } from '../errors';
import { markColor, SET_OF_MARK_COLORS } from './colors';

/** Options of {@link drawSetOfMarks}. */
export interface SetOfMarkOptions {
  /** Colours by control type; default UFO's ({@link SET_OF_MARK_COLORS}). */
  colors?: Readonly<Record<string, string>>;
  /** Label font size in image pixels; default 14 × the screenshot's scale factor. */
  fontSize?: number;
  /** Also outline each control's box in its colour (default false: label boxes only, as UFO). */
  outline?: boolean;
  /** Labels to outline in red, e.g. the control selected at the previous step. */
  highlight?: readonly string[];
  /** Gap in pixels between the clean and the annotated image in `sideBySide` (default 10). */
  gap?: number;
}

/** The annotated screenshot, and the clean and annotated ones side by side (clean left). */
export interface SetOfMarkResult {
  annotated: Buffer;
  sideBySide: Buffer;
  width: number;
  height: number;
  /** Labels drawn (controls without a box, or outside the image, are skipped). */
  drawn: string[];
}

type SharpModule = typeof import('sharp').default;

async function loadSharp(): Promise<SharpModule> {
  try {
    const mod = (await import('sharp')) as unknown as { default?: SharpModule };
    return mod.default ?? (mod as unknown as SharpModule);
  } catch (cause) {
    throw new LAM_EnvironmentError({
      environment: 'set-of-mark',
      problem: 'the image library sharp could not be loaded',
      fix: 'Install it next to @lam/grounding: npm install sharp@0.35.5',
      cause,
    });
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function toImageRect(rect: Rect, shot: Screenshot): Rect {
  if (rect.space === 'image') return rect;
  const geometry: Geometry = {
    logical: { width: shot.width / shot.scaleFactor, height: shot.height / shot.scaleFactor },
    devicePixelRatio: shot.scaleFactor,
  };
  return convertRect(rect, 'image', geometry);
}

/**
 * Draws set-of-mark labels on a screenshot (PAPER.md §3.4): a small box at each control's
 * top-left corner, filled with its type's colour, framed in red, holding the label in black.
 * Control rectangles in any space are mapped onto the image with the screenshot's scale factor.
 * Needs the optional peer dependency `sharp`.
 */
export async function drawSetOfMarks(
  screenshot: Screenshot,
  controls: readonly Control[],
  options: SetOfMarkOptions = {},
): Promise<SetOfMarkResult> {
  const sharp = await loadSharp();
  const { width, height } = screenshot;
  const colors = options.colors ?? SET_OF_MARK_COLORS;
  const fontSize = options.fontSize ?? Math.round(14 * screenshot.scaleFactor);
  const pad = Math.max(2, Math.round(fontSize / 5));
  const highlight = new Set(options.highlight ?? []);
  const parts: string[] = [];
  const drawn: string[] = [];
  for (const control of controls) {
    if (control.rect === undefined) continue;
    const r = toImageRect(control.rect, screenshot);
    if (r.x >= width || r.y >= height || r.x + r.width <= 0 || r.y + r.height <= 0) continue;
    const color = markColor(control.type, colors);
    if (options.outline === true) {
      parts.push(
        `<rect x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}" fill="none" stroke="${color}" stroke-width="2"/>`,
      );
    }
    if (highlight.has(control.label)) {
      parts.push(
        `<rect x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}" fill="none" stroke="#FF0000" stroke-width="3"/>`,
      );
    }
    const boxW = Math.ceil(control.label.length * fontSize * 0.62) + 2 * pad;
    const boxH = fontSize + 2 * pad;
    const x = Math.min(Math.max(0, r.x), width - boxW);
    const y = Math.min(Math.max(0, r.y), height - boxH);
    parts.push(
      `<rect x="${x}" y="${y}" width="${boxW}" height="${boxH}" fill="${color}" stroke="#FF0000" stroke-width="1.5"/>`,
      `<text x="${x + pad}" y="${y + pad + fontSize * 0.85}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${fontSize}" fill="#000000">${escapeXml(control.label)}</text>`,
    );
    drawn.push(control.label);
  }
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`,
  );
  const clean = Buffer.from(screenshot.data);
  const annotated = await sharp(clean)
    .composite([{ input: svg, top: 0, left: 0 }])
    .png()
    .toBuffer();
  const gap = options.gap ?? 10;
  const sideBySide = await sharp({
    create: { width: width * 2 + gap, height, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 1 } },
  })
    .composite([
      { input: clean, left: 0, top: 0 },
      { input: annotated, left: width + gap, top: 0 },
    ])
    .png()
    .toBuffer();
  return { annotated, sideBySide, width, height, drawn };
}
