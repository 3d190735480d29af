import { z } from 'zod';

/** A text part of a chat message. */
export const TextPart = z.strictObject({ type: z.literal('text'), text: z.string() });
export type TextPart = z.infer<typeof TextPart>;

/**
 * An image part of a chat message. `image` is an `https:` URL, a `data:` URL, or a file path
 * (a reference the caller turns into a URL or bytes before sending it to a model).
 */
export const ImagePart = z.strictObject({
  type: z.literal('image'),
  image: z.string().min(1),
  mimeType: z.string().optional(),
});
export type ImagePart = z.infer<typeof ImagePart>;

/** A part of a chat message's content. */
export const ContentPart = z.discriminatedUnion('type', [TextPart, ImagePart]);
export type ContentPart = z.infer<typeof ContentPart>;

/** The role of a chat message. */
export const PromptRole = z.enum(['system', 'user', 'assistant']);
export type PromptRole = z.infer<typeof PromptRole>;

/** One rendered chat message: plain text, or text and image parts (templates that take screenshots). */
export const PromptMessage = z.strictObject({
  role: PromptRole,
  content: z.union([z.string(), z.array(ContentPart)]),
});
export type PromptMessage = z.infer<typeof PromptMessage>;

/** An image part from a screenshot reference such as `@lam/schema`'s `ScreenshotRef` (its path or URL, and its MIME type when known), or from a URL. */
export function imagePart(screenshot: { path: string; mimeType?: string | undefined } | string): ImagePart {
  if (typeof screenshot === 'string') return { type: 'image', image: screenshot };
  const part: ImagePart = { type: 'image', image: screenshot.path };
  if (screenshot.mimeType !== undefined) part.mimeType = screenshot.mimeType;
  return part;
}

/** The text of a message: its string content, or its text parts joined by new lines (images left out). */
export function messageText(message: PromptMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .filter((p): p is TextPart => p.type === 'text')
    .map((p) => p.text)
    .join('\n');
}
