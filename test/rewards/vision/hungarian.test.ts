import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { minCostAssignment } from "../../../src/rewards/vision/hungarian.ts";

const total = (cost: number[][], rowToCol: Int32Array) => [...rowToCol].reduce((a, j, i) => (j < 0 ? a : a + cost[i]![j]!), 0);
const solve = (cost: number[][]) => minCostAssignment(cost.flat(), cost.length, cost[0]?.length ?? 0);

/** Exhaustive minimum over all injective maps of the smaller side, for checking. */
function bruteForce(cost: number[][]): number {
  const n = cost.length;
  const m = cost[0]!.length;
  let best = Infinity;
  const used = new Array<boolean>(Math.max(n, m)).fill(false);
  const rec = (i: number, acc: number) => {
    if (n <= m ? i === n : i === m) return void (best = Math.min(best, acc));
    const outer = n <= m ? m : n;
    for (let k = 0; k < outer; k++) {
      if (used[k]) continue;
      used[k] = true;
      rec(i + 1, acc + (n <= m ? cost[i]![k]! : cost[k]![i]!));
      used[k] = false;
    }
  };
  rec(0, 0);
  return best;
}

/** Small deterministic PRNG (mulberry32) so the randomized check is reproducible. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("minCostAssignment", () => {
  it("solves scipy's linear_sum_assignment documentation example (cost 5)", () => {
    // scipy.optimize.linear_sum_assignment docstring: cost [[4,1,3],[2,0,5],[3,2,2]] -> col_ind [1,0,2], sum 5.
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    const a = solve(cost);
    assert.deepEqual([...a], [1, 0, 2]);
    assert.equal(total(cost, a), 5);
  });

  it("assigns every row of a wide matrix and leaves extra rows of a tall one unassigned", () => {
    const wide = [
      [9, 1, 9],
      [1, 9, 9],
    ];
    assert.deepEqual([...solve(wide)], [1, 0]);
    const tall = [
      [5, 9],
      [9, 5],
      [1, 9],
    ];
    // Row 2 takes column 0 (cost 1) and row 1 column 1 (cost 5): total 6; row 0 stays out.
    assert.deepEqual([...solve(tall)], [-1, 1, 0]);
  });

  it("beats greedy where the single best pair blocks a better total", () => {
    // Greedy takes (0,0)=−0.9 then (1,1)=0 -> −0.9; optimal (0,1)+(1,0) = −0.8 − 0.7 = −1.5.
    const cost = [
      [-0.9, -0.8],
      [-0.7, 0],
    ];
    assert.deepEqual([...solve(cost)], [1, 0]);
  });

  it("handles empty sides and a 1×1 matrix", () => {
    assert.deepEqual([...minCostAssignment([], 0, 3)], []);
    assert.deepEqual([...minCostAssignment([], 2, 0)], [-1, -1]);
    assert.deepEqual([...solve([[7]])], [0]);
  });

  it("matches an exhaustive search on 300 random matrices up to 6×6, square and rectangular", () => {
    const rand = rng(12345);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rand() * 6);
      const m = 1 + Math.floor(rand() * 6);
      // Integer costs make ties common, which exercises the tie paths too.
      const cost = Array.from({ length: n }, () => Array.from({ length: m }, () => Math.floor(rand() * 10) - 5));
      const a = solve(cost);
      const cols = [...a].filter((j) => j >= 0);
      assert.equal(cols.length, Math.min(n, m), "every item of the smaller side is assigned");
      assert.equal(new Set(cols).size, cols.length, "no column is used twice");
      assert.equal(total(cost, a), bruteForce(cost), `trial ${trial}`);
    }
  });
});
