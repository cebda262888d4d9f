import type { Outcome } from "../core/types.ts";
import type { Gate } from "./schema.ts";
import type { ErrorPolicy } from "./schema.ts";

/** What a component contributes to the total under its error policy. */
export type Effective =
  | { kind: "value"; value: number }
  /** `skip`: left out, like TRL's None. */
  | { kind: "absent" }
  /** `fail`: the total fails with this component's status. */
  | { kind: "fail" };

export function effectiveValue(o: Outcome, policy: ErrorPolicy): Effective {
  if (o.status === "ok" && o.score !== null) return { kind: "value", value: o.score };
  if (policy === "zero") return { kind: "value", value: 0 };
  if (policy === "skip") return { kind: "absent" };
  return { kind: "fail" };
}

/** True when this gate is failed by the component's outcome (a skipped component opens no gate and closes none). */
export function gateFails(gate: Gate, o: Outcome, policy: ErrorPolicy): boolean {
  const e = effectiveValue(o, policy);
  if (e.kind === "value") return e.value < gate.below;
  return e.kind === "fail";
}
