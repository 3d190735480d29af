/**
 * A small byte-level BPE tokenizer in the Hugging Face tokenizer.json format, trained at build time
 * on a short built-in text so that test models need no downloaded tokenizer. Every byte has a token,
 * so any text can be encoded.
 */

const CORPUS = [
  'Click the Save button, then type the file name and press Enter.',
  'Open the Insert tab and select Table. Choose three columns and two rows.',
  'The user wants to make the title bold. Select the title, then click Bold.',
  '{"thought": "I should click the button", "control_label": "12", "control_name": "Save", "function": "click_input", "args": {"button": "left", "double": false}, "status": "CONTINUE", "plan": ["Type the name", "Press Enter"]}',
  '{"thought": "The task is done", "control_label": "", "control_name": "", "function": "", "args": {}, "status": "FINISH", "plan": []}',
  'set_edit_text keyboard_input texts select wheel_mouse_input summary annotation',
  'File Home Insert Design Layout References Review View Help Format Page Borders Watermark',
].join('\n');

/** The special tokens, in id order. */
export const BYTE_BPE_SPECIAL_TOKENS = ['<s>', '</s>', '<|system|>', '<|user|>', '<|assistant|>'] as const;

const SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's mapping of bytes to printable characters. */
function byteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    map[b] = String.fromCharCode(printable.includes(b) ? b : 256 + extra++);
  }
  return map;
}

/** Builds the tokenizer.json object with `merges` BPE merges learnt from the built-in text. */
export function buildByteBpeTokenizer(merges = 200): Record<string, unknown> {
  const chars = byteToChar();
  const encoder = new TextEncoder();
  const words = new Map<string, number>();
  for (const piece of CORPUS.match(SPLIT) ?? []) {
    const word = [...encoder.encode(piece)].map((b) => chars[b]!).join(' ');
    words.set(word, (words.get(word) ?? 0) + 1);
  }
  let split = [...words].map(([w, n]) => ({ symbols: w.split(' '), n }));
  const vocab: Record<string, number> = {};
  BYTE_BPE_SPECIAL_TOKENS.forEach((t, i) => {
    vocab[t] = i;
  });
  for (const c of chars) vocab[c] = Object.keys(vocab).length;
  const learnt: string[] = [];
  for (let m = 0; m < merges; m++) {
    const pairs = new Map<string, number>();
    for (const { symbols, n } of split) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    }
    let best: string | undefined;
    let bestCount = 1;
    for (const [key, count] of pairs) {
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === undefined) break;
    const [a, b] = best.split(' ') as [string, string];
    learnt.push(best);
    vocab[a + b] = Object.keys(vocab).length;
    split = split.map(({ symbols, n }) => {
      const out: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === a && symbols[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(symbols[i]!);
      }
      return { symbols: out, n };
    });
  }
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: BYTE_BPE_SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: learnt,
    },
  };
}
