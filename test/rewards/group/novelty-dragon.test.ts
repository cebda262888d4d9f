import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dragonReward, frechetDistance } from "../../../src/rewards/group/dragon.ts";
import { denseToSparse } from "../../../src/rewards/group/features.ts";
import { noveltyReward } from "../../../src/rewards/group/novelty.ts";
import { ctx, group, near, run } from "./helpers.ts";

describe("novelty", () => {
  it("kNN cosine distance to the archive of earlier calls and to the group", async () => {
    const reward = await noveltyReward.create(noveltyReward.params.parse({ n: 1, k: 1 }), { name: "novelty", baseDir: "." });
    // empty archive; 'a b' vs 'c d' share nothing: distance 1 each
    const first = group("g", ["a b", "c d"]);
    assert.deepEqual((await reward.score(first, ctx(first))).map((o) => o.score), [1, 1]);
    // archive {a b, c d}: 'a c' has cos 1/2 with each -> distance 0.5
    const second = [{ id: "x", prompt: "", completion: "a c" }];
    const o = (await reward.score(second, ctx(second)))[0]!;
    near(o.score, 0.5, 1e-12);
    assert.deepEqual(o.details, { neighbours: 1, archive: 2 });
    // 'a b' again: its nearest archived neighbour is itself -> 0
    const third = [{ id: "y", prompt: "", completion: "a b" }];
    near((await reward.score(third, ctx(third)))[0]!.score, 0, 1e-12);
  });
  it("k averages the k nearest; nothing to compare with scores 1; the archive is capped", async () => {
    const reward = await noveltyReward.create(noveltyReward.params.parse({ n: 1, k: 2, archive_size: 2 }), { name: "novelty", baseDir: "." });
    const lone = [{ id: "1", prompt: "", completion: "a b" }];
    assert.equal((await reward.score(lone, ctx(lone)))[0]!.score, 1);
    const more = [{ id: "2", prompt: "", completion: "c d" }];
    await reward.score(more, ctx(more));
    // archive {a b, c d}: 'a b e f' -> cos with 'a b' = 2/(2·√2) = 0.7071, with 'c d' = 0
    // distances 0.2929 and 1 -> mean 0.6464
    const q = [{ id: "3", prompt: "", completion: "a b e f" }];
    near((await reward.score(q, ctx(q)))[0]!.score, (1 - Math.SQRT1_2 + 1) / 2);
    // capacity 2: 'a b' was evicted; 'a b' now sees 'c d' (1) and 'a b e f' (0.2929)
    near((await reward.score(lone, ctx(lone)))[0]!.score, (1 + 1 - Math.SQRT1_2) / 2);
  });
});

describe("DRAGON instance-to-distribution (paper-formulas §9)", () => {
  it("centroid / mean / max cosine to exemplars ['a b', 'a c'] for 'a b'", async () => {
    // sims 1 and 0.5: mean 0.75, max 1; ‖centroid‖² = (1 + 1 + 2·0.5)/4 = 0.75 -> 0.75/0.8660 = 0.8660
    const s = group("g", ["a b"]);
    const ex = { n: 1, exemplars: ["a b", "a c"] };
    near((await run(dragonReward, { ...ex, metric: "mean" }, s))[0]!.score, 0.75, 1e-12);
    near((await run(dragonReward, { ...ex, metric: "max" }, s))[0]!.score, 1, 1e-12);
    near((await run(dragonReward, ex, s))[0]!.score, Math.sqrt(0.75), 1e-12);
  });
  it("exemplars from the reference when params have none; a missing reference is invalid_input", async () => {
    const out = await run(dragonReward, { n: 1, metric: "mean" }, [
      { id: "1", prompt: "", completion: "a b", reference: ["a b", "a c"] },
      { id: "2", prompt: "", completion: "a b" },
    ]);
    near(out[0]!.score, 0.75, 1e-12);
    assert.equal(out[1]!.status, "invalid_input");
    assert.match(out[1]!.reason!, /^reference: missing/);
  });
  it("Fréchet distance from dot products: 1-D and 2-D cases", () => {
    const v = (xs: number[][]) => xs.map(denseToSparse);
    // 1-D: (μ_D − μ_R)² + (σ_D − σ_R)²; Ref μ 0, σ 0.14142; D1 = [0.5, 0.9, −0.3]: μ 0.36667, σ 0.49889 -> 0.2622
    near(frechetDistance(v([[0.5], [0.9], [-0.3]]), v([[0], [0.2], [-0.2], [0.1], [-0.1]])), 0.2622);
    // isotropic: Σ_D = 0.5·I, Σ_R = 2·I -> 1 + 4 − 2·Tr(I) = 1
    near(frechetDistance(v([[1, 0], [-1, 0], [0, 1], [0, -1]]), v([[2, 0], [-2, 0], [0, 2], [0, -2]])), 1, 1e-9);
    // orthogonal supports: Σ_D Σ_R = 0 -> 1 + 1 = 2
    near(frechetDistance(v([[1, 0], [-1, 0]]), v([[0, 1], [0, -1]])), 2, 1e-9);
  });
  it("fd_gain_recon: 0.05 joins D+ (−0.1799 > −0.2622), 1.2 joins D− (−0.5083)", async () => {
    const exemplars = [[0], [0.2], [-0.2], [0.1], [-0.1]];
    const samples = (x: number) =>
      [0.5, 0.9, -0.3, x].map((e, i) => ({ id: String(i), prompt: "", completion: "", group: "g", meta: { embedding: [e] } }));
    const params = { kernel: "embedding", metric: "fd_gain_recon", exemplars };
    const good = (await run(dragonReward, params, samples(0.05)))[3]!;
    near(good.details!.r_with as number, -0.1799);
    near(good.details!.r_without as number, -0.2622);
    near(good.score, 0.0823);
    assert.equal(good.details!.set, "D+");
    const bad = (await run(dragonReward, params, samples(1.2)))[3]!;
    near(bad.details!.r_with as number, -0.5083);
    near(bad.score, -0.5083 + 0.2622);
    assert.equal(bad.details!.set, "D-");
  });
  it("exemplar texts with the embedding kernel are refused at build time", async () => {
    await assert.rejects(run(dragonReward, { kernel: "embedding", exemplars: ["text"] }, []), /embedding kernel needs exemplar vectors/);
  });
});
