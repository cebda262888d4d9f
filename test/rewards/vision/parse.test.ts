import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonValues } from "../../../src/rewards/vision/json-scan.ts";
import { answerRegion, extractBoxes, extractFrames, extractMasks, extractPoints, extractSegments, seconds } from "../../../src/rewards/vision/parse.ts";

const items = <T>(r: { ok: true; items: T[] } | { ok: false; why: string }) => {
  if (!r.ok) throw new Error(r.why);
  return r.items;
};

describe("answer region", () => {
  it("takes the last <answer> block, else the text after </think>, else everything", () => {
    assert.equal(answerRegion("<think>[1,2,3,4]</think><answer>A</answer> <answer>B</answer>", "answer", false), "B");
    assert.equal(answerRegion("<think>[1,2,3,4]</think> [5,6,7,8]", "answer", false), " [5,6,7,8]");
    assert.equal(answerRegion("plain", "answer", false), "plain");
    assert.equal(answerRegion("plain", "answer", true), undefined);
    assert.equal(answerRegion("<answer>x</answer>", null, true), "<answer>x</answer>");
  });
});

describe("JSON embedded in prose", () => {
  it("finds fenced, bare and nested-inside-invalid JSON values", () => {
    assert.deepEqual(jsonValues('Here:\n```json\n[{"bbox_2d": [1, 2, 3, 4], "label": "cat"}]\n```'), [[{ bbox_2d: [1, 2, 3, 4], label: "cat" }]]);
    // Python-style quotes are not JSON, but the inner list still is.
    assert.deepEqual(jsonValues("[{'bbox_2d': [1, 2, 3, 4]}]"), [[1, 2, 3, 4]]);
    assert.deepEqual(jsonValues('it\'s "quoted" prose [1, 2] and {"a": "]"}'), [[1, 2], { a: "]" }]);
    assert.deepEqual(jsonValues("[unclosed [1, 2, 3, 4]"), [[1, 2, 3, 4]]);
    assert.deepEqual(jsonValues("{ [1, 2 } [3, 4]"), [[3, 4]]);
  });

  it("handles adversarial bracket soup (linear pairing, bounded retry depth)", () => {
    const soup = "[".repeat(50_000) + "]".repeat(50_000) + "{".repeat(50_000) + "]".repeat(50_000);
    assert.equal(jsonValues(soup).length, 1); // the 50 000-deep nested empty list is valid JSON
    assert.deepEqual(jsonValues("[".repeat(20) + "1" + "]".repeat(20)).length, 1);
  });
});

describe("boxes", () => {
  it("reads every supported syntax", () => {
    assert.deepEqual(items(extractBoxes("<|object_ref_start|>cat<|object_ref_end|><|box_start|>(10,20),(300,400)<|box_end|>")), [[10, 20, 300, 400]]);
    assert.deepEqual(items(extractBoxes("<box>(10, 20), (30, 40)</box> and <box>[1,2,3,4]</box>")), [
      [10, 20, 30, 40],
      [1, 2, 3, 4],
    ]);
    assert.deepEqual(items(extractBoxes('[{"bbox_2d": [1, 2, 3, 4]}, {"bbox_2d": [5, 6, 7, 8]}]')), [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    assert.deepEqual(items(extractBoxes('{"boxes": [[1, 2, 3, 4]]}')), [[1, 2, 3, 4]]);
    assert.deepEqual(items(extractBoxes("The box is [10, 20.5, 30, 40].")), [[10, 20.5, 30, 40]]);
    assert.deepEqual(items(extractBoxes("The box is [10., 20, 30, 40]")), [[10, 20, 30, 40]]);
    assert.deepEqual(items(extractBoxes("corners (1,2),(3,4)")), [[1, 2, 3, 4]]);
  });

  it("an explicit [] is an empty prediction; nothing at all is a failure with a reason", () => {
    const empty = extractBoxes("There is no such object: []");
    assert.deepEqual(empty.ok && empty.items, []);
    assert.deepEqual(extractBoxes("I cannot find it."), { ok: false, why: "no box found in the answer" });
    assert.deepEqual(extractBoxes("<box>(1,2)</box>"), { ok: false, why: "<box> tag without exactly four numbers" });
  });
});

describe("points", () => {
  it("reads <point>, Molmo attributes, JSON and bare pairs", () => {
    assert.deepEqual(items(extractPoints("<point>(150, 90)</point>")), [[150, 90]]);
    assert.deepEqual(items(extractPoints('<point x="61.5" y="40.6" alt="cup">cup</point>')), [[61.5, 40.6]]);
    assert.deepEqual(items(extractPoints('<points x1="10" y1="20" x2="30" y2="40" alt="x">x</points>')), [
      [10, 20],
      [30, 40],
    ]);
    assert.deepEqual(items(extractPoints('[{"point_2d": [5, 6], "label": "a"}]')), [[5, 6]]);
    assert.deepEqual(items(extractPoints('{"x": 3, "y": 4}')), [[3, 4]]);
    assert.deepEqual(items(extractPoints("at (7, 8)")), [[7, 8]]);
  });
});

describe("time segments", () => {
  it("reads JSON, prose ranges and mm:ss times", () => {
    assert.deepEqual(items(extractSegments("[12.5, 17.8]")), [[12.5, 17.8]]);
    assert.deepEqual(items(extractSegments('{"start": "00:12", "end": "01:02.5"}')), [[12, 62.5]]);
    assert.deepEqual(items(extractSegments("The event happens from 12.54 to 17.83 seconds.")), [[12.54, 17.83]]);
    assert.deepEqual(items(extractSegments("12.5s - 17.8s")), [[12.5, 17.8]]);
    assert.deepEqual(items(extractSegments("It occurs between 3 and 7.5 seconds.")), [[3, 7.5]]);
    assert.deepEqual(items(extractSegments("0:01:05 ~ 0:01:10")), [[65, 70]]);
    assert.equal(seconds("1:02:03.5"), 3723.5);
    assert.equal(seconds("abc"), undefined);
  });
});

describe("masks", () => {
  it("reads RLE objects, 2-D arrays and lists of frames", () => {
    assert.deepEqual(items(extractMasks('<answer>{"size": [4, 4], "counts": "52203"}</answer>')), [{ size: [4, 4], counts: "52203" }]);
    assert.deepEqual(items(extractMasks("[[0, 1], [1, 1]]")), [
      [
        [0, 1],
        [1, 1],
      ],
    ]);
    assert.deepEqual(items(extractMasks('{"size": [4, 4], "polygons": [[1, 1, 3, 1, 3, 3]]}')), [{ size: [4, 4], polygons: [[1, 1, 3, 1, 3, 3]] }]);
    assert.equal(items(extractFrames('{"frames": [[[0]], [[1]]]}')).length, 2);
    assert.equal(items(extractFrames('[{"size": [1, 1], "counts": [1]}, {"size": [1, 1], "counts": [0, 1]}]')).length, 2);
  });
});
