import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseModelSpec } from '@lam/runtime';
import { LamError } from '@lam/schema';
import { repositoryRoot } from './repo';
import { type PromptSettings, promptSettingsOf } from './step-prompt';

/** The name of the model `lam run` and `lam eval` use when no model is given: the project's own LAM. */
export const DEFAULT_MODEL_NAME = 'lam-small';

/** `models/` of this repository (beside apps/), where the shipped models live. */
export function modelsDir(): string {
  return join(repositoryRoot() ?? process.cwd(), 'models');
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Makes a shipped model folder ready to load: its graph is committed compressed (`onnx/model.onnx.gz`,
 * with `SHA256SUMS`), and is unpacked beside it on first use, checked against its sum.
 */
export function unpackModel(dir: string): string {
  const onnx = join(dir, 'onnx', 'model.onnx');
  const packed = `${onnx}.gz`;
  const sums = join(dir, 'SHA256SUMS');
  if (!existsSync(join(dir, 'config.json'))) {
    throw new LamError(
      'LAM_ModelNotFoundError',
      `The model folder ${dir} is missing (no config.json). lam uses the project's own model, models/${DEFAULT_MODEL_NAME}, from a clone of the LAM toolkit repository; elsewhere give --model onnx:<dir> (or LAM_MODEL).`,
    );
  }
  const expected = existsSync(sums)
    ? new Map(
        readFileSync(sums, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => {
            const [sum, file] = l.trim().split(/\s+/);
            return [file!, sum!] as const;
          }),
      )
    : new Map<string, string>();
  if (existsSync(onnx) && (!existsSync(packed) || expected.get('onnx/model.onnx') === undefined)) return dir;
  if (existsSync(onnx) && sha256(readFileSync(onnx)) === expected.get('onnx/model.onnx')) return dir;
  if (!existsSync(packed)) {
    throw new LamError(
      'LAM_ModelNotFoundError',
      `The model folder ${dir} has neither onnx/model.onnx nor onnx/model.onnx.gz. Restore it from the repository (git checkout -- ${dir}).`,
    );
  }
  const zipped = readFileSync(packed);
  if (expected.has('onnx/model.onnx.gz') && sha256(zipped) !== expected.get('onnx/model.onnx.gz')) {
    throw new LamError(
      'LAM_ModelFileError',
      `${packed} does not match its SHA256SUMS entry: the file is damaged or was changed. Restore it from the repository (git checkout -- ${packed}).`,
    );
  }
  const bytes = gunzipSync(zipped);
  if (expected.has('onnx/model.onnx') && sha256(bytes) !== expected.get('onnx/model.onnx')) {
    throw new LamError(
      'LAM_ModelFileError',
      `${packed} unpacks to a graph that does not match SHA256SUMS. Restore the model folder from the repository.`,
    );
  }
  // Several processes may unpack at once: each writes its own file and renames it into place.
  const partial = `${onnx}.${process.pid}.tmp`;
  writeFileSync(partial, bytes);
  renameSync(partial, onnx);
  return dir;
}

/** The spec of the default model (`onnx:<repo>/models/lam-small`), unpacked and ready to load. */
export function defaultModelSpec(): string {
  return `onnx:${unpackModel(join(modelsDir(), DEFAULT_MODEL_NAME))}`;
}

/** The prompt settings a model spec carries: an onnx model folder's `prompt.json`; none for other engines. */
export function promptSettingsForSpec(spec: string): Partial<PromptSettings> {
  const parsed = parseModelSpec(spec);
  return parsed.engine === 'onnx' ? promptSettingsOf(parsed.dir) : {};
}
