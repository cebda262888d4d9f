import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { extractSql } from "../../../src/rewards/sql/extract.ts";

describe("sql extract", () => {
  it("auto: the last ```sql fence", () => {
    const text = "First try:\n```sql\nSELECT 1\n```\nBetter:\n```SQL\nSELECT name FROM singer;\n```\nDone.";
    assert.deepEqual(extractSql(text, "auto"), { sql: "SELECT name FROM singer;", from: "sql_fence" });
  });

  it("auto: <solution> wins over exploratory <sql> turns, and a fence inside it wins", () => {
    const text = "<think>look</think><sql>SELECT * FROM singer LIMIT 3</sql><observation>...</observation><solution>SELECT count(*) FROM singer</solution>";
    assert.deepEqual(extractSql(text, "auto"), { sql: "SELECT count(*) FROM singer", from: "solution" });
    const fenced = "<solution>Here it is:\n```sql\nSELECT 2\n```\n</solution>";
    assert.deepEqual(extractSql(fenced, "auto"), { sql: "SELECT 2", from: "solution" });
  });

  it("auto: <sql> tag, then a bare fence, then the whole text", () => {
    assert.deepEqual(extractSql("<sql>SELECT 3</sql>", "auto"), { sql: "SELECT 3", from: "sql_tag" });
    assert.deepEqual(extractSql("```\nSELECT 4\n```", "auto"), { sql: "SELECT 4", from: "fence" });
    assert.deepEqual(extractSql("  SELECT 5  ", "auto"), { sql: "SELECT 5", from: "text" });
    assert.equal(extractSql("   ", "auto"), undefined);
  });

  it("a ```sqlite fence and an unclosed final fence", () => {
    assert.deepEqual(extractSql("```sqlite\nSELECT 6\n```", "auto"), { sql: "SELECT 6", from: "sql_fence" });
    assert.deepEqual(extractSql("```sql\nSELECT 7", "auto"), { sql: "SELECT 7", from: "sql_fence" });
    // ```python is not SQL: the bare-fence rule needs a newline right after the backticks.
    assert.deepEqual(extractSql("```python\nprint(1)\n```", "sql_fence"), undefined);
  });

  it("strict settings accept only their form", () => {
    assert.equal(extractSql("SELECT 1", "solution_tag"), undefined);
    assert.equal(extractSql("SELECT 1", "sql_fence"), undefined);
    assert.deepEqual(extractSql("<SQL> SELECT 8 </SQL>", "sql_tag"), { sql: "SELECT 8", from: "sql_tag" });
    assert.deepEqual(extractSql("<solution>SELECT 9", "solution_tag"), { sql: "SELECT 9", from: "solution" });
  });
});
