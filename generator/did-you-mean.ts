/**
 * Did-you-mean suggestions, shared by every diagnostic that names something unknown (types,
 * keys, fields, apply operations, enum values). Distance is Damerau–Levenshtein in its
 * optimal-string-alignment form: a swap of two neighbouring letters (`Lien` → `Line`) is one
 * typo, as people make it, not two.
 */

/** Edits (insert, delete, substitute, swap neighbours) from `a` to `b`, ignoring case. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  // Three rows of the dynamic-programming table: a swap looks two rows back.
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        best = Math.min(best, (beforePrevious[j - 2] ?? 0) + 1);
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/**
 * How many edits still make a likely typo of a name this long: a third of its length, at
 * least one (as rustc does), so `id` → `ik` is suggested but `id` → `at` is not.
 */
export function typoLimit(name: string): number {
  return Math.max(1, Math.floor(name.length / 3));
}

/** The candidate closest to `name` within its typo limit, the first on ties; undefined when none is close. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = typoLimit(name) + 1;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `did you mean "x"?`, or undefined when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const best = closestName(name, candidates);
  return best === undefined ? undefined : `did you mean "${best}"?`;
}
