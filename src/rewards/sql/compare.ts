/**
 * Execution-result comparison for text-to-SQL: BIRD's set equality, Spider test-suite's multiset
 * equality up to a column permutation, and plain multiset equality.
 *
 * Values are compared the way the official Python evaluators see them (sqlite3 rows compared
 * with ==): an integer equals a real of the same value (1 == 1.0), NULL equals NULL, text is
 * compared exactly (case and spaces count), text never equals a number ('1' != 1), a blob
 * equals only the same bytes. Reals are compared exactly unless `floatDigits` rounds them to
 * that many significant digits first.
 */

/** One result cell as better-sqlite3 returns it with safe integers on. */
export type Cell = null | number | bigint | string | Uint8Array;

export type CompareMode = "bird" | "spider" | "multiset";

export type CompareOptions = {
  mode: CompareMode;
  /** Spider only: rows must come in the same order (the gold SQL has ORDER BY). */
  orderMatters?: boolean;
  /** Round non-integral reals to this many significant digits before comparing; null = exact. */
  floatDigits?: number | null;
};

/** A result with every cell turned into a comparable key, built once per result. */
export type Table = {
  /** Column count; 0 for a result that has no rows and no known columns. */
  width: number;
  cells: string[][];
  /** One key per row, in result order. */
  rows: string[];
};

export type Verdict = {
  equal: boolean;
  /** Why the results differ (or how they matched, for spider). */
  why: string;
  /** Spider: gold column i was matched by predicted column permutation[i]. */
  permutation?: number[];
};

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** The comparison key of one value; equal keys <=> equal values under the rules above. */
export function cellKey(v: Cell, floatDigits: number | null = null): string {
  if (v === null || v === undefined) return "N";
  if (typeof v === "bigint") return `n${v}`;
  if (typeof v === "number") {
    let x = v;
    if (!Number.isFinite(x)) return `n${x}`;
    if (floatDigits !== null && !Number.isInteger(x)) x = Number(x.toPrecision(floatDigits));
    // An integral real prints like the integer it equals, so 1.0 and 1 share a key, also beyond 2^53.
    if (Number.isInteger(x)) return `n${Number.isSafeInteger(x) ? String(x) : BigInt(x).toString()}`;
    return `n${x}`;
  }
  if (typeof v === "string") return `s${v}`;
  return `b${hex(v)}`;
}

/** Builds the comparable form of a result once (the gold's is cached). */
export function toTable(rows: readonly (readonly Cell[])[], width: number, floatDigits: number | null = null): Table {
  const cells = rows.map((r) => r.map((v) => cellKey(v, floatDigits)));
  return { width, cells, rows: cells.map(rowKey) };
}

const rowKey = (cells: readonly string[]) => JSON.stringify(cells);

function counts(keys: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function sameCounts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const m = counts(a);
  for (const k of b) {
    const c = m.get(k);
    if (!c) return false;
    m.set(k, c - 1);
  }
  return true;
}

function sameSequence(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Upper bound on column permutations tried in spider mode (identical columns are tried once). */
export const MAX_PERMUTATIONS = 20_000;

/** Compares a predicted result with the gold result. */
export function compareTables(gold: Table, pred: Table, o: CompareOptions): Verdict {
  const ng = gold.rows.length;
  const np = pred.rows.length;
  // BIRD's set() == set() and Spider's "both empty" rule: two empty results match whatever their columns.
  if (ng === 0 && np === 0) return { equal: true, why: "both results are empty" };
  if (o.mode === "bird") {
    const g = new Set(gold.rows);
    const p = new Set(pred.rows);
    if (g.size !== p.size) return { equal: false, why: `distinct rows differ: gold ${g.size}, predicted ${p.size}` };
    for (const k of p) if (!g.has(k)) return { equal: false, why: "the sets of rows differ" };
    return { equal: true, why: "same set of rows" };
  }
  if (ng !== np) return { equal: false, why: `row counts differ: gold ${ng}, predicted ${np}` };
  if (o.mode === "multiset") {
    return sameCounts(gold.rows, pred.rows)
      ? { equal: true, why: "same multiset of rows" }
      : { equal: false, why: "the multisets of rows differ" };
  }
  return spiderEqual(gold, pred, o.orderMatters === true);
}

/**
 * Spider test-suite equality: some permutation of the predicted columns makes the predicted
 * rows equal the gold rows as a multiset (as a sequence when order matters). Searches exactly
 * (the official code prunes with a random sample of rows; the answer is the same).
 */
function spiderEqual(gold: Table, pred: Table, ordered: boolean): Verdict {
  const w = gold.width;
  if (pred.width !== w) return { equal: false, why: `column counts differ: gold ${w}, predicted ${pred.width}` };
  // Necessary condition, cheap: the rows agree once each row's values are sorted.
  const unordered = (t: Table) => t.cells.map((r) => rowKey([...r].sort()));
  const ug = unordered(gold);
  const up = unordered(pred);
  if (!(ordered ? sameSequence(ug, up) : sameCounts(ug, up))) {
    return { equal: false, why: ordered ? "rows differ (in order, ignoring column order)" : "rows differ (ignoring column order)" };
  }
  const column = (t: Table, c: number) => t.cells.map((r) => r[c]!);
  const colKey = (t: Table, c: number) => {
    const vals = column(t, c);
    return JSON.stringify(ordered ? vals : vals.sort());
  };
  // Two predicted columns with identical contents are interchangeable: try only one of them.
  const exact = Array.from({ length: w }, (_, c) => JSON.stringify(column(pred, c)));
  const firstTwin = exact.map((k) => exact.indexOf(k));
  const gKeys = Array.from({ length: w }, (_, c) => colKey(gold, c));
  const pKeys = Array.from({ length: w }, (_, c) => colKey(pred, c));
  const candidates = gKeys.map((gk) => pKeys.flatMap((pk, j) => (pk === gk ? [j] : [])));
  const empty = candidates.findIndex((c) => c.length === 0);
  if (empty >= 0) return { equal: false, why: `no predicted column has the values of gold column ${empty + 1}` };

  const perm: number[] = new Array(w);
  const used = new Array<boolean>(w).fill(false);
  let tried = 0;
  const rowsUnder = (p: readonly number[]) => pred.cells.map((r) => rowKey(p.map((j) => r[j]!)));
  const search = (i: number): boolean => {
    if (i === w) {
      tried++;
      const rows = rowsUnder(perm);
      return ordered ? sameSequence(gold.rows, rows) : sameCounts(gold.rows, rows);
    }
    for (const j of candidates[i]!) {
      if (used[j]) continue;
      const twin = firstTwin[j]!;
      if (twin !== j && !used[twin]) continue;
      used[j] = true;
      perm[i] = j;
      if (search(i + 1)) return true;
      used[j] = false;
      if (tried >= MAX_PERMUTATIONS) return false;
    }
    return false;
  };
  if (search(0)) {
    const identity = perm.every((j, i) => j === i);
    return { equal: true, why: identity ? "same rows" : "same rows up to a column permutation", permutation: [...perm] };
  }
  if (tried >= MAX_PERMUTATIONS) return { equal: false, why: `no column permutation matched within ${MAX_PERMUTATIONS} tries` };
  return { equal: false, why: ordered ? "no column permutation gives the gold rows in order" : "no column permutation gives the gold rows" };
}

/** Convenience for tests and one-off checks: compare raw results. */
export function compareResults(
  gold: readonly (readonly Cell[])[],
  pred: readonly (readonly Cell[])[],
  o: CompareOptions & { goldWidth?: number; predWidth?: number },
): Verdict {
  const fd = o.floatDigits ?? null;
  const g = toTable(gold, o.goldWidth ?? gold[0]?.length ?? 0, fd);
  const p = toTable(pred, o.predWidth ?? pred[0]?.length ?? 0, fd);
  return compareTables(g, p, o);
}
