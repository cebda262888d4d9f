import type { Combiner, Total } from "../core/combiner.ts";
import type { Outcome, Sample } from "../core/types.ts";
import type { CompiledSpec } from "../spec/compile.ts";
import { compileFormula } from "../spec/formula.ts";
import { effectiveValue, gateFails } from "../spec/policy.ts";

/**
 * The spec's combination, in its documented order: gates first (a failed gate sets the total),
 * then error policies (`fail` ends the total), then the weighted sum or the formula.
 */
export function createCombiner(spec: CompiledSpec): Combiner {
  const nodes = spec.rewards.map((r) => ({ name: r.name, weight: r.weight, policy: r.onError }));
  const policyOf = new Map(nodes.map((n) => [n.name, n.policy]));
  const formula = spec.formula === undefined ? undefined : compileFormula(spec.formula, new Set(nodes.map((n) => n.name)));
  const gates = spec.gates;
  const normalize = spec.normalizeWeights;

  const one = (comps: Record<string, Outcome>): Total => {
    for (const g of gates) {
      const o = comps[g.reward];
      if (o && gateFails(g, o, policyOf.get(g.reward)!)) {
        return { score: g.total, status: "ok", gate: g.reward };
      }
    }
    const values: Record<string, number> = {};
    let firstAbsent: { name: string; o: Outcome } | undefined;
    for (const n of nodes) {
      const o = comps[n.name];
      if (!o) continue;
      const e = effectiveValue(o, n.policy);
      if (e.kind === "fail") return failedBy(n.name, o);
      if (e.kind === "value") values[n.name] = e.value;
      else firstAbsent ??= { name: n.name, o };
    }
    if (formula) {
      for (const v of formula.variables) {
        if (values[v] === undefined) {
          const o = comps[v];
          return o ? failedBy(v, o) : { score: null, status: "error", reason: `no outcome for ${v}` };
        }
      }
      return finite(formula.evaluate(values), `formula ${formula.source}`);
    }
    let sum = 0;
    let weight = 0;
    let present = 0;
    for (const n of nodes) {
      const v = values[n.name];
      if (v === undefined) continue;
      sum += n.weight * v;
      weight += n.weight;
      present++;
    }
    if (present === 0) {
      return firstAbsent ? failedBy(firstAbsent.name, firstAbsent.o) : { score: null, status: "not_applicable", reason: "no rewards" };
    }
    if (normalize) return weight === 0 ? { score: null, status: "error", reason: "the present components' weights sum to 0" } : finite(sum / weight, "normalized sum");
    return finite(sum, "weighted sum");
  };

  return { combine: (_samples: readonly Sample[], components) => components.map(one) };
}

function failedBy(name: string, o: Outcome): Total {
  return { score: null, status: o.status === "ok" ? "error" : o.status, reason: `${name}: ${o.reason ?? o.status}` };
}

function finite(x: number, what: string): Total {
  return Number.isFinite(x) ? { score: x, status: "ok" } : { score: null, status: "error", reason: `${what} gave ${x}` };
}
