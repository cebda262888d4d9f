/**
 * A minimal SQLite lexer: enough to tell string literals, quoted identifiers and comments from
 * the rest, so the rewrites below never touch text inside a literal. It is not a parser.
 */

export type TokenKind =
  | "space"
  | "comment"
  /** '...' string literal */
  | "string"
  /** "..." — an identifier, or a string literal under SQLite's legacy double-quoted-string rule */
  | "dquoted"
  /** [...] or `...` identifier */
  | "ident"
  /** keyword, bare identifier or number */
  | "word"
  /** any other single character */
  | "punct";

export type Token = { kind: TokenKind; start: number; end: number };

const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c >= 128;

/** Splits SQL into tokens covering the whole input; an unterminated literal or comment runs to the end. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const start = i;
    const c = sql.charCodeAt(i);
    let kind: TokenKind;
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      while (i < n && /\s/.test(sql[i]!)) i++;
      kind = "space";
    } else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? n : nl + 1;
      kind = "comment";
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
      kind = "comment";
    } else if (c === 39 || c === 34 || c === 96) {
      // A doubled quote inside the literal is an escaped quote.
      const q = sql[i]!;
      i++;
      for (;;) {
        const j = sql.indexOf(q, i);
        if (j < 0) {
          i = n;
          break;
        }
        if (sql[j + 1] === q) {
          i = j + 2;
          continue;
        }
        i = j + 1;
        break;
      }
      kind = c === 39 ? "string" : c === 34 ? "dquoted" : "ident";
    } else if (c === 91) {
      const j = sql.indexOf("]", i);
      i = j < 0 ? n : j + 1;
      kind = "ident";
    } else if (isWordChar(c)) {
      while (i < n && isWordChar(sql.charCodeAt(i))) i++;
      kind = "word";
    } else {
      i++;
      kind = "punct";
    }
    out.push({ kind, start, end: i });
  }
  return out;
}

const significant = (t: Token) => t.kind !== "space" && t.kind !== "comment";

/** The first keyword of the statement, upper-cased, skipping comments and opening parentheses. */
export function leadingKeyword(sql: string): string | undefined {
  for (const t of tokenize(sql)) {
    if (!significant(t)) continue;
    if (t.kind === "punct" && sql[t.start] === "(") continue;
    return t.kind === "word" ? sql.slice(t.start, t.end).toUpperCase() : sql.slice(t.start, t.end);
  }
  return undefined;
}

/** Whether the SQL has an ORDER BY anywhere outside literals and comments (Spider's order rule). */
export function hasOrderBy(sql: string): boolean {
  const words = tokenize(sql).filter(significant);
  for (let k = 0; k + 1 < words.length; k++) {
    const a = words[k]!;
    const b = words[k + 1]!;
    if (a.kind === "word" && b.kind === "word" && sql.slice(a.start, a.end).toUpperCase() === "ORDER" && sql.slice(b.start, b.end).toUpperCase() === "BY") {
      return true;
    }
  }
  return false;
}

/** The text inside a "..." token, with doubled quotes undone. */
export function dquotedContent(raw: string): string {
  const inner = raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw.slice(1);
  return inner.replaceAll('""', '"');
}

const singleQuoted = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Turns the double-quoted tokens SQLite could not resolve as a column into string literals — the
 * legacy rule Python's sqlite3 (used by BIRD and Spider) still applies and better-sqlite3's
 * SQLite build (DQS=0) does not. `missing` is what the "no such column" error named: the raw
 * token (`"arizona"`) or its content (`arizona`). Returns undefined when nothing matched.
 */
export function rewriteDoubleQuoted(sql: string, missing: string): string | undefined {
  const raw = missing.startsWith('"');
  let out = "";
  let last = 0;
  let changed = false;
  for (const t of tokenize(sql)) {
    if (t.kind !== "dquoted") continue;
    const text = sql.slice(t.start, t.end);
    if (raw ? text !== missing : dquotedContent(text) !== missing) continue;
    out += sql.slice(last, t.start) + singleQuoted(dquotedContent(text));
    last = t.end;
    changed = true;
  }
  return changed ? out + sql.slice(last) : undefined;
}

/** Drops every DISTINCT keyword (the Spider test-suite's default, which it undoes with --keep_distinct). */
export function removeDistinct(sql: string): string {
  let out = "";
  let last = 0;
  for (const t of tokenize(sql)) {
    if (t.kind === "word" && sql.slice(t.start, t.end).toUpperCase() === "DISTINCT") {
      out += sql.slice(last, t.start);
      last = t.end;
    }
  }
  return out + sql.slice(last);
}

/** Joins `> =`, `< =`, `! =` outside literals into one operator (the Spider test-suite's postprocess). */
export function joinSplitOperators(sql: string): string {
  const toks = tokenize(sql);
  let out = "";
  let last = 0;
  for (let k = 0; k + 2 < toks.length; k++) {
    const a = toks[k]!;
    const sp = toks[k + 1]!;
    const b = toks[k + 2]!;
    if (a.kind !== "punct" || sp.kind !== "space" || b.kind !== "punct" || sql[b.start] !== "=") continue;
    const op = sql[a.start];
    if (op !== ">" && op !== "<" && op !== "!") continue;
    if (sql.slice(sp.start, sp.end) !== " ") continue;
    out += sql.slice(last, sp.start);
    last = sp.end;
  }
  return out + sql.slice(last);
}
