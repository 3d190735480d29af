import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ScreenshotRef } from '@lam/schema';
import type { Screenshot } from './environment';

/** Writes a screenshot to `path` (creating its folder) and returns the reference an observation keeps. */
export async function writeScreenshot(shot: Screenshot, path: string): Promise<ScreenshotRef> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, shot.data);
  return {
    path,
    width: shot.width,
    height: shot.height,
    mimeType: 'image/png',
    sha256: createHash('sha256').update(shot.data).digest('hex'),
    kind: 'clean',
  };
}
