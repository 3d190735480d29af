import { messageText, type PromptMessage } from '@lam/prompts';

/** Rendered prompt messages as plain-text chat messages for `LanguageModel.generate`. */
export function textMessages(
  messages: readonly PromptMessage[],
): { role: 'system' | 'user' | 'assistant'; content: string }[] {
  return messages.map((m) => ({ role: m.role, content: messageText(m) }));
}
