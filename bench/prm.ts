/**
 * Process-reward baseline on real step labels: a rule-based arithmetic check (src/dense/step-check)
 * scores every rated step of PRM800K phase-1 test (every 18th row) and the Math-Shepherd sample,
 * and is compared with the human / rollout labels. Also checks, at dataset scale, that the
 * char-span -> token mapping puts each step's reward on the right GPT-2 token.
 * Prints JSON lines. Exits 1 when the data is missing, a figure is off, or a mapping is wrong.
 * Usage: npm run bench -- prm
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkStep, lastTokenOfSpan, paragraphs, TokenizerJson } from "../src/dense/index.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = `${root}../shared/data/prm-step-labels`;
const prmFile = `${dir}/prm800k-phase1-test.stepwise-critic.every18th.jsonl`;
const shepherdFile = `${dir}/openr-samples_math-shepherd.jsonl`;
if (!existsSync(prmFile)) {
  console.log(JSON.stringify({ error: `missing ${prmFile}` }));
  process.exit(1);
}
const readJsonl = (p: string) =>
  readFileSync(p, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const round = (x: number) => Math.round(x * 10000) / 10000;
let failed = false;

type Tally = { rated: number; bad: number; checked: number; flagged: number; flaggedBad: number; passed: number; passedOk: number };
const tally = (): Tally => ({ rated: 0, bad: 0, checked: 0, flagged: 0, flaggedBad: 0, passed: 0, passedOk: 0 });
function add(t: Tally, text: string, isBad: boolean): void {
  const v = checkStep(text).verdict;
  t.rated++;
  if (isBad) t.bad++;
  if (v === "unchecked") return;
  t.checked++;
  if (v === "wrong") {
    t.flagged++;
    if (isBad) t.flaggedBad++;
  } else {
    t.passed++;
    if (!isBad) t.passedOk++;
  }
}
function report(set: string, t: Tally, labels: string, ms: number): Record<string, unknown> {
  // Unchecked steps count as "not bad", so overall agreement is comparable with the all-good baseline.
  const agreeAll = t.flaggedBad + (t.rated - t.bad - (t.flagged - t.flaggedBad));
  return {
    set,
    labels,
    rated_steps: t.rated,
    bad_steps: t.bad,
    checked_steps: t.checked,
    coverage: round(t.checked / t.rated),
    flagged_wrong: t.flagged,
    flagged_and_labelled_bad: t.flaggedBad,
    precision_bad: t.flagged ? round(t.flaggedBad / t.flagged) : null,
    recall_bad: t.bad ? round(t.flaggedBad / t.bad) : null,
    passed: t.passed,
    precision_ok: t.passed ? round(t.passedOk / t.passed) : null,
    agreement_on_checked: t.checked ? round((t.flaggedBad + t.passedOk) / t.checked) : null,
    agreement_all: round(agreeAll / t.rated),
    baseline_all_good: round((t.rated - t.bad) / t.rated),
    steps_per_s: Math.round((t.rated / ms) * 1000),
  };
}

// 1. PRM800K phase-1 test: rating −1 = bad, 0 / +1 = not bad, null (human-written) = unrated.
const prm = readJsonl(prmFile);
let t0 = performance.now();
const pt = tally();
for (const r of prm) {
  if (r.rating === null || r.rating === undefined) continue;
  add(pt, String(r.next_response), r.rating === -1);
}
const prmReport = report("prm800k-phase1-test.every18th", pt, "human ratings: -1 bad; 0, +1 not bad", performance.now() - t0);
console.log(JSON.stringify(prmReport));
// Acceptance: the whole file is read, and a "wrong" flag is right at least half the time (the
// check is a precision-first baseline: a checker that floods false flags is a regression).
if (prm.length !== 303 || pt.rated !== 283) failed = true;
if (pt.flagged > 0 && pt.flaggedBad / pt.flagged < 0.5) failed = true;

// 2. Math-Shepherd sample: steps end with "ки"; the label text has "+" or "-" in its place.
if (existsSync(shepherdFile)) {
  const st = tally();
  t0 = performance.now();
  for (const r of readJsonl(shepherdFile)) {
    const input = String(r.input);
    const label = String(r.label);
    const parts = input.split("ки");
    let at = 0;
    for (let k = 0; k + 1 < parts.length; k++) {
      at += parts[k]!.length;
      const mark = label[at];
      at += 1;
      // The step is the text since the previous marker (the first one also holds the question).
      const step = k === 0 ? parts[0]!.slice(parts[0]!.search(/Step 1:/) >= 0 ? parts[0]!.search(/Step 1:/) : 0) : parts[k]!;
      add(st, step, mark === "-");
    }
  }
  console.log(JSON.stringify(report("math-shepherd-sample", st, "rollout labels: - bad, + good", performance.now() - t0)));
  if (st.flagged > 0 && st.flaggedBad / st.flagged < 0.5) failed = true;
}

// 3. Dense mapping at dataset scale: every PRM800K trajectory (steps joined by blank lines, as
// PRM800K writes them) with the GPT-2 tokenizer; each step's last token must decode to exactly
// the text up to that step, or straddle the boundary (one token holding both sides).
const tok = TokenizerJson.fromFile(`${root}test/fixtures/tokenizers/gpt2.tokenizer.json`);
let stepsMapped = 0;
let exact = 0;
let straddle = 0;
let wrong = 0;
let tokens = 0;
let multibyte = 0;
t0 = performance.now();
for (const r of prm) {
  const text = [...(r.responses as string[]), String(r.next_response)].join("\n\n");
  const tt = tok.encode(text);
  tokens += tt.ids.length;
  if (/[^\x00-\x7f]/.test(text)) multibyte++;
  for (const s of paragraphs(text)) {
    stepsMapped++;
    const last = lastTokenOfSpan(tt, s.start, s.end);
    const [bs, be] = tt.byteSpans[last]!;
    const endByte = tt.charToByte[s.end]!;
    if (bs < endByte && be === endByte && tok.fromIds(tt.ids.slice(0, last + 1)).text === text.slice(0, s.end)) exact++;
    else if (bs < endByte && be > endByte) straddle++;
    else wrong++;
  }
}
const mapMs = performance.now() - t0;
console.log(
  JSON.stringify({
    set: "prm800k-phase1-test.every18th",
    check: "step end -> GPT-2 token (tokenizer + derived offsets + lastTokenOfSpan)",
    trajectories: prm.length,
    with_multibyte_text: multibyte,
    tokens,
    steps: stepsMapped,
    exact_boundary: exact,
    straddling_token: straddle,
    wrong: wrong,
    tokens_per_s: Math.round((tokens / mapMs) * 1000),
  }),
);
if (wrong > 0 || stepsMapped === 0) failed = true;
process.exit(failed ? 1 : 0);
