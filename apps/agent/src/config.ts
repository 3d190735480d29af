import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LamError } from '@lam/schema';
import { z } from 'zod';

/**
 * The settings every `lam` command shares. Each comes from, in order of precedence: a command-line
 * flag, an environment variable (`LAM_<NAME>`), the config file, the default.
 */
export const LamConfig = z.strictObject({
  /** Model spec: `onnx:<dir>`, `hf:<model id>`, `openai:<base url>#<model>`, `scripted:<file>`, or `replay` (lam eval). */
  model: z.string().trim().min(1, 'give a model spec such as onnx:<dir> or hf:<model id>').optional(),
  /** Where runs are written. */
  out: z.string().trim().min(1, 'give a folder').optional(),
  /** The most steps per task. */
  maxSteps: z
    .int('expected a whole number')
    .positive('expected a number above 0')
    .max(200, 'at most 200')
    .optional(),
  /** What happens to actions the safety policy wants confirmed: ask on the terminal, run them, refuse them. */
  confirm: z.enum(['ask', 'yes', 'no'], 'expected ask, yes or no').optional(),
  /** Constrain local decoding to the decision schema. */
  constrained: z.boolean('expected true or false').optional(),
  /** Tasks run at once by `lam eval`, each with its own application. */
  concurrency: z
    .int('expected a whole number')
    .positive('expected a number above 0')
    .max(16, 'at most 16')
    .optional(),
});
export type LamConfig = z.infer<typeof LamConfig>;
export type ConfigKey = keyof LamConfig;

/** The settings in effect: every one but the model has a default. */
export type Settings = Required<Omit<LamConfig, 'model'>> & Pick<LamConfig, 'model'>;

/** Defaults of the settings that have one. */
export const CONFIG_DEFAULTS: Readonly<Required<Omit<LamConfig, 'model'>>> = {
  out: 'runs',
  maxSteps: 20,
  confirm: 'ask',
  constrained: true,
  concurrency: 1,
};

/** The config file read when none is named: in the current folder. */
export const DEFAULT_CONFIG_FILE = 'lam.config.json';

const KEYS = Object.keys(LamConfig.shape) as ConfigKey[];

/** The environment variable of a setting: `maxSteps` → `LAM_MAX_STEPS`. */
export function envName(key: ConfigKey): string {
  return `LAM_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** Where a setting's value came from. */
export type ConfigSource = 'flag' | 'env' | 'file' | 'default';

/** The settings in effect, and where each came from. */
export interface ResolvedConfig {
  values: Settings;
  sources: Partial<Record<ConfigKey, ConfigSource>>;
  /** The config file read, if any. */
  file?: string;
}

/** Turns a text (an environment variable, a flag) into the type its setting wants, where it can. */
function fromText(key: ConfigKey, text: string): unknown {
  const shape = LamConfig.shape[key].unwrap();
  if (shape instanceof z.ZodNumber && /^\s*-?\d+(\.\d+)?\s*$/.test(text)) return Number(text);
  if (shape instanceof z.ZodBoolean) {
    if (/^(true|1|yes|on)$/i.test(text.trim())) return true;
    if (/^(false|0|no|off)$/i.test(text.trim())) return false;
  }
  return text;
}

function problems(error: z.ZodError, where: (key: string) => string, fix: string): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `${issue.keys.map((k) => `"${k}"`).join(', ')}: not a setting; the settings are ${KEYS.join(', ')}.`;
      }
      const key = String(issue.path[0] ?? '');
      return `${where(key)}: ${issue.message}. ${fix}`;
    })
    .join('\n  ');
}

function readConfigFile(file: string): Partial<LamConfig> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    const reason = existsSync(file) ? `it is not JSON (${(cause as Error).message})` : 'it does not exist';
    throw new LamError(
      'LAM_ConfigError',
      `lam: the config file ${file} cannot be used: ${reason}. Fix the file or the path given with --config or ${'LAM_CONFIG'}.`,
      { cause },
    );
  }
  const parsed = LamConfig.safeParse(value);
  if (!parsed.success) {
    throw new LamError(
      'LAM_ConfigError',
      `lam: the config file ${file} is not valid:\n  ${problems(parsed.error, (k) => k, 'Fix it in the file, or remove the key to use the default.')}`,
    );
  }
  return parsed.data;
}

function readEnvironment(env: NodeJS.ProcessEnv): Partial<LamConfig> {
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    const text = env[envName(key)];
    if (text !== undefined && text !== '') raw[key] = fromText(key, text);
  }
  const parsed = LamConfig.safeParse(raw);
  if (!parsed.success) {
    throw new LamError(
      'LAM_ConfigError',
      `lam: an environment variable is not valid:\n  ${problems(
        parsed.error,
        (k) => `${envName(k as ConfigKey)}=${JSON.stringify(env[envName(k as ConfigKey)])}`,
        'Change the variable or unset it.',
      )}`,
    );
  }
  return parsed.data;
}

function readFlags(flags: Partial<Record<ConfigKey, unknown>>): Partial<LamConfig> {
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = flags[key];
    if (value !== undefined) raw[key] = typeof value === 'string' ? fromText(key, value) : value;
  }
  const parsed = LamConfig.safeParse(raw);
  if (!parsed.success) {
    const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new LamError(
      'LAM_ConfigError',
      `lam: an option is not valid:\n  ${problems(parsed.error, flag, 'Change the option on the command line.')}`,
    );
  }
  return parsed.data;
}

/** Where {@link resolveConfig} looks. */
export interface ResolveConfigOptions {
  /** Values given as flags (strings as commander gives them, or typed values); `undefined` means not given. */
  flags?: Partial<Record<ConfigKey, unknown>>;
  /** A config file named with `--config`. */
  configFile?: string;
  /** The environment (default `process.env`); `LAM_CONFIG` names a config file. */
  env?: NodeJS.ProcessEnv;
  /** Where `lam.config.json` is looked for (default the current folder). */
  cwd?: string;
}

/**
 * Merges flags, environment variables, the config file and the defaults, each validated, with
 * errors that name the flag, variable or file key and say what to change.
 */
export function resolveConfig(options: ResolveConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const named = options.configFile ?? (env.LAM_CONFIG || undefined);
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE);
  const file = named !== undefined ? resolve(cwd, named) : existsSync(fallback) ? fallback : undefined;

  const layers: [ConfigSource, Partial<LamConfig>][] = [
    ['default', CONFIG_DEFAULTS],
    ['file', file ? readConfigFile(file) : {}],
    ['env', readEnvironment(env)],
    ['flag', readFlags(options.flags ?? {})],
  ];
  const values: Record<string, unknown> = {};
  const sources: Partial<Record<ConfigKey, ConfigSource>> = {};
  for (const [source, layer] of layers) {
    for (const key of KEYS) {
      if (layer[key] !== undefined) {
        values[key] = layer[key];
        sources[key] = source;
      }
    }
  }
  return { values: values as ResolvedConfig['values'], sources, ...(file ? { file } : {}) };
}

/** The settings in effect as lines `key = value  (source)`, for `lam config`. */
export function describeConfig(config: ResolvedConfig): string[] {
  const lines = KEYS.map((key) => {
    const value = config.values[key];
    const source = config.sources[key];
    const from =
      source === 'env'
        ? `from ${envName(key)}`
        : source === 'file'
          ? `from ${config.file}`
          : source === 'flag'
            ? 'from the command line'
            : source === 'default'
              ? 'default'
              : `not set (${envName(key)}, or "${key}" in ${DEFAULT_CONFIG_FILE})`;
    return `${key} = ${value === undefined ? '-' : JSON.stringify(value)}  (${from})`;
  });
  return [
    `config file: ${config.file ?? `none (${DEFAULT_CONFIG_FILE} in this folder, --config or LAM_CONFIG)`}`,
    ...lines,
  ];
}
