/**
 * A restarted server continues with the same combine state: running statistics kept in the run
 * store's state table are read back by the new process's pipeline.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createServer } from "../../src/server/app.ts";
import { RunStore } from "../../src/store/run-store.ts";
import { call } from "./helpers.ts";

const SPEC = `rewards:
  len:
    type: length_penalty
    mode: linear
    unit: words
    target: 1
    max: 11
    normalize: { type: running, mode: cumulative }
`;

const batch = (texts: string[]) => ({ samples: texts.map((completion, i) => ({ id: `s${i}`, completion })) });

describe("server state across restarts", () => {
  it("running statistics persist in the store and continue after a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rs-server-state-"));
    const spec = join(dir, "len.yaml");
    const store = join(dir, "serve.db");
    writeFileSync(spec, SPEC);
    const start = () => createServer({ spec, port: 0, logLevel: "silent", workers: 1, reloadMs: 0, store });

    let s = await start();
    // Penalties: 2 words -> -0.1, 6 -> -0.5 (cumulative mean -0.3).
    const first = await call(s.url, "/v1/score", batch(["a b", "a b c d e f"]));
    assert.equal(first.status, 200);
    await s.close();

    const saved = new RunStore(store);
    const keys = (saved as unknown as { db: { prepare(q: string): { all(): { key: string }[] } } }).db.prepare("SELECT key FROM state").all().map((r) => r.key);
    saved.close();
    assert.equal(keys.length, 1, "one state entry for the spec");
    assert.match(keys[0]!, /^combine:/);

    s = await start();
    try {
      // A batch of one sample: alone it would normalize to 0; with the restored statistics
      // (mean of -0.1, -0.5, -0.3 = -0.3) it is exactly at the mean too, so use -0.5 instead:
      // cumulative stats over -0.1, -0.5, -0.5 -> mean -0.3667, so the new sample sits below it.
      const second = await call(s.url, "/v1/score", batch(["a b c d e f"]));
      assert.equal(second.status, 200);
      const score = (second.body as { results: { score: number }[] }).results[0]!.score;
      assert.ok(score < 0, `normalized with the restored statistics (got ${score}); a fresh state would give 0`);
    } finally {
      await s.close();
    }
  });
});
