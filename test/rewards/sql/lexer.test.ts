import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  hasOrderBy,
  joinSplitOperators,
  leadingKeyword,
  removeDistinct,
  rewriteDoubleQuoted,
  tokenize,
} from "../../../src/rewards/sql/lexer.ts";

describe("sql lexer", () => {
  it("tokens cover the input and keep literals, quoted names and comments whole", () => {
    const sql = `SELECT 'it''s', "a""b", [x y], \`z\` -- c\n/* d */ FROM t`;
    const toks = tokenize(sql);
    assert.equal(toks.map((t) => sql.slice(t.start, t.end)).join(""), sql);
    const kinds = toks.filter((t) => t.kind !== "space" && t.kind !== "punct").map((t) => [t.kind, sql.slice(t.start, t.end)]);
    assert.deepEqual(kinds, [
      ["word", "SELECT"],
      ["string", "'it''s'"],
      ["dquoted", '"a""b"'],
      ["ident", "[x y]"],
      ["ident", "`z`"],
      ["comment", "-- c\n"],
      ["comment", "/* d */"],
      ["word", "FROM"],
      ["word", "t"],
    ]);
  });

  it("leading keyword skips comments and parentheses", () => {
    assert.equal(leadingKeyword("  -- hi\n /* x */ (select 1)"), "SELECT");
    assert.equal(leadingKeyword("with x as (select 1) select * from x"), "WITH");
    assert.equal(leadingKeyword("attach 'a' as b"), "ATTACH");
    assert.equal(leadingKeyword("  "), undefined);
  });

  it("ORDER BY is found across whitespace and comments, not inside literals", () => {
    assert.equal(hasOrderBy("select a from t order\n  by a"), true);
    assert.equal(hasOrderBy("select a from t ORDER /* x */ BY a"), true);
    assert.equal(hasOrderBy("select 'order by' from t"), false);
    assert.equal(hasOrderBy('select "order by" from t'), false);
    assert.equal(hasOrderBy("select a from t -- order by a\n"), false);
  });

  it("rewrites only the double-quoted token SQLite named", () => {
    const sql = `SELECT "name" FROM t WHERE s = "arizona" AND note = 'say "arizona"'`;
    assert.equal(
      rewriteDoubleQuoted(sql, '"arizona"'),
      `SELECT "name" FROM t WHERE s = 'arizona' AND note = 'say "arizona"'`,
    );
    assert.equal(rewriteDoubleQuoted(sql, "arizona"), `SELECT "name" FROM t WHERE s = 'arizona' AND note = 'say "arizona"'`);
    assert.equal(rewriteDoubleQuoted(`SELECT "it's"`, `"it's"`), `SELECT 'it''s'`);
    assert.equal(rewriteDoubleQuoted(sql, '"texas"'), undefined);
  });

  it("Spider preprocessing: DISTINCT removal and split operators, outside literals", () => {
    assert.equal(removeDistinct("SELECT DISTINCT a, count(distinct b) FROM t WHERE x = 'distinct'"), "SELECT  a, count( b) FROM t WHERE x = 'distinct'");
    assert.equal(joinSplitOperators("a > = 1 and b < = 2 and c ! = 3 and d = '> ='"), "a >= 1 and b <= 2 and c != 3 and d = '> ='");
  });
});
