/** Spec-compiling helpers shared by the spec tests. */
import assert from "node:assert/strict";
import { ValidationError } from "../../src/core/errors.ts";
import { registry } from "../../src/rewards/index.ts";
import { compileSpec } from "../../src/spec/compile.ts";
import { parseSpecText } from "../../src/spec/load.ts";

/** Compiles YAML spec text against the built-in reward types. */
export const compileText = (text: string, origin = "spec.yaml") => compileSpec(parseSpecText(text, origin), { registry });

/** The lines of the ValidationError that compiling `text` must raise. */
export function issuesOf(text: string): string[] {
  try {
    compileText(text);
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.message.split("\n");
  }
  assert.fail("expected a validation error");
}
