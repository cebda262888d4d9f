import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ValidationError } from "../../src/core/errors.ts";
import { TokenizerJson } from "../../src/dense/tokenizer.ts";
import { tokenLevelRewards } from "../../src/dense/spans.ts";
import { compile } from "../../src/engine.ts";
import type { Sample } from "../../src/core/types.ts";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const gpt2 = join(fixtures, "tokenizers/gpt2.tokenizer.json");
const s = (id: string, completion: string, extra: Partial<Sample> = {}): Sample => ({ id, prompt: "", completion, ...extra });
const STEPS = "Step 1: this is correct.\nStep 2: this is wrong.\nStep 3: correct again.";

describe("per_segment rewards", () => {
  it("scores each step and aggregates (mean / min), with each step's span", async () => {
    const p = await compile({
      rewards: {
        mean: { type: "regex", pattern: "correct", per_segment: { by: "steps" } },
        all: { type: "regex", pattern: "correct", per_segment: { by: "steps", aggregate: "min" } },
      },
    });
    try {
      const [r] = await p.score([s("a", STEPS)]);
      const mean = r!.components.mean!;
      assert.equal(mean.score, 2 / 3);
      assert.deepEqual(
        mean.segments!.map((g) => [STEPS.slice(g.start, g.end), g.score, g.label]),
        [["Step 1: this is correct.", 1, "step 1"], ["Step 2: this is wrong.", 0, "step 2"], ["Step 3: correct again.", 1, "step 3"]],
      );
      assert.deepEqual(mean.details, { segments_scored: 3, segments_total: 3 });
      assert.equal(r!.components.all!.score, 0);
    } finally {
      await p.close();
    }
  });

  it("context: prefix shows the reward everything up to the segment's end", async () => {
    const p = await compile({ rewards: { seen_wrong: { type: "regex", pattern: "wrong", per_segment: { by: "steps", context: "prefix" } } } });
    try {
      const [r] = await p.score([s("a", STEPS)]);
      assert.deepEqual(r!.components.seen_wrong!.segments!.map((g) => g.score), [0, 1, 1]);
    } finally {
      await p.close();
    }
  });

  it("a completion with no segments is not_applicable; tags and lines segmenters work", async () => {
    const p = await compile({
      rewards: {
        steps: { type: "regex", pattern: ".", per_segment: { by: "steps" } },
        tagged: { type: "contains", values: ["ok"], per_segment: { by: "tags", tag: "s" } },
      },
    });
    try {
      const [r] = await p.score([s("a", "no markers here <s>ok</s><s>bad</s>")]);
      assert.equal(r!.components.steps!.status, "not_applicable");
      assert.match(r!.components.steps!.reason!, /no steps segments/);
      assert.equal(r!.components.tagged!.score, 0.5);
      assert.equal(r!.score, 0.5, "the skipped component is left out of the total");
    } finally {
      await p.close();
    }
  });

  it("the deadline holds per segment: a runaway segment times out, the others count", async () => {
    const p = await compile(
      { rewards: { len: { type: "custom", module: "custom/runaway.mjs", deadline_ms: 300, per_segment: { by: "lines" } } } },
      { baseDir: fixtures, workers: 1 },
    );
    try {
      const [r] = await p.score([s("a", "ab\nloop\nabcd")]);
      const c = r!.components.len!;
      assert.equal(c.status, "ok");
      assert.equal(c.score, 3, "mean of 2 and 4; the runaway line is left out");
      assert.deepEqual(c.details, { segments_scored: 2, segments_total: 3 });
    } finally {
      await p.close();
    }
  });

  it("validation: group rewards cannot be per_segment; unknown segmenters are named", async () => {
    await assert.rejects(compile({ rewards: { d: { type: "distinct_n", per_segment: { by: "steps" } } } }), (e: unknown) => e instanceof ValidationError && /rewards\.d\.per_segment: only rewards scored one sample at a time/.test(e.message));
    await assert.rejects(compile({ rewards: { r: { type: "regex", pattern: "x", per_segment: { by: "words" } } } }), /rewards\.r\.per_segment\.by: expected one of sentences, subsentences, lines, paragraphs, steps, tags/);
  });
});

describe("dense output (token-level rewards)", () => {
  const text = "Step 1: 3×4 = 12. 日本語のテスト。\nStep 2: 😀 done.";
  const spec = {
    rewards: {
      correct: { type: "contains", values: ["done"] },
      step: { type: "regex", pattern: "12|done", per_segment: { by: "steps" }, weight: 0.5 },
    },
    dense: { tokenizer: gpt2 },
  };

  it("places each step's weighted score on its last token and the total on the last token", async () => {
    const p = await compile(spec);
    try {
      const [r] = await p.score([s("a", text)]);
      const tok = TokenizerJson.fromFile(gpt2);
      const tt = tok.encode(text);
      const steps = r!.components.step!.segments!;
      const expected = tokenLevelRewards(tt, steps.map((g) => ({ ...g, score: 0.5 * g.score })));
      // Both steps score 1 (weight 0.5); the total 1 + 0.5 = 1.5 goes on the last token.
      assert.equal(r!.score, 1.5);
      assert.deepEqual(r!.dense!.segments.map((g) => g.score), [0.5, 0.5]);
      const last = tt.ids.length - 1;
      assert.equal(r!.dense!.tokens!.length, tt.ids.length);
      assert.deepEqual(r!.dense!.tokens!.positions, [expected.positions[0]!, last]);
      assert.deepEqual(r!.dense!.tokens!.values, [0.5, 0.5 + 1.5], "step 2 ends on the last token, so its 0.5 and the total add up there");
      // The first step's reward sits on the token of "。", the last character of step 1.
      const p0 = expected.positions[0]!;
      assert.equal(text.slice(tt.charSpans[p0]![0], tt.charSpans[p0]![1]), "。");
    } finally {
      await p.close();
    }
  });

  it("uses the trainer's response ids when they decode to the completion", async () => {
    const p = await compile({ ...spec, dense: { tokenizer: gpt2, holistic: "none" } });
    try {
      const tok = TokenizerJson.fromFile(gpt2);
      const ids = tok.encode(text).ids;
      const [good, bad] = await p.score([s("a", text, { meta: { response_ids: ids } }), s("b", text, { meta: { response_ids: ids.slice(1) } })]);
      assert.equal(good!.dense!.reason, undefined);
      assert.equal(good!.dense!.tokens!.values.length, 2);
      assert.match(bad!.dense!.reason!, /do not decode to the completion/);
    } finally {
      await p.close();
    }
  });

  it("a step marker that backtracks catastrophically on one completion is a timeout for that sample only; an invalid marker is a spec error", async () => {
    const p = await compile({ rewards: { r: { type: "contains", values: ["a"], deadline_ms: 200, per_segment: { by: "steps", marker: "(a+)+b" } } } });
    try {
      const out = await p.score([s("bad", "a".repeat(40)), s("good", "aab\naab")]);
      assert.deepEqual(out.map((o) => [o.id, o.components.r!.status, o.components.r!.score]), [["bad", "timeout", null], ["good", "ok", 1]]);
      assert.match(out[0]!.components.r!.reason!, /^segmenting by steps: the step marker ran past 200 ms/);
    } finally {
      await p.close();
    }
    await assert.rejects(compile({ rewards: { r: { type: "contains", values: ["a"], per_segment: { by: "steps", marker: "(" } } } }), (e: Error) => e instanceof ValidationError && /rewards\.r\.per_segment\.marker: not a valid regular expression/.test(e.message));
  });

  it("a spec with dense but no per_segment reward, or a missing tokenizer, is refused naming the field", async () => {
    await assert.rejects(compile({ rewards: { a: { type: "gsm8k" } }, dense: {} }), /dense: no reward has `per_segment`/);
    const dir = mkdtempSync(join(tmpdir(), "rs-dense-"));
    writeFileSync(join(dir, "bad.json"), "{}");
    await assert.rejects(compile({ ...spec, dense: { tokenizer: "bad.json" } }, { baseDir: dir }), /dense\.tokenizer: cannot load/);
    await assert.rejects(compile({ ...spec, dense: { tokenizer: gpt2, holistic: "nope" } }), /dense\.holistic: unknown reward "nope"/);
  });
});
