import { LAM_InvalidOptionsError } from './errors';
import { type GenerateOptions, GenerateOptionsSchema } from './types';

/** Validates generate() options, throwing `LAM_InvalidOptionsError` that lists every problem. */
export function parseGenerateOptions(options: unknown): GenerateOptions {
  const parsed = GenerateOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new LAM_InvalidOptionsError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`),
      'Pass { messages: [{ role, content }], ... } as documented in GenerateOptions.',
    );
  }
  return parsed.data;
}

/** The text of a message content, or `undefined` when it holds images. */
export function contentText(content: GenerateOptions['messages'][number]['content']): string | undefined {
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) {
    if (part.type !== 'text') return undefined;
    text += part.text;
  }
  return text;
}
