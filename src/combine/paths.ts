import type { Sample } from "../core/types.ts";

/** A compiled reader for a dotted path into a sample (`meta.ref_score`, `reference.helpful`). */
export function samplePath(path: string): (s: Sample) => unknown {
  const keys = path.split(".");
  return (s) => {
    let v: unknown = s;
    for (const k of keys) {
      if (v === null || typeof v !== "object") return undefined;
      v = (v as Record<string, unknown>)[k];
    }
    return v;
  };
}

/** True for the values a flag field treats as "set": true, 1, a non-empty string other than "false"/"0". */
export function truthy(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0 && v === v;
  if (typeof v === "string") return v !== "" && v !== "false" && v !== "0";
  return false;
}
