/**
 * Vision reward throughput on synthetic data (no vision dataset ships in ../shared/data):
 *   npm run bench -- vision [--quick]
 * Prints one JSON object per line: boxes/s, Hungarian-matched samples/s, masks/s (COCO RLE
 * strings, 480×640), DAVIS frames/s (480×854) and pipeline rows/s; exits 1 when a figure
 * falls below its floor. Floors sit well under what a 2-core machine shared with other jobs gives
 * even with --quick (less JIT warm-up), so a failure means a real regression.
 */
import { compile } from "../src/index.ts";
import type { RewardType } from "../src/core/reward-type.ts";
import type { RewardContext, Sample } from "../src/core/types.ts";
import { boxIouReward } from "../src/rewards/vision/box-iou.ts";
import { jfReward } from "../src/rewards/vision/jf.ts";
import { maskIouReward } from "../src/rewards/vision/mask-iou.ts";
import { encodeCounts, encodeMask } from "../src/rewards/vision/rle.ts";

const quick = process.argv.includes("--quick");
const ctx: RewardContext = { signal: new AbortController().signal, deadline: Date.now() + 3_600_000, group: (s) => [s] };
let failed = false;

let seed = 20240601;
const rand = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
};

const box = (w: number, h: number) => {
  const x = rand() * w * 0.8;
  const y = rand() * h * 0.8;
  return [x, y, x + 5 + rand() * w * 0.2, y + 5 + rand() * h * 0.2].map((v) => Math.round(v * 10) / 10);
};

/** An ellipse mask (column-major) of h × w as a COCO compressed RLE object. */
function ellipse(h: number, w: number): { size: [number, number]; counts: string } {
  const cx = w * (0.2 + 0.6 * rand());
  const cy = h * (0.2 + 0.6 * rand());
  const rx = w * (0.05 + 0.2 * rand());
  const ry = h * (0.05 + 0.2 * rand());
  const m = new Uint8Array(h * w);
  for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) m[x * h + y] = 1;
  return { size: [h, w], counts: encodeCounts(encodeMask(m, h, w).counts) };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** Scores `samples` one at a time (as the pipeline does for granularity "sample") and reports a rate. */
async function measure(name: string, type: RewardType, params: Record<string, unknown>, samples: Sample[], unitsPerSample: number, unit: string, floor: number) {
  const reward = await type.create(type.params.parse(params), { name, baseDir: "." });
  await reward.score(samples.slice(0, Math.min(20, samples.length)), ctx); // warm-up
  const lat: number[] = [];
  let checksum = 0;
  const t0 = performance.now();
  for (const s of samples) {
    const a = performance.now();
    const [o] = await reward.score([s], ctx);
    lat.push(performance.now() - a);
    if (o!.status !== "ok") throw new Error(`${name}: ${o!.status} ${o!.reason}`);
    checksum += o!.score!;
  }
  const secs = (performance.now() - t0) / 1000;
  const perSecond = (samples.length * unitsPerSample) / secs;
  const ok = perSecond >= floor;
  if (!ok) failed = true;
  console.log(
    JSON.stringify({
      bench: "vision",
      name,
      samples: samples.length,
      unit,
      per_second: Math.round(perSecond),
      p50_ms: +quantile(lat, 0.5).toFixed(4),
      p99_ms: +quantile(lat, 0.99).toFixed(4),
      mean_score: +(checksum / samples.length).toFixed(6),
      floor,
      ok,
    }),
  );
}

const sample = (i: number, completion: string, reference: unknown, meta?: Record<string, unknown>): Sample => ({
  id: String(i),
  prompt: "",
  completion,
  reference,
  ...(meta ? { meta } : {}),
});

// 1. One box per sample, R1-style completion with reasoning and a JSON answer.
{
  const n = quick ? 5_000 : 100_000;
  const samples = Array.from({ length: n }, (_, i) => {
    const g = box(640, 480);
    const p = g.map((v) => v + (rand() - 0.5) * 20);
    return sample(i, `<think>The object is near the top.</think><answer>[{"bbox_2d": [${p.join(", ")}], "label": "cat"}]</answer>`, g);
  });
  await measure("box_iou single box", boxIouReward, {}, samples, 1, "boxes/s", 5_000);
  await measure("box_iou single box, giou", boxIouReward, { metric: "giou" }, samples, 1, "boxes/s", 5_000);
}

// 2. Ten predicted vs ten gold boxes per sample: Hungarian matching on a 10×10 IoU matrix.
{
  const n = quick ? 1_000 : 20_000;
  const samples = Array.from({ length: n }, (_, i) => {
    const g = Array.from({ length: 10 }, () => box(640, 480));
    const p = g.map((b) => b.map((v) => v + (rand() - 0.5) * 30)).reverse();
    return sample(i, `<answer>${JSON.stringify(p)}</answer>`, g);
  });
  await measure("box_iou 10 vs 10 boxes (Hungarian)", boxIouReward, {}, samples, 1, "samples/s", 1_000);
}

// 3. COCO compressed RLE masks, 480×640, one predicted vs one gold mask per sample.
{
  const n = quick ? 200 : 5_000;
  const samples = Array.from({ length: n }, (_, i) => sample(i, `<answer>${JSON.stringify(ellipse(480, 640))}</answer>`, ellipse(480, 640)));
  await measure("mask_iou RLE 480x640", maskIouReward, {}, samples, 1, "masks/s", 500);
}

// 4. DAVIS J&F: 480×854 frames, 10 frames per video, predicted masks as RLE objects in meta.
{
  const videos = quick ? 3 : 20;
  const frames = 10;
  const samples = Array.from({ length: videos }, (_, i) => {
    const gold = Array.from({ length: frames }, () => ellipse(480, 854));
    const pred = Array.from({ length: frames }, () => ellipse(480, 854));
    return sample(i, "", { frames: gold }, { masks: pred });
  });
  await measure("jf 480x854", jfReward, { source: "meta" }, samples, frames, "frames/s", 10);
}

// 5. End to end through compile(): worker threads, validation, combination.
{
  const n = quick ? 2_000 : 20_000;
  const rows = Array.from({ length: n }, (_, i) => {
    const g = box(640, 480);
    return sample(i, `<answer>[${g.map((v) => v + 3).join(", ")}]</answer>`, g);
  });
  const p = await compile({ rewards: { grounding: { type: "box_iou" } } });
  try {
    await p.score(rows.slice(0, 100));
    const t0 = performance.now();
    const res = await p.score(rows);
    const secs = (performance.now() - t0) / 1000;
    const perSecond = n / secs;
    const bad = res.filter((r) => r.status !== "ok").length;
    const ok = perSecond >= 1_000 && bad === 0;
    if (!ok) failed = true;
    console.log(JSON.stringify({ bench: "vision", name: "pipeline box_iou (compile + workers)", samples: n, unit: "rows/s", per_second: Math.round(perSecond), not_ok: bad, floor: 1_000, ok }));
  } finally {
    await p.close();
  }
}

process.exit(failed ? 1 : 0);
