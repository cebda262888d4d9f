import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchSets, pick } from "../../../src/rewards/vision/matching.ts";

const fromMatrix = (sim: number[][], t = 0.5) =>
  matchSets(
    sim.length,
    sim[0]?.length ?? 0,
    (i, j) => sim[i]![j]!,
    (i, j) => sim[i]![j]! >= t,
  );

describe("matchSets", () => {
  it("nothing predicted and nothing expected scores 1 on every figure", () => {
    const m = matchSets(0, 0, () => 0, () => false);
    assert.deepEqual([m.mean, m.precision, m.recall, m.f1], [1, 1, 1, 1]);
  });

  it("one empty side scores 0 on every figure (no vacuous precision for an empty answer)", () => {
    const missed = matchSets(0, 2, () => 0, () => false);
    assert.deepEqual([missed.mean, missed.precision, missed.recall, missed.f1], [0, 0, 0, 0]);
    assert.deepEqual(missed.unmatchedGold, [0, 1]);
    const spurious = matchSets(3, 0, () => 0, () => false);
    assert.deepEqual([spurious.mean, spurious.precision, spurious.recall, spurious.f1], [0, 0, 0, 0]);
    assert.deepEqual(spurious.unmatchedPred, [0, 1, 2]);
  });

  it("counts unmatched predictions as 0 in the mean, over max(#pred, #gold)", () => {
    // 3 predictions, 1 gold: best pair 0.8, two extra boxes -> 0.8 / 3.
    const m = fromMatrix([[0.2], [0.8], [0.1]]);
    assert.equal(m.mean, 0.8 / 3);
    assert.deepEqual(m.pairs.map((p) => [p.pred, p.gold]), [[1, 0]]);
    assert.deepEqual(m.unmatchedPred, [0, 2]);
    // tp 1: precision 1/3, recall 1/1, F1 = 2·1/(3+1) = 0.5.
    assert.deepEqual([m.tp, m.precision, m.recall, m.f1], [1, 1 / 3, 1, 0.5]);
  });

  it("counts unmatched gold items as 0 too", () => {
    const m = fromMatrix([[0.9, 0.6]]);
    assert.equal(m.mean, 0.9 / 2);
    assert.deepEqual(m.unmatchedGold, [1]);
    assert.deepEqual([m.precision, m.recall], [1, 0.5]);
  });

  it("a matched pair below the threshold is not a true positive", () => {
    const m = fromMatrix(
      [
        [0.7, 0.1],
        [0.2, 0.4],
      ],
      0.5,
    );
    // Optimal pairs (0,0)+(1,1) = 1.1 (vs 0.3); only the 0.7 pair clears 0.5.
    assert.equal(m.mean, (0.7 + 0.4) / 2);
    assert.equal(m.tp, 1);
    assert.equal(pick(m, "f1"), 0.5);
    assert.equal(pick(m, "recall"), 0.5);
  });
});
