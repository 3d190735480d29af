import { CheckerSpec } from '@lam/eval';
import { describe, expect, it } from 'vitest';
import { SKILLS, selectSkills } from './catalogue';
import { GeneratedTask, generateTasks, heldoutPhrasings } from './tasks';

describe('generateTasks', () => {
  const tasks = generateTasks({ count: 600, seed: '7' });

  it('is deterministic from the seed and differs across seeds', () => {
    expect(generateTasks({ count: 50, seed: '7' })).toEqual(tasks.slice(0, 50));
    expect(generateTasks({ count: 50, seed: '8' }).map((t) => t.request)).not.toEqual(
      tasks.slice(0, 50).map((t) => t.request),
    );
  });

  it('makes valid tasks of every skill, with compositions and all three splits', () => {
    for (const t of tasks) GeneratedTask.parse(t);
    for (const t of tasks) CheckerSpec.parse(t.checker);
    const skills = new Set(tasks.flatMap((t) => t.skills));
    expect([...skills].sort()).toEqual(SKILLS.map((s) => s.id).sort());
    expect(tasks.some((t) => t.skills.length === 3)).toBe(true);
    const splits = new Set(tasks.map((t) => t.split));
    expect(splits).toEqual(new Set(['train', 'test', 'heldout']));
    expect(tasks.length).toBeGreaterThan(590);
  });

  it('keeps held-out phrasings, compositions and document kinds out of train', () => {
    const train = tasks.filter((t) => t.split === 'train');
    const heldout = tasks.filter((t) => t.split === 'heldout');
    const trainPhrasings = new Set(
      train.flatMap((t) => t.phrasing.split('+').map((p) => p.replace(/#.$/, ''))),
    );
    const trainCombos = new Set(
      train.filter((t) => t.skills.length > 1).map((t) => [...t.skills].sort().join('+')),
    );
    const trainKinds = new Set(train.map((t) => t.documentKind));
    for (const t of heldout) {
      for (const p of t.phrasing.split('+')) expect(trainPhrasings.has(p.replace(/#.$/, ''))).toBe(false);
      if (t.skills.length > 1) expect(trainCombos.has([...t.skills].sort().join('+'))).toBe(false);
      expect(trainKinds.has(t.documentKind)).toBe(false);
    }
  });

  it('gives every skill at least 8 phrasings, some held out', () => {
    for (const skill of SKILLS) {
      expect(skill.phrasings.length).toBeGreaterThanOrEqual(8);
      expect(new Set(skill.phrasings.map((p) => p.id)).size).toBe(skill.phrasings.length);
      const held = heldoutPhrasings(skill, '7');
      expect(held.size).toBeGreaterThan(0);
      expect(held.size).toBeLessThan(skill.phrasings.length);
    }
  });

  it('perturbs a tenth of train and test routes into negatives, never held-out ones', () => {
    const negatives = tasks.filter((t) => t.perturbation !== undefined);
    expect(negatives.length).toBeGreaterThan(20);
    expect(negatives.length).toBeLessThan(tasks.length * 0.2);
    for (const t of negatives) {
      expect(t.split).not.toBe('heldout');
      expect(t.route).toContain(`!${t.perturbation}`);
    }
    expect(generateTasks({ count: 100, seed: '7', negativeFraction: 0 }).some((t) => t.perturbation)).toBe(
      false,
    );
  });

  it('never composes a skill that reads the values with one that changes them', () => {
    const readers = ['calc-formula', 'calc-currency', 'calc-number-format', 'calc-total-column'];
    const writers = ['calc-update-cell', 'calc-clear-row', 'calc-sort'];
    for (const t of tasks) {
      const reads = t.skills.some((s) => readers.includes(s));
      const writes = t.skills.some((s) => writers.includes(s));
      expect(reads && writes, `${t.id}: ${t.skills.join(', ')}`).toBe(false);
    }
  });

  it('shards the same list without overlap or loss', () => {
    const all = generateTasks({ count: 90, seed: '3' });
    const shards = [0, 1, 2].map((index) => generateTasks({ count: 90, seed: '3', shard: { index, of: 3 } }));
    expect(
      shards
        .flat()
        .map((t) => t.id)
        .sort(),
    ).toEqual(all.map((t) => t.id).sort());
    expect(() => generateTasks({ count: 5, shard: { index: 3, of: 3 } })).toThrow(/--shard/);
  });

  it('limits to the named skills and rejects unknown ones', () => {
    const only = generateTasks({ count: 30, seed: '1', skills: ['writer-bold', 'calc-sort'] });
    for (const t of only) expect(['writer-bold', 'calc-sort']).toEqual(expect.arrayContaining(t.skills));
    expect(() => selectSkills(['writer-nope'])).toThrow(/writer-nope.*--skills/s);
  });
});
