import { describe, expect, it } from 'vitest';
import { DraftLookup } from './draft';

describe('DraftLookup', () => {
  it('proposes what followed the last tokens in earlier outputs, longer matches and recent outputs first', () => {
    const drafts = new DraftLookup(8, 3);
    drafts.remember([9, 9, 1], [10, 11, 12, 13, 14]);
    drafts.remember([9, 9, 1], [10, 11, 12, 20, 21]);
    // The start of an answer: the prompt's last tokens are the key.
    expect(drafts.propose([5, 9, 9, 1], [], 4)[0]).toEqual([10, 11, 12, 20]);
    expect(drafts.propose([5, 9, 9, 1], [10, 11, 12], 8, 2)).toEqual([
      [20, 21],
      [13, 14],
    ]);
  });

  it('falls back to shorter matches and to the prompt and output so far; nothing where nothing matches', () => {
    const drafts = new DraftLookup(8, 3);
    const prompt = [1, 2, 3, 4, 5, 6, 7];
    expect(drafts.propose(prompt, [3, 4, 5], 2)[0]).toEqual([6, 7]);
    expect(drafts.propose(prompt, [40, 41, 5], 2)[0]).toEqual([6, 7]);
    expect(drafts.propose(prompt, [40, 41, 42], 2)).toEqual([]);
    expect(drafts.propose(prompt, [3, 4, 5], 0)).toEqual([]);
  });

  it('keeps only the last outputs it was told to', () => {
    const drafts = new DraftLookup(1, 2);
    drafts.remember([0, 1], [2, 3]);
    drafts.remember([0, 1], [4, 5]);
    expect(drafts.propose([0, 1], [], 2)).toEqual([[4, 5]]);
  });
});
