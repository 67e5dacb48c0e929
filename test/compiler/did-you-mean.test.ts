/** Did-you-mean: Damerau–Levenshtein distance (optimal string alignment) and the typo threshold. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance, typoLimit } from '../../generator/did-you-mean.js';

describe('editDistance', () => {
  it.each([
    ['Line', 'Line', 0],
    ['Lien', 'Line', 1], // a swap of neighbours is one edit
    ['evnets', 'events', 1],
    ['statsu', 'status', 1],
    ['decimal', 'decimla', 1],
    ['string', 'strng', 1], // deletion
    ['int', 'uint', 1], // insertion
    ['Money', 'money', 0], // case is ignored
    ['ab', 'ba', 1],
    ['abc', 'ca', 3], // optimal string alignment: no edit of a swapped pair
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s → %s is %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });

  it('is a distance: zero only for equal text, symmetric, at most the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d === 0).toBe(a.toLowerCase() === b.toLowerCase());
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
    );
  });

  it('counts any one swap of neighbouring letters as one edit', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), minLength: 2, maxLength: 10 }),
        fc.nat(),
        (word, at) => {
          const i = at % (word.length - 1);
          const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
          expect(editDistance(word, swapped)).toBe(word[i] === word[i + 1] ? 0 : 1);
        },
      ),
    );
  });
});

describe('typo threshold', () => {
  it.each([
    ['id', 1],
    ['sku', 1],
    ['Line', 1],
    ['status', 2],
    ['currency', 2],
    ['createdAtUtc', 4],
  ])('%s allows %i edits', (name, limit) => {
    expect(typoLimit(name)).toBe(limit);
  });

  it('suggests within the limit and not beyond it', () => {
    expect(closestName('Lien', ['Money', 'Line'])).toBe('Line');
    expect(closestName('stauts', ['owner', 'status'])).toBe('status');
    expect(closestName('stts', ['status'])).toBeUndefined(); // two edits for a four-letter name
    expect(closestName('sttus', ['status'])).toBe('status'); // one edit for a five-letter name
    expect(closestName('ab', ['xy'])).toBeUndefined();
  });

  it('prefers the nearest candidate, then the first, and never the name itself', () => {
    expect(closestName('totl', ['totals', 'total'])).toBe('total');
    expect(closestName('totl', ['tota', 'total'])).toBe('tota');
    expect(closestName('amount', ['amount', 'amounts'])).toBe('amounts');
    expect(closestName('Line', ['Line'])).toBeUndefined();
  });

  it('words the hint', () => {
    expect(didYouMean('evnets', ['state', 'events', 'snapshot'])).toBe('did you mean "events"?');
    expect(didYouMean('zzz', ['events'])).toBeUndefined();
  });
});
