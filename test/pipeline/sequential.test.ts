import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compile } from "../../src/engine.ts";
import type { Sample } from "../../src/core/types.ts";

const fixtures = new URL("../fixtures/combine/", import.meta.url).pathname;
const rec = (tag: string) => ({ type: "custom", module: "tagged-recorder.mjs", runs: "main", cache: false, options: { tag } });
const s = (id: string, meta: Record<string, number>): Sample => ({ id, prompt: "", completion: id, meta });

describe("skip_rest gates as an OpenEnv Sequential", () => {
  it("each gate's reward runs only for samples that passed the earlier gates; the rest only for samples that passed all", async () => {
    const mod = (await import(new URL("tagged-recorder.mjs", `file://${fixtures}`).href)) as { calls: string[] };
    mod.calls.length = 0;
    const spec = {
      rewards: { fmt: rec("fmt"), check: rec("check"), judge: rec("judge") },
      gates: [
        { reward: "fmt", below: 1, total: -1, skip_rest: true },
        { reward: "check", below: 1, total: -0.5, skip_rest: true },
      ],
    };
    const p = await compile(spec, { baseDir: fixtures });
    try {
      // A passes both gates; B fails the format gate; C passes it but fails the check.
      const out = await p.score([s("A", {}), s("B", { fmt: 0 }), s("C", { check: 0 })]);
      const called = (tag: string) => mod.calls.filter((c) => c.startsWith(`${tag}:`)).map((c) => c.slice(tag.length + 1));
      assert.deepEqual(called("fmt"), ["A", "B", "C"]);
      assert.deepEqual(called("check"), ["A", "C"], "the second gate's reward was never called for B");
      assert.deepEqual(called("judge"), ["A"], "the gated-off reward was never called for B or C");
      assert.deepEqual(
        out.map((o) => [o.id, o.score, o.gate ?? null]),
        [
          ["A", 3, null],
          ["B", -1, "fmt"],
          ["C", -0.5, "check"],
        ],
      );
      assert.equal(out[1]!.components.check!.status, "not_applicable");
      assert.match(out[1]!.components.judge!.reason!, /not computed: gate fmt < 1/);
      assert.match(out[2]!.components.judge!.reason!, /not computed: gate check < 1/);
    } finally {
      await p.close();
    }
  });
});
