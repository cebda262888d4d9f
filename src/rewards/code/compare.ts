/**
 * stdout vs expected output for stdin/stdout tests, the way competitive-programming judges
 * compare: line endings unified, runs of spaces and tabs within a line collapsed, leading and
 * trailing blanks of each line and blank lines at either end ignored. With a float tolerance,
 * tokens that both parse as numbers match when |a - b| <= tol * max(1, |b|) (absolute near
 * zero, relative for large values, as Codeforces-style checkers do).
 */

export function normalizeOutput(s: string): string[] {
  const lines = s.replace(/\r\n?/g, "\n").split("\n").map((l) => l.trim().split(/[ \t\f\v]+/).filter(Boolean).join(" "));
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a] === "") a++;
  while (b > a && lines[b - 1] === "") b--;
  return lines.slice(a, b);
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity|nan)$/i;

function closeNumbers(a: string, b: string, tol: number): boolean {
  if (!NUMBER.test(a) || !NUMBER.test(b)) return false;
  const x = Number(a.replace(/^([+-]?)inf(inity)?$/i, "$1Infinity"));
  const y = Number(b.replace(/^([+-]?)inf(inity)?$/i, "$1Infinity"));
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= tol * Math.max(1, Math.abs(y));
}

/** Whether `got` matches `expected`; `floatTolerance` null compares tokens exactly. */
export function sameOutput(got: string, expected: string, floatTolerance: number | null): boolean {
  const g = normalizeOutput(got);
  const e = normalizeOutput(expected);
  if (g.length !== e.length) return false;
  for (let i = 0; i < g.length; i++) {
    if (g[i] === e[i]) continue;
    if (floatTolerance === null) return false;
    const gt = g[i]!.split(" ");
    const et = e[i]!.split(" ");
    if (gt.length !== et.length) return false;
    for (let j = 0; j < gt.length; j++) {
      if (gt[j] !== et[j] && !closeNumbers(gt[j]!, et[j]!, floatTolerance)) return false;
    }
  }
  return true;
}
