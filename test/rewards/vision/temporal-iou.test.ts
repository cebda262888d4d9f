import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { temporalIouReward } from "../../../src/rewards/vision/temporal-iou.ts";
import { close, one } from "./helpers.ts";

const run = (completion: string, reference: unknown, params: Record<string, unknown> = {}) => one(temporalIouReward, params, completion, reference);

describe("temporal_iou", () => {
  it("Time-R1-style prose answer: 13.5 to 18.0 vs gold [12, 18] -> 4.5 / 6 = 0.75", async () => {
    const o = await run("<think>...</think><answer>13.5 to 18.0 seconds</answer>", [12.0, 18.0]);
    close(o.score, 0.75);
    assert.equal(o.details!.how, "start to end");
  });

  it("JSON answers and mm:ss times: [0:10, 0:30] vs {start: 20, end: 40} -> 10 / 30", async () => {
    close((await run('{"start": "0:10", "end": "0:30"}', { start: 20, end: 40 })).score, 1 / 3);
    close((await run("[10, 30]", { segments: [["00:20", "00:40"]] })).score, 1 / 3);
  });

  it("disjoint and touching segments score 0; identical 1", async () => {
    assert.equal((await run("[0, 5]", [5, 10])).score, 0);
    assert.equal((await run("[0, 5]", [6, 10])).score, 0);
    assert.equal((await run("[2.5, 7.5]", [2.5, 7.5])).score, 1);
  });

  it("several segments are matched one-to-one: gold [0,10], [20,30]; pred [21,31], [0,8]", async () => {
    // [0,8]–[0,10]: 8/10; [21,31]–[20,30]: 9/11; mean = (0.8 + 9/11)/2 = 89/110.
    const o = await run("[[21, 31], [0, 8]]", [
      [0, 10],
      [20, 30],
    ]);
    close(o.score, 89 / 110);
    assert.equal(o.details!.tp, 2);
  });

  it("R@0.5-style: score_by recall with one segment is 1[tIoU ≥ threshold]", async () => {
    assert.equal((await run("[12, 20]", [12, 18], { score_by: "recall" })).score, 1); // 6/8 = 0.75
    assert.equal((await run("[12, 20]", [12, 18], { score_by: "recall", threshold: 0.8 })).score, 0);
  });

  it("a reversed predicted segment overlaps nothing; a reversed gold one is invalid_input", async () => {
    assert.equal((await run("[18, 12]", [12, 18])).score, 0);
    const o = await run("[12, 18]", [18, 12]);
    assert.equal(o.status, "invalid_input");
    assert.equal(o.reason, "reference: end must be after start");
    assert.equal((await run("[1, 2]", { segments: [[1, "x"]] })).reason, 'reference.segments[0]: expected times in seconds or "mm:ss"');
  });

  it("no event: gold [] with an explicit [] -> 1; an answer without times -> 0 with a reason", async () => {
    assert.equal((await run("[]", [])).score, 1);
    const o = await run("it never happens", [3, 4]);
    assert.equal(o.score, 0);
    assert.equal(o.details!.reason, "no time segment found in the answer");
  });
});
