/**
 * Pairs of records scoring at or above the threshold, and their one-to-one resolution: greedy by descending score,
 * each record used at most once. Ties go to the pair whose `a` record comes first, then whose `b` record comes first
 * (positions in the input files), so the result does not depend on the order pairs were found in.
 */

export interface Pairs {
  a: Uint32Array;
  b: Uint32Array;
  scores: Float64Array;
}

export function concatPairs(parts: readonly Pairs[]): Pairs {
  const length = parts.reduce((n, p) => n + p.a.length, 0);
  const out: Pairs = { a: new Uint32Array(length), b: new Uint32Array(length), scores: new Float64Array(length) };
  let at = 0;
  for (const part of parts) {
    out.a.set(part.a, at);
    out.b.set(part.b, at);
    out.scores.set(part.scores, at);
    at += part.a.length;
  }
  return out;
}

export function resolveOneToOne(pairs: Pairs): Pairs {
  const { a, b, scores } = pairs;
  const order = new Uint32Array(a.length).map((_, k) => k);
  order.sort(
    (x, y) =>
      (scores[y] as number) - (scores[x] as number) ||
      (a[x] as number) - (a[y] as number) ||
      (b[x] as number) - (b[y] as number),
  );
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const kept: number[] = [];
  for (const k of order) {
    const x = a[k] as number;
    const y = b[k] as number;
    if (usedA.has(x) || usedB.has(y)) continue;
    usedA.add(x);
    usedB.add(y);
    kept.push(k);
  }
  return {
    a: Uint32Array.from(kept, (k) => a[k] as number),
    b: Uint32Array.from(kept, (k) => b[k] as number),
    scores: Float64Array.from(kept, (k) => scores[k] as number),
  };
}
