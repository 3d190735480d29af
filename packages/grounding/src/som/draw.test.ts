import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createMemoryEnvironment } from '../testing/index';
import { SET_OF_MARK_COLORS } from './colors';
import { drawSetOfMarks } from './draw';

async function pixel(png: Buffer | Uint8Array, x: number, y: number): Promise<string> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return `#${[data[at], data[at + 1], data[at + 2]].map((v) => v!.toString(16).padStart(2, '0').toUpperCase()).join('')}`;
}

describe('drawSetOfMarks', () => {
  it('draws label boxes coloured by type on a HiDPI screenshot, and puts clean and annotated side by side', async () => {
    const env = createMemoryEnvironment({
      screen: { width: 400, height: 300, scaleFactor: 2 },
      controls: [
        { name: 'Save', type: 'Button', rect: { x: 20, y: 20, width: 80, height: 30 } },
        { name: 'Title', type: 'Edit', rect: { x: 20, y: 100, width: 200, height: 30 } },
        { name: 'Somewhere', type: 'Custom', rect: { x: 250, y: 200, width: 50, height: 20 } },
        { name: 'Off screen', type: 'Button', rect: { x: 900, y: 900, width: 10, height: 10 } },
        { name: 'No box', type: 'Button' },
      ],
    });
    const obs = await env.observe();
    const shot = await env.screenshot();
    expect([shot.width, shot.height]).toEqual([800, 600]);
    const result = await drawSetOfMarks(shot, obs.controls, { highlight: ['2'] });
    expect(result.drawn).toEqual(['1', '2', '3']);
    // Inside the label box of the Button at logical (20,20) → image (40,40), just right of its red frame.
    expect(await pixel(result.annotated, 42, 60)).toBe(SET_OF_MARK_COLORS.Button);
    expect(await pixel(result.annotated, 42, 220)).toBe(SET_OF_MARK_COLORS.Edit);
    expect(await pixel(result.annotated, 502, 420)).toBe('#FFFFFF');
    // The clean image is untouched there.
    expect(await pixel(shot.data, 42, 60)).toBe('#F5F5F5');
    // The highlighted control (label 2) is outlined in red at its right edge.
    expect(await pixel(result.annotated, 440, 230)).toBe('#FF0000');
    const side = await sharp(result.sideBySide).metadata();
    expect([side.width, side.height]).toEqual([800 * 2 + 10, 600]);
    expect(await pixel(result.sideBySide, 42, 60)).toBe('#F5F5F5');
    expect(await pixel(result.sideBySide, 810 + 42, 60)).toBe(SET_OF_MARK_COLORS.Button);
  });
});
