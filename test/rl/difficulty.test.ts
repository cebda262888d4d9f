import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { promptStats, type ScoredRow } from "../../src/rl/index.ts";

const row = (id: string, score: number | null, prompt: string): ScoredRow => ({ id, score, status: score === null ? "timeout" : "ok", prompt });

describe("promptStats", () => {
  it("pass rate, difficulty and the all-zero / uninformative flags per prompt", () => {
    const rows = [
      row("1", 1, "easy"),
      row("2", 1, "easy"),
      row("3", 0, "easy"),
      row("4", 1, "easy"),
      row("5", 0, "hard"),
      row("6", 0, "hard"),
      row("7", null, "hard"),
      row("8", 1, "solved"),
    ];
    const s = promptStats(rows);
    assert.deepEqual(
      s.map((p) => [p.group, p.size, p.valid, p.passed, p.passRate, p.difficulty, p.meanReward, p.allZero, p.allPassed, p.informative]),
      [
        // easy: 3 of 4 pass -> 0.75, difficulty 0.25
        ["easy", 4, 4, 3, 0.75, 0.25, 0.75, false, false, true],
        // hard: the timeout is not counted; 0 of 2 -> all zero (AHPO: switch to expert data)
        ["hard", 3, 2, 0, 0, 1, 0, true, false, false],
        ["solved", 1, 1, 1, 1, 0, 1, false, true, false],
      ],
    );
  });
  it("a threshold turns continuous rewards into passes", () => {
    const s = promptStats([row("1", 0.8, "p"), row("2", 0.4, "p")], { passThreshold: 0.5 });
    assert.equal(s[0]!.passRate, 0.5);
  });
});
