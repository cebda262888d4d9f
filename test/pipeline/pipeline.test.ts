import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { compile } from "../../src/engine.ts";
import type { Pipeline } from "../../src/pipeline/pipeline.ts";
import type { Sample } from "../../src/core/types.ts";
import { RewardRegistry } from "../../src/core/reward-type.ts";
import { z } from "zod";

const fixtures = fileURLToPath(new URL("../fixtures/custom/", import.meta.url));
const s = (id: string, completion: string, extra: Partial<Sample> = {}): Sample => ({ id, prompt: "", completion, ...extra });

describe("pipeline deadlines", () => {
  let p: Pipeline;
  before(async () => {
    p = await compile({ rewards: { r: { type: "custom", module: "runaway.mjs", deadline_ms: 300 } } }, { baseDir: fixtures, workers: 2 });
  });
  after(() => p.close());

  it("stops a runaway reward at the deadline; the rest of the batch finishes", async () => {
    const batch = [s("a", "ab"), s("b", "loop"), s("c", "abc"), s("d", "abcd"), s("e", "loop"), s("f", "x")];
    const t0 = Date.now();
    const out = await p.score(batch);
    const elapsed = Date.now() - t0;
    assert.deepEqual(
      out.map((o) => [o.id, o.status, o.score]),
      [["a", "ok", 2], ["b", "timeout", null], ["c", "ok", 3], ["d", "ok", 4], ["e", "timeout", null], ["f", "ok", 1]],
    );
    assert.match(out[1]!.components.r!.reason!, /exceeded the 300 ms deadline/);
    assert.ok(elapsed < 300 + 200, `took ${elapsed} ms`);
    // The two "loop" samples are identical, so they were computed (and stopped) once.
    assert.equal(p.workerStats.timeouts, 1);
  });

  it("keeps working after a timeout (the worker was replaced)", async () => {
    const out = await p.score([s("g", "hello")]);
    assert.deepEqual([out[0]!.status, out[0]!.score], ["ok", 5]);
  });

  it("each timeout is measured from its own start: a single runaway is stopped within deadline + 200 ms", async () => {
    const t0 = Date.now();
    const out = await p.score([s("h", "loop")]);
    const elapsed = Date.now() - t0;
    assert.equal(out[0]!.status, "timeout");
    assert.ok(elapsed >= 300 && elapsed < 500, `took ${elapsed} ms`);
  });
});

describe("pipeline crashes", () => {
  it("a memory bomb fails only its own sample, with a reason", async () => {
    const p = await compile({ rewards: { m: { type: "custom", module: "memory-bomb.mjs", deadline_ms: 20_000 } } }, { baseDir: fixtures, workers: 1, maxHeapMb: 64 });
    try {
      const out = await p.score([s("a", "x"), s("b", "oom"), s("c", "y")]);
      assert.deepEqual(out.map((o) => o.status), ["ok", "error", "ok"]);
      assert.match(out[1]!.components.m!.reason!, /memory|worker/i);
    } finally {
      await p.close();
    }
  });

  it("a broken custom module is reported when compiling", async () => {
    await assert.rejects(compile({ rewards: { m: { type: "custom", module: "missing.mjs" } } }, { baseDir: fixtures, workers: 1 }), /rewards\.m\.module: no such file: .*missing\.mjs/);
    // A directory or a device is refused before import (a device would be read forever).
    await assert.rejects(compile({ rewards: { m: { type: "custom", module: "." } } }, { baseDir: fixtures, workers: 1 }), /rewards\.m\.module: .* is a directory, expected a file/);
    await assert.rejects(compile({ rewards: { m: { type: "custom", module: "/dev/zero", runs: "main" } } }, { baseDir: fixtures, workers: 1 }), /rewards\.m\.module: \/dev\/zero is not a regular file/);
    await assert.rejects(compile({ rewards: { m: { type: "custom", module: "runaway.mjs", export: "nope" } } }, { baseDir: fixtures, workers: 1 }), /rewards\.m\.export: runaway\.mjs has no export "nope"/);
  });
});

describe("pipeline on the main thread", () => {
  it("aborts a slow I/O reward at its deadline (timeout) and reports it", async () => {
    const mod = (await import(new URL("../fixtures/custom/slow-async.mjs", import.meta.url).href)) as { aborted: string[] };
    const p = await compile({ rewards: { slow: { type: "custom", module: "slow-async.mjs", runs: "main", deadline_ms: 100 } } }, { baseDir: fixtures });
    try {
      const t0 = Date.now();
      const out = await p.score([s("fast", "", { meta: { ms: 1 } }), s("slow", "", { meta: { ms: 5000 } })]);
      assert.ok(Date.now() - t0 < 1000);
      assert.deepEqual(out.map((o) => o.status), ["ok", "timeout"]);
      assert.ok(mod.aborted.includes("slow"), "the reward saw the abort signal");
    } finally {
      await p.close();
    }
  });

  it("retries thrown (infrastructure) errors with backoff, then reports status error", async () => {
    const p = await compile({ rewards: { f: { type: "custom", module: "flaky.mjs", runs: "main", retries: 2 } } }, { baseDir: fixtures });
    try {
      const out = await p.score([s("once", "", { meta: { failures: 1 } }), s("always", "", { meta: { failures: 99 } })]);
      assert.deepEqual([out[0]!.status, out[0]!.score], ["ok", 2], "succeeded on the 2nd attempt");
      assert.equal(out[1]!.status, "error");
      assert.match(out[1]!.reason!, /failed after 3 attempts: backend unavailable/);
    } finally {
      await p.close();
    }
  });
});

describe("pipeline cache and gates", () => {
  it("identical samples (a GRPO group) are scored once, also across batches", async () => {
    const mod = (await import(new URL("../fixtures/custom/recorder.mjs", import.meta.url).href)) as { calls: string[] };
    mod.calls.length = 0;
    const p = await compile({ rewards: { r: { type: "custom", module: "recorder.mjs", runs: "main" } } }, { baseDir: fixtures });
    try {
      const group = Array.from({ length: 8 }, (_, i) => s(`g${i}`, i % 2 ? "same answer" : "other answer", { reference: "x", group: "q1" }));
      const out = await p.score(group);
      assert.equal(out.every((o) => o.score === 0.5), true);
      assert.deepEqual(mod.calls, ["g0", "g1"]);
      await p.score([s("again", "same answer", { reference: "x", group: "q1" })]);
      assert.deepEqual(mod.calls, ["g0", "g1"], "the second batch hit the cache");
      await p.score([s("diff-ref", "same answer", { reference: "y", group: "q1" })]);
      assert.deepEqual(mod.calls, ["g0", "g1", "diff-ref"], "a different reference is a different key");
      assert.equal(p.stats.r!.cacheHits, 7);
    } finally {
      await p.close();
    }
  });

  it("a failed skip_rest gate means the gated-off reward is never called", async () => {
    const mod = (await import(new URL("../fixtures/custom/recorder.mjs", import.meta.url).href)) as { calls: string[] };
    mod.calls.length = 0;
    const spec = {
      rewards: { fmt: { type: "format_tags", tags: ["answer"] }, judge: { type: "custom", module: "recorder.mjs", runs: "main" } },
      gates: [{ reward: "fmt", below: 1, total: 0, skip_rest: true }],
    };
    const p = await compile(spec, { baseDir: fixtures });
    try {
      const out = await p.score([s("good", "<answer>1</answer>"), s("bad", "no tags")]);
      assert.deepEqual(mod.calls, ["good"]);
      assert.deepEqual([out[0]!.score, out[1]!.score, out[1]!.gate], [1.5, 0, "fmt"]);
      assert.equal(out[1]!.components.judge!.status, "not_applicable");
      assert.match(out[1]!.components.judge!.reason!, /not computed: gate fmt < 1/);
    } finally {
      await p.close();
    }
  });
});

describe("pipeline input checks", () => {
  it("a malformed sample becomes invalid_input naming the field; the others are scored", async () => {
    const p = await compile({ rewards: { e: { type: "exact_match" } } }, { workers: 1 });
    try {
      const out = await p.score([
        s("ok", "a", { reference: "a" }),
        { id: "nocomp", prompt: "" } as unknown as Sample,
        { id: 7, prompt: "", completion: "a" } as unknown as Sample,
        s("badgroup", "a", { group: 3 as unknown as string }),
      ]);
      assert.deepEqual(out.map((o) => o.status), ["ok", "invalid_input", "invalid_input", "invalid_input"]);
      assert.equal(out[1]!.reason, "completion: missing");
      assert.equal(out[2]!.reason, "id: expected a string, got number");
      assert.equal(out[3]!.reason, "group: expected a string, got number");
      assert.equal(out[1]!.components.e!.status, "invalid_input");
    } finally {
      await p.close();
    }
  });

  it("a hostile deeply nested field is refused for its row only (no stack overflow)", async () => {
    const p = await compile({ rewards: { m: { type: "math" } } }, { workers: 1 });
    try {
      let deep: unknown = "4";
      for (let i = 0; i < 50_000; i++) deep = [deep];
      const out = await p.score([s("a", "#### 4", { reference: "4" }), s("deep", "#### 4", { reference: deep }), s("c", "#### 5", { reference: "5" })]);
      assert.deepEqual(out.map((o) => o.status), ["ok", "invalid_input", "ok"]);
      assert.equal(out[1]!.reason, "reference: nested more than 200 levels deep");
    } finally {
      await p.close();
    }
  });

  it("message lists a reward cannot read (content a number, a part that is not an object, text not a string) are invalid_input naming the message", async () => {
    const p = await compile({ rewards: { g: { type: "gsm8k" }, f: { type: "format_tags", tags: ["answer"] } } }, { workers: 1 });
    try {
      const msgs = (content: unknown) => [{ role: "assistant", content }] as unknown as Sample["completion"];
      const out = await p.score([
        s("good", "#### 4", { reference: "4" }),
        s("num", "", { completion: msgs(5), reference: "4" }),
        s("part", "", { completion: msgs([1, null]), reference: "4" }),
        s("text", "", { completion: msgs([{ type: "text", text: 7 }]), reference: "4" }),
        s("norole", "", { completion: [{ content: "x" }] as unknown as Sample["completion"], reference: "4" }),
        s("prompt", "#### 4", { prompt: [{ role: "user", content: {} }] as unknown as Sample["prompt"], reference: "4" }),
        s("parts", "", { completion: msgs([{ type: "text", text: "#### 4" }, { type: "image_url", image_url: { url: "x" } }]), reference: "4" }),
      ]);
      assert.deepEqual(out.map((o) => [o.id, o.status, o.components.g!.score]), [
        ["good", "ok", 1],
        ["num", "invalid_input", null],
        ["part", "invalid_input", null],
        ["text", "invalid_input", null],
        ["norole", "invalid_input", null],
        ["prompt", "invalid_input", null],
        ["parts", "ok", 1],
      ]);
      assert.equal(out[1]!.reason, "completion: message 0: content: expected a string, null or a list of content parts, got number");
      assert.equal(out[2]!.reason, "completion: message 0: content part 0: expected an object, got number");
      assert.equal(out[3]!.reason, "completion: message 0: content part 0: text: expected a string, got number");
      assert.equal(out[4]!.reason, "completion: message 0: role: expected a string, got undefined");
      assert.equal(out[5]!.reason, "prompt: message 0: content: expected a string, null or a list of content parts, got an object");
    } finally {
      await p.close();
    }
  });

  it("a sample that makes an inline reward throw errors alone: the other samples of the batch are scored", async () => {
    const registry = new RewardRegistry([
      {
        type: "touchy",
        summary: "throws on 'boom'",
        params: z.strictObject({}),
        runs: "worker",
        inline: true,
        uses: ["completion"],
        create: () => ({
          name: "touchy",
          score: async (batch: readonly Sample[]) =>
            batch.map((x) => {
              if (x.completion === "boom") throw new Error("boom");
              return { score: String(x.completion).length, status: "ok" as const };
            }),
        }),
      },
    ]);
    const p = await compile({ rewards: { t: { type: "touchy" } } }, { registry, workers: 1 });
    try {
      const out = await p.score([s("a", "x"), s("b", "boom"), s("c", "xyz")]);
      assert.deepEqual(out.map((o) => [o.id, o.status, o.score]), [["a", "ok", 1], ["b", "error", null], ["c", "ok", 3]]);
      assert.equal(out[1]!.components.t!.reason, "reward t threw: boom");
    } finally {
      await p.close();
    }
  });

  it("components come out in spec order", async () => {
    const p = await compile({ rewards: { z: { type: "exact_match" }, a: { type: "contains", values: ["x"] } } }, { workers: 1 });
    try {
      const [r] = await p.score([s("1", "x", { reference: "x" })]);
      assert.deepEqual(Object.keys(r!.components), ["z", "a"]);
      assert.equal(r!.score, 2);
    } finally {
      await p.close();
    }
  });
});
