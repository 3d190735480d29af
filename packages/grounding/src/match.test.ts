import { describe, expect, it } from 'vitest';
import { matchControls, nameSimilarity, normalizeName } from './match';

const c = (label: string, name: string, type = 'Button') => ({ label, name, type });

describe('nameSimilarity', () => {
  it('is 100 for names equal up to case, accents and white space', () => {
    expect(nameSimilarity('Save  As', 'save as')).toBe(100);
    expect(nameSimilarity('Café', 'cafe')).toBe(100);
    expect(normalizeName('  A\tB ')).toBe('a b');
  });

  it('scores a contained name high but below an exact match', () => {
    const partial = nameSimilarity('Save', 'Save As');
    expect(partial).toBeGreaterThanOrEqual(85);
    expect(partial).toBeLessThan(100);
  });

  it('forgives word order and small typos', () => {
    expect(nameSimilarity('As Save', 'Save As')).toBeGreaterThanOrEqual(95);
    expect(nameSimilarity('Bulets', 'Bullets')).toBeGreaterThanOrEqual(80);
  });

  it('scores unrelated names low, and empty names 0', () => {
    expect(nameSimilarity('Delete', 'Insert Table')).toBeLessThan(50);
    expect(nameSimilarity('', 'Save')).toBe(0);
  });
});

describe('matchControls', () => {
  const controls = [c('1', 'Save As'), c('2', 'Save'), c('3', 'Open'), c('4', 'Save')];

  it('ranks best first, keeping list order among equals', () => {
    const ranked = matchControls('save', controls);
    expect(ranked.map((m) => m.control.label)).toEqual(['2', '4', '1', '3']);
  });

  it('drops matches below the threshold instead of taking the best of bad ones', () => {
    expect(matchControls('Print', controls, { threshold: 80 })).toEqual([]);
    expect(matchControls('Save', controls, { threshold: 80, limit: 1 })).toHaveLength(1);
  });
});
