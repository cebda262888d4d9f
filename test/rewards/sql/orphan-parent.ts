// Helper for hostile.test.ts (not a test): starts a SQL process on an endless query, prints its
// pid, then waits to be SIGKILLed. The child must die with it (PR_SET_PDEATHSIG via setpriv).
import { SqlProcessPool } from "../../../src/rewards/sql/pool.ts";

const db = process.argv[2]!;
const pool = new SqlProcessPool({ size: 1, memoryMb: 64 });
void pool.run(
  { db, sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", maxRows: 10, maxBytes: 1 << 20, distinct: false, dqs: true, floatDigits: null },
  { timeoutMs: 600_000 },
);
const wait = setInterval(() => {
  const pids = pool.pids();
  if (pids.length > 0 && pool.stats.queries > 0) {
    clearInterval(wait);
    console.log(JSON.stringify({ pids }));
  }
}, 50);
