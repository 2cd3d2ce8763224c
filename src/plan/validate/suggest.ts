/** "Did you mean …?": the allowed word closest to a typo, in bounded time. */

/**
 * Edit distance, or `limit + 1` as soon as it must exceed `limit`: suggestions only care about
 * small distances, and a bounded computation keeps a file full of long unknown ids cheap.
 */
function boundedLevenshtein(a: string, b: string, limit: number): number {
  if (limit < 0 || Math.abs(a.length - b.length) > limit) return limit + 1;
  // Only cells within `limit` of the diagonal can lead to a distance within `limit`.
  const outside = limit + 1;
  let previous = new Int32Array(b.length + 1).fill(outside);
  let current = new Int32Array(b.length + 1);
  for (let j = 0; j <= Math.min(limit, b.length); j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current.fill(outside);
    if (i <= limit) current[0] = i;
    let rowMin = current[0]!;
    for (let j = Math.max(1, i - limit); j <= Math.min(b.length, i + limit); j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost, outside);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return outside;
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/** Longer words are not ids anyone mistyped; candidates beyond this many are not compared. */
const MAX_SUGGESTION_WORD = 64;
const MAX_SUGGESTION_CANDIDATES = 2_000;

/** The candidate a typo most likely meant, or undefined when none is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > MAX_SUGGESTION_WORD) return undefined;
  const lower = word.toLowerCase();
  const tolerance = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = tolerance + 1;
  for (const candidate of candidates.slice(0, MAX_SUGGESTION_CANDIDATES)) {
    const distance = boundedLevenshtein(lower, candidate.toLowerCase(), Math.min(tolerance, bestDistance - 1));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

export function quoteList(values: readonly unknown[]): string {
  return values.map((value) => `'${String(value)}'`).join(', ');
}
