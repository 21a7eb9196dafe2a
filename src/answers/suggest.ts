/**
 * "Did you mean …?" for a name a person mistyped: the closest of the known names, when one is
 * close (a few edits, or one is the start of the other: `jupyter` → `jupyterhub`).
 */
export function nearestName(given: string, known: Iterable<string>): string | undefined {
  let best: { name: string; score: number } | undefined;
  const wanted = given.toLowerCase();
  for (const name of known) {
    const candidate = name.toLowerCase();
    if (candidate === wanted) return name;
    const prefix = wanted.length >= 3 && (candidate.startsWith(wanted) || wanted.startsWith(candidate));
    const score = prefix ? Math.min(1, editDistance(wanted, candidate)) : editDistance(wanted, candidate);
    const limit = Math.max(1, Math.floor(Math.max(wanted.length, candidate.length) / 3));
    if (score <= limit && (!best || score < best.score)) best = { name, score };
  }
  return best?.name;
}

/** ", did you mean X?" or nothing. */
export const didYouMean = (given: string, known: Iterable<string>) => {
  const name = nearestName(given, known);
  return name ? `did you mean ${name}? ` : '';
};

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** "a" or "an" before a word. */
export const withArticle = (word: string) => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
