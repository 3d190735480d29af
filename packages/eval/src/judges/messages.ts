import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { PromptMessage } from '@lam/prompts';
import type { ChatMessage } from '@lam/runtime';

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
};

/** How images in a prompt reach the model: `inline` (files become data URLs) or `omit` (text-only models). */
export type ImageMode = 'inline' | 'omit';

/**
 * Converts rendered prompt messages to the runtime's chat messages. Image parts that are file
 * paths are read and sent as `data:` URLs (`inline`), or left out (`omit`).
 */
export function toModelMessages(
  messages: readonly PromptMessage[],
  images: ImageMode = 'inline',
): ChatMessage[] {
  return messages.map((m) => {
    if (typeof m.content === 'string') return { role: m.role, content: m.content };
    const parts: Exclude<ChatMessage['content'], string> = [];
    for (const p of m.content) {
      if (p.type === 'text') parts.push({ type: 'text', text: p.text });
      else if (images === 'inline') {
        const url = /^(https?:|data:)/.test(p.image)
          ? p.image
          : `data:${p.mimeType ?? MIME[extname(p.image).toLowerCase()] ?? 'image/png'};base64,${readFileSync(p.image).toString('base64')}`;
        parts.push({ type: 'image', image: url });
      }
    }
    return { role: m.role, content: parts };
  });
}
