/**
 * Finds delimited LaTeX in free text the way the reference's regexes do ($$…$$, \[…\],
 * $…$ and \(…\) on one line, " […] ", a bare \frac{n}{m}; a trailing %, "percent" or "pct"),
 * but with index lookups instead of backtracking, so a 100 kB answer scans in linear time.
 */

export type Env = {
  start: number;
  /** End of the match, after any percent suffix. */
  end: number;
  content: string;
  contentStart: number;
  percent: boolean;
};

/** Sorted positions of a substring, for "next occurrence at or after" lookups. */
class Occurrences {
  private readonly pos: number[] = [];
  constructor(text: string, needle: string) {
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) this.pos.push(i);
  }
  next(from: number): number {
    let lo = 0;
    let hi = this.pos.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pos[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.pos.length ? this.pos[lo]! : -1;
  }
}

const PERCENT = /\s*(?:\\?%|[Pp]ercentage|[Pp]ercent|[Pp]ct)/y;
const BARE_FRAC = /-?\\frac\{-?\d+(?:[.,]\d+)?\}\{-?\d+(?:[.,]\d+)?\}/y;
const SEPARATOR = /\s*(?:,\s*and|,\s*or|and|or|,)\s*/y;

/**
 * End of the bare \frac{n}{m} (with its "-", if any) written at `p`, or -1. A bare fraction is
 * reached from two openers, "\" and the "-" of -\frac: one matcher so both read it alike.
 */
function bareFracEnd(t: string, p: number): number {
  BARE_FRAC.lastIndex = p;
  const m = BARE_FRAC.exec(t);
  return m ? p + m[0].length : -1;
}

export class LatexScanner {
  private readonly dollar: Occurrences;
  private readonly newline: Occurrences;
  private readonly closeBracket: Occurrences;
  private readonly closeParen: Occurrences;
  private readonly memo = new Map<number, Env | null>();

  constructor(private readonly text: string) {
    this.dollar = new Occurrences(text, "$");
    this.newline = new Occurrences(text, "\n");
    this.closeBracket = new Occurrences(text, "\\]");
    this.closeParen = new Occurrences(text, "\\)");
  }

  /** The delimited LaTeX starting exactly at `p`, if any (memoized for the anchor windows). */
  envAt(p: number, memo = true): Env | undefined {
    if (!memo) return this.computeEnvAt(p);
    const cached = this.memo.get(p);
    if (cached !== undefined) return cached ?? undefined;
    const env = this.computeEnvAt(p);
    if (this.memo.size < 20_000) this.memo.set(p, env ?? null);
    return env;
  }

  private computeEnvAt(p: number): Env | undefined {
    const t = this.text;
    const ch = t[p];
    const before = p > 0 ? t[p - 1]! : "";
    let contentStart = -1;
    let contentEnd = -1;
    let end = -1;
    if (ch === "$" && before !== "\\") {
      if (t[p + 1] === "$") {
        // $$ ... $$ (may span lines)
        const close = this.nextDouble(p + 2);
        if (close > p + 2 && t[close - 1] !== "\\") {
          contentStart = p + 2;
          contentEnd = close;
          end = close + 2;
        }
      }
      if (end < 0 && !/\d/.test(before) && t[p + 1] !== "$") {
        // $ ... $ on one line; \$ inside is text.
        let from = p + 1;
        for (;;) {
          const close = this.dollar.next(from);
          if (close < 0) break;
          const nl = this.newline.next(p + 1);
          if (nl >= 0 && nl < close) break;
          if (t[close - 1] === "\\") {
            from = close + 1;
            continue;
          }
          if (close > p + 1) {
            contentStart = p + 1;
            contentEnd = close;
            end = close + 1;
          }
          break;
        }
      }
    } else if (ch === "\\" && before !== "\\") {
      const kind = t[p + 1];
      if (kind === "[") {
        const close = this.closeBracket.next(p + 2);
        if (close > p + 2 && t[close - 1] !== "\\") {
          contentStart = p + 2;
          contentEnd = close;
          end = close + 2;
        }
      } else if (kind === "(") {
        const close = this.closeParen.next(p + 2);
        const nl = this.newline.next(p + 2);
        if (close > p + 2 && (nl < 0 || nl > close) && t[close - 1] !== "\\") {
          contentStart = p + 2;
          contentEnd = close;
          end = close + 2;
        }
      } else if (kind === "f") {
        contentStart = p;
        end = contentEnd = bareFracEnd(t, p);
      }
    } else if (ch === "-" && t.startsWith("\\frac", p + 1)) {
      contentStart = p;
      end = contentEnd = bareFracEnd(t, p);
    } else if (ch !== undefined && /\s/.test(ch) && t[p + 1] === "[") {
      // " [ ... ] " : brackets set off by spaces, one line, no nested brackets.
      let k = p + 2;
      const limit = Math.min(t.length, p + 2000);
      while (k < limit && t[k] !== "]" && t[k] !== "[" && t[k] !== "\n") k++;
      if (t[k] === "]" && k > p + 2 && /\s/.test(t[k + 1] ?? "")) {
        contentStart = p + 2;
        contentEnd = k;
        end = k + 2;
      }
    }
    if (end < 0) return undefined;
    let percent = false;
    PERCENT.lastIndex = end;
    const pm = PERCENT.exec(t);
    if (pm) {
      percent = true;
      end += pm[0].length;
    }
    return { start: p, end, content: t.slice(contentStart, contentEnd), contentStart, percent };
  }

  private nextDouble(from: number): number {
    let k = this.dollar.next(from);
    while (k >= 0) {
      if (this.text[k + 1] === "$") return k;
      k = this.dollar.next(k + 1);
    }
    return -1;
  }

  /** An env at `p` plus up to five more joined by ",", "and", "or". */
  groupAt(p: number, memo = true): Env[] | undefined {
    const first = this.envAt(p, memo);
    if (!first) return undefined;
    const group = [first];
    while (group.length < 6) {
      SEPARATOR.lastIndex = group[group.length - 1]!.end;
      const m = SEPARATOR.exec(this.text);
      if (!m) break;
      const nextEnv = this.envAt(SEPARATOR.lastIndex, memo);
      if (!nextEnv) break;
      group.push(nextEnv);
    }
    return group;
  }

  /** Left-to-right, non-overlapping groups over the whole text (like a global regex search). */
  allGroups(): Env[][] {
    const out: Env[][] = [];
    const t = this.text;
    // Only these characters can open an env: "$", "\", "-" (of -\frac), a space before "[".
    const opener = /[$\\-]|\s(?=\[)/g;
    for (let m = opener.exec(t); m !== null; m = opener.exec(t)) {
      const p = m.index;
      const g = this.groupAt(p, false);
      if (g) {
        out.push(g);
        opener.lastIndex = g[g.length - 1]!.end;
      }
    }
    return out;
  }
}
