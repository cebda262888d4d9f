import type { Combiner, Total } from "../core/combiner.ts";
import { MemoryState, type StateStore } from "../core/state.ts";
import type { Outcome, Sample, Status } from "../core/types.ts";
import type { CompiledSpec } from "../spec/compile.ts";
import { compileFormula } from "../spec/formula.ts";
import { gateFails } from "../spec/policy.ts";
import type { Gate } from "../spec/schema.ts";
import { batchGroups, type BatchView, type ColumnStep } from "./batch.ts";
import { lengthPenaltyRecon, lengthReader } from "./hybrid.ts";
import { compileNormalizer, type NormalizerImpl } from "./normalizers.ts";
import { samplePath, truthy } from "./paths.ts";
import { compileTransform } from "./transforms.ts";
import { batchZ, columnMeans, groupZ, normalizeSums, redundancy, triFactorWeightsRecon } from "./weighting.ts";

export type CombinerOptions = {
  /** Where running statistics, frozen references and adaptive weights persist (default: in memory). */
  state?: StateStore;
};

/** What a stateful combiner keeps between batches (stored as one JSON value). */
export type CombineState = {
  version: 1;
  batches: number;
  normalizers: Record<string, unknown>;
  /** Tri-Factor weights by term name, after the latest batch. */
  weights?: Record<string, number>;
};

export type StatefulCombiner = Combiner & {
  /** Key of this combiner's state in the store. */
  readonly stateKey: string;
  /** A copy of the current state (statistics, weights). */
  snapshot(): CombineState;
};

type AbsentWhy = { name: string; status: Status; reason?: string };

/**
 * The spec's combination, in its fixed documented order (docs/combine.md):
 * 1. each component's value under its error policy (skip = absent, zero = a raw 0, fail = the
 *    total fails); 2. its transforms; 3. its normalizer; 4. the hybrid and length-penalty terms;
 * 5. the weighting (static sum, TRL aggregations, Tri-Factor) or the formula; 6. gates, which
 *    compare the raw scores and set the total (for the TRL aggregations: the sum before its
 *    group/batch normalization).
 * Statistics (normalizers, weights) are over every sample with a value, gated or not.
 */
export function createCombiner(spec: CompiledSpec, options: CombinerOptions = {}): StatefulCombiner {
  const plan = spec.combine;
  const nodes = spec.rewards.map((r) => ({ name: r.name, weight: r.weight, policy: r.onError }));
  const K = nodes.length;
  const indexOf = new Map(nodes.map((n, k) => [n.name, k]));
  const hybrid = plan.hybrid;
  const lp = plan.lengthPenalty;

  // Per reward: transforms then normalizer, as column steps.
  const steps: (ColumnStep[] | undefined)[] = nodes.map((n) => {
    const list = (plan.transforms[n.name] ?? []).map(compileTransform);
    return list.length > 0 ? list : undefined;
  });
  const normalizers: (NormalizerImpl | undefined)[] = nodes.map((n) => {
    const cfg = plan.normalizers[n.name];
    return cfg ? compileNormalizer(cfg) : undefined;
  });

  // Terms the weighting sums: the rewards (minus those the hybrid stands for), then derived terms.
  const consumed = new Set(hybrid ? [hybrid.rule, hybrid.model] : []);
  const termNames: string[] = [];
  const termWeights: number[] = [];
  const rewardTerms: number[] = [];
  for (let k = 0; k < K; k++) {
    if (consumed.has(nodes[k]!.name)) continue;
    termNames.push(nodes[k]!.name);
    termWeights.push(nodes[k]!.weight);
    rewardTerms.push(k);
  }
  if (hybrid) {
    termNames.push(hybrid.name);
    termWeights.push(hybrid.weight);
  }
  if (lp) {
    termNames.push(lp.name);
    termWeights.push(lp.weight);
  }
  const T = termNames.length;
  const formula = spec.formula === undefined ? undefined : compileFormula(spec.formula, new Set([...nodes.map((n) => n.name), ...termNames]));
  const weighting = plan.weighting;
  const gates = spec.gates;
  const normalize = spec.normalizeWeights;
  const needsGroups = weighting.type !== "static" && weighting.type !== "tri_factor_recon";

  // State: loaded once, written after each batch that changed it.
  const statefulNormalizers = nodes.map((n, k) => ({ name: n.name, impl: normalizers[k] })).filter((x) => x.impl?.save);
  const stateful = statefulNormalizers.length > 0 || weighting.type === "tri_factor_recon";
  const store = options.state ?? new MemoryState();
  const stateKey = `combine:${plan.stateKey ?? spec.hash.slice(0, 16)}`;
  let batches = 0;
  let adaptive: Record<string, number> | undefined;
  if (stateful) {
    const saved = store.getState<CombineState>(stateKey);
    if (saved && saved.version === 1) {
      batches = saved.batches ?? 0;
      for (const { name, impl } of statefulNormalizers) if (saved.normalizers?.[name] !== undefined) impl!.load!(saved.normalizers[name]);
      if (saved.weights && termNames.every((t) => typeof saved.weights![t] === "number")) adaptive = { ...saved.weights };
    }
  }
  const snapshot = (): CombineState => {
    const out: CombineState = { version: 1, batches, normalizers: {} };
    for (const { name, impl } of statefulNormalizers) out.normalizers[name] = impl!.save!();
    if (adaptive) out.weights = { ...adaptive };
    return JSON.parse(JSON.stringify(out)) as CombineState;
  };

  const verifiable = hybrid?.verifiable_field === undefined ? undefined : samplePath(hybrid.verifiable_field);
  const confField = hybrid?.confidence_recon?.field === undefined ? undefined : samplePath(hybrid.confidence_recon.field);
  const confReward = hybrid?.confidence_recon?.reward;
  const lengthOf = lp ? lengthReader(lp) : undefined;

  const combine = (samples: readonly Sample[], components: readonly Record<string, Outcome>[]): Total[] => {
    const n = components.length;
    const cols = nodes.map(() => new Float64Array(n).fill(Number.NaN));
    const gated: (Gate | undefined)[] = new Array(n);
    const failed: (Total | undefined)[] = new Array(n);
    const absent: (AbsentWhy | undefined)[] = new Array(n);
    // Failures of rewards the hybrid stands for count only when the hybrid picks that reward.
    const consumedFail = new Map<number, Map<number, Total>>();
    const markAbsent = (i: number, why: AbsentWhy) => {
      absent[i] ??= why;
    };

    for (let i = 0; i < n; i++) {
      const comps = components[i]!;
      for (const g of gates) {
        const o = comps[g.reward];
        if (o && gateFails(g, o, nodes[indexOf.get(g.reward)!]!.policy)) {
          gated[i] = g;
          break;
        }
      }
      for (let k = 0; k < K; k++) {
        const node = nodes[k]!;
        const o = comps[node.name];
        if (!o) continue;
        if (o.status === "ok" && o.score !== null) cols[k]![i] = o.score;
        else if (node.policy === "zero") cols[k]![i] = 0;
        else if (node.policy === "skip") markAbsent(i, { name: node.name, status: o.status, reason: o.reason });
        else if (consumed.has(node.name)) {
          let m = consumedFail.get(k);
          if (!m) consumedFail.set(k, (m = new Map()));
          m.set(i, failedBy(node.name, o));
        } else failed[i] ??= failedBy(node.name, o);
      }
    }

    const view: BatchView = { samples, groups: steps.some(Boolean) || normalizers.some(Boolean) || needsGroups || lp ? batchGroups(samples) : [] };

    // Transforms, then the normalizer; a value a step cannot compute goes through the error policy.
    let changed = false;
    for (let k = 0; k < K; k++) {
      const chain = steps[k];
      const norm = normalizers[k];
      if (!chain && !norm) continue;
      const node = nodes[k]!;
      const col = cols[k]!;
      const errors = new Map<number, { status: Status; reason: string }>();
      const fail = (i: number, status: Status, reason: string) => {
        if (!errors.has(i)) errors.set(i, { status, reason });
        col[i] = Number.NaN;
      };
      if (chain) for (const step of chain) step(col, view, fail);
      if (norm) {
        norm.step(col, view, fail);
        if (norm.save) changed = true;
      }
      for (const [i, e] of errors) {
        if (node.policy === "zero") col[i] = 0;
        else if (node.policy === "skip") markAbsent(i, { name: node.name, ...e });
        else if (consumed.has(node.name)) {
          let m = consumedFail.get(k);
          if (!m) consumedFail.set(k, (m = new Map()));
          m.set(i, { score: null, status: e.status, reason: `${node.name}: ${e.reason}` });
        } else failed[i] ??= { score: null, status: e.status, reason: `${node.name}: ${e.reason}` };
      }
    }

    // Term columns: the rewards' own, then the hybrid and the length penalty.
    const terms: Float64Array[] = rewardTerms.map((k) => cols[k]!);
    if (hybrid) {
      const rk = indexOf.get(hybrid.rule)!;
      const mk = indexOf.get(hybrid.model)!;
      const ck = confReward === undefined ? undefined : indexOf.get(confReward);
      const col = new Float64Array(n).fill(Number.NaN);
      for (let i = 0; i < n; i++) {
        const comps = components[i]!;
        const ruleO = comps[hybrid.rule];
        const isVerifiable = verifiable ? truthy(verifiable(samples[i]!)) : ruleO?.status === "ok";
        const pick = isVerifiable ? rk : mk;
        const f = consumedFail.get(pick)?.get(i);
        if (f) {
          failed[i] ??= f;
          continue;
        }
        let v = cols[pick]![i]!;
        if (isVerifiable && (confField || ck !== undefined)) {
          const c = confField ? confField(samples[i]!) : comps[confReward!]?.status === "ok" ? comps[confReward!]!.score : undefined;
          const m = cols[mk]![i]!;
          if (typeof c === "number" && c === c && m === m && v === v) {
            const cc = Math.min(1, Math.max(0, c));
            v = cc * v + (1 - cc) * m;
          }
        }
        col[i] = v;
        if (v !== v) {
          const o = comps[isVerifiable ? hybrid.rule : hybrid.model];
          markAbsent(i, { name: isVerifiable ? hybrid.rule : hybrid.model, status: o?.status ?? "not_applicable", reason: o?.reason });
        }
      }
      terms.push(col);
    }
    if (lp) {
      const col = new Float64Array(n).fill(Number.NaN);
      for (const g of view.groups) {
        const lens: number[] = [];
        const correct: boolean[] = [];
        const idx: number[] = [];
        for (const i of g) {
          if (components[i]![lp.correct] === undefined) continue;
          const l = lengthOf!(samples[i]!);
          if (typeof l === "string") {
            markAbsent(i, { name: lp.name, status: "invalid_input", reason: l });
            continue;
          }
          const o = components[i]![lp.correct]!;
          idx.push(i);
          lens.push(l);
          correct.push(o.status === "ok" && o.score !== null && o.score >= lp.threshold);
        }
        const pen = lengthPenaltyRecon(lens, correct, lp.p_max, lp.tau);
        idx.forEach((i, k) => (col[i] = pen[k]!));
      }
      terms.push(col);
    }

    // Weights: static, or the Tri-Factor weights of this batch (smoothed with the stored ones).
    let weights = termWeights;
    if (weighting.type === "tri_factor_recon") {
      const any = terms.some((c) => c.some((x) => x === x));
      if (any) {
        const w = triFactorWeightsRecon(columnMeans(terms), termWeights, redundancy(terms));
        const d = weighting.decay;
        const next = adaptive && d > 0 ? w.map((x, t) => d * adaptive![termNames[t]!]! + (1 - d) * x) : w;
        adaptive = Object.fromEntries(termNames.map((t, k) => [t, next[k]!]));
        changed = true;
      }
      weights = adaptive ? termNames.map((t) => adaptive![t]!) : termWeights;
    }

    const totals: Total[] = new Array(n);
    if (weighting.type === "normalize_then_sum") {
      for (let t = 0; t < T; t++) terms[t] = groupZ(terms[t]!, view.groups, weighting.eps);
    }
    const sums = new Float64Array(n).fill(Number.NaN);
    for (let i = 0; i < n; i++) {
      const g = gated[i];
      if (g && weighting.type !== "sum_then_normalize" && weighting.type !== "normalize_then_sum") {
        totals[i] = { score: g.total, status: "ok", gate: g.reward };
        continue;
      }
      if (g) {
        sums[i] = g.total;
        continue;
      }
      const f = failed[i];
      if (f) {
        totals[i] = f;
        continue;
      }
      if (formula) {
        const values: Record<string, number> = {};
        let missing: string | undefined;
        for (const v of formula.variables) {
          const k = indexOf.get(v);
          const x = k !== undefined ? cols[k]![i]! : terms[termNames.indexOf(v)]![i]!;
          if (x !== x) {
            missing ??= v;
            continue;
          }
          values[v] = x;
        }
        if (missing !== undefined) {
          const o = components[i]![missing];
          const why = absent[i];
          totals[i] = o && o.status !== "ok" ? failedBy(missing, o) : why ? absentTotal(why) : { score: null, status: "error", reason: `no value for ${missing}` };
          continue;
        }
        totals[i] = finite(formula.evaluate(values), `formula ${formula.source}`);
        continue;
      }
      let sum = 0;
      let weight = 0;
      let present = 0;
      for (let t = 0; t < T; t++) {
        const x = terms[t]![i]!;
        if (x !== x) continue;
        sum += weights[t]! * x;
        weight += weights[t]!;
        present++;
      }
      if (present === 0) {
        const why = absent[i];
        totals[i] = why ? absentTotal(why) : { score: null, status: "not_applicable", reason: "no rewards" };
        continue;
      }
      if (weighting.type === "sum_then_normalize" || weighting.type === "normalize_then_sum") {
        sums[i] = sum;
        continue;
      }
      if (normalize) totals[i] = weight === 0 ? { score: null, status: "error", reason: "the present components' weights sum to 0" } : finite(sum / weight, "normalized sum");
      else totals[i] = finite(sum, "weighted sum");
    }
    if (weighting.type === "sum_then_normalize" || weighting.type === "normalize_then_sum") {
      if (weighting.type === "sum_then_normalize") normalizeSums(sums, view.groups, weighting.scale, weighting.eps);
      else batchZ(sums, weighting.eps);
      for (let i = 0; i < n; i++) {
        if (totals[i]) continue;
        const s = sums[i]!;
        totals[i] = finite(s, weighting.type);
        const g = gated[i];
        if (g) totals[i]!.gate = g.reward;
      }
    }

    if (stateful && changed) {
      batches++;
      store.setState(stateKey, snapshot());
    }
    return totals;
  };

  return { combine, stateKey, snapshot };
}

function failedBy(name: string, o: Outcome): Total {
  return { score: null, status: o.status === "ok" ? "error" : o.status, reason: `${name}: ${o.reason ?? o.status}` };
}

function absentTotal(why: AbsentWhy): Total {
  return { score: null, status: why.status === "ok" ? "error" : why.status, reason: `${why.name}: ${why.reason ?? why.status}` };
}

function finite(x: number, what: string): Total {
  return Number.isFinite(x) ? { score: x, status: "ok" } : { score: null, status: "error", reason: `${what} gave ${x}` };
}
