/**
 * The tests of a code sample, read from its `reference` in one of three forms:
 * - HumanEval: `{ test: "def check(candidate): ...", entry_point: "f", prompt? }`
 * - MBPP: `{ tests: ["assert f(1) == 2", ...], setup? }`, also MBPP's own `test_list`,
 *   `test_setup_code` (and EvalPlus' `test_imports`)
 * - stdin/stdout: `{ io: [{ input, output }, ...] }`, also APPS/TACO's `{ inputs: [...], outputs: [...] }`
 *   and their `input_output` JSON string.
 * A reference may itself be a JSON string of one of these (datasets often store it so).
 */

export type FunctionalPlan = {
  kind: "humaneval" | "mbpp";
  /** Source of each test, run in the program's namespace. */
  tests: string[];
  /** One short label per test for `details`. */
  names: string[];
  /** HumanEval's prompt (signature + docstring), prepended when the completion is only the body. */
  prompt?: string;
  entryPoint?: string;
  /** Imports run before the program (EvalPlus `test_imports`). */
  imports?: string;
  /** Fixtures run after the program, before the tests (MBPP `test_setup_code`, which may use the program's classes). */
  setup?: string;
};

export type IoCase = { input: string; output: string };
export type IoPlan = { kind: "io"; cases: IoCase[] };
export type TestPlan = FunctionalPlan | IoPlan;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const asText = (v: unknown): string | undefined =>
  typeof v === "string" ? v : Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join("\n") : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;

/** Parses `reference`; a string is the problem, naming the field. */
export function parseReference(ref: unknown, language: "python" | "javascript"): TestPlan | string {
  if (ref === undefined || ref === null) return "reference: missing (expected {test, entry_point}, {tests: [...]} or {io: [...]})";
  if (typeof ref === "string") {
    try {
      ref = JSON.parse(ref);
    } catch {
      return "reference: a string that is not JSON (expected {test, entry_point}, {tests: [...]} or {io: [...]})";
    }
  }
  if (typeof ref !== "object" || ref === null || Array.isArray(ref)) return "reference: expected an object ({test, entry_point}, {tests: [...]} or {io: [...]})";
  const r = ref as Record<string, unknown>;

  if (typeof r.input_output === "string" || (typeof r.input_output === "object" && r.input_output !== null)) {
    let io: unknown = r.input_output;
    if (typeof io === "string") {
      try {
        io = JSON.parse(io);
      } catch {
        return "reference.input_output: not valid JSON";
      }
    }
    return parseReference(io, language);
  }
  if (r.fn_name !== undefined && r.inputs !== undefined) return "reference.fn_name: call-based (fn_name) tests are not supported; use {tests: [...]} asserts";

  if (r.io !== undefined) {
    if (!Array.isArray(r.io) || r.io.length === 0) return "reference.io: expected a non-empty list of {input, output}";
    const cases: IoCase[] = [];
    for (let i = 0; i < r.io.length; i++) {
      const c = r.io[i] as Record<string, unknown> | null;
      if (typeof c !== "object" || c === null) return `reference.io[${i}]: expected {input, output}`;
      const input = c.input === undefined ? "" : asText(c.input);
      const output = asText(c.output);
      if (input === undefined) return `reference.io[${i}].input: expected a string`;
      if (output === undefined) return `reference.io[${i}].output: expected a string`;
      cases.push({ input, output });
    }
    return { kind: "io", cases };
  }
  if (r.inputs !== undefined || r.outputs !== undefined) {
    if (!Array.isArray(r.inputs) || !Array.isArray(r.outputs)) return "reference.inputs/outputs: expected two lists of the same length";
    if (r.inputs.length !== r.outputs.length || r.inputs.length === 0) return "reference.inputs/outputs: expected two non-empty lists of the same length";
    const cases: IoCase[] = [];
    for (let i = 0; i < r.inputs.length; i++) {
      const input = asText(r.inputs[i]);
      const output = asText(r.outputs[i]);
      if (input === undefined) return `reference.inputs[${i}]: expected a string`;
      if (output === undefined) return `reference.outputs[${i}]: expected a string`;
      cases.push({ input, output });
    }
    return { kind: "io", cases };
  }

  if (r.test !== undefined) {
    if (typeof r.test !== "string" || r.test.trim() === "") return "reference.test: expected the test source (a string)";
    const entry = r.entry_point;
    if (entry === undefined) return "reference.entry_point: missing (the function name passed to check)";
    if (typeof entry !== "string" || !IDENT.test(entry)) return "reference.entry_point: expected a function name";
    if (r.prompt !== undefined && typeof r.prompt !== "string") return "reference.prompt: expected a string";
    const call =
      language === "python"
        ? `\ncheck(${entry})\n`
        : `\nif (typeof check === "function") check(${entry});\n`;
    return {
      kind: "humaneval",
      tests: [r.test + call],
      names: [`check(${entry})`],
      entryPoint: entry,
      ...(typeof r.prompt === "string" && r.prompt.trim() !== "" ? { prompt: r.prompt } : {}),
    };
  }

  const tests = r.tests ?? r.test_list;
  if (tests !== undefined) {
    const field = r.tests !== undefined ? "tests" : "test_list";
    if (!Array.isArray(tests) || tests.length === 0) return `reference.${field}: expected a non-empty list of test statements`;
    for (let i = 0; i < tests.length; i++) {
      if (typeof tests[i] !== "string" || (tests[i] as string).trim() === "") return `reference.${field}[${i}]: expected a test statement (a string)`;
    }
    const extra: { imports?: string; setup?: string } = {};
    for (const [key, slot] of [["test_imports", "imports"], ["setup", "setup"], ["test_setup_code", "setup"]] as const) {
      const v = r[key];
      if (v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0)) continue;
      const t = asText(v);
      if (t === undefined) return `reference.${key}: expected a string`;
      extra[slot] = extra[slot] ? `${extra[slot]}\n${t}` : t;
    }
    const list = tests as string[];
    return {
      kind: "mbpp",
      tests: list,
      names: list.map((t) => oneLine(t)),
      ...extra,
    };
  }
  return "reference: expected {test, entry_point} (HumanEval), {tests: [...]} (MBPP) or {io: [{input, output}]}";
}

function oneLine(s: string, max = 120): string {
  const t = s.trim().replace(/\s+/g, " ");
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * The program HumanEval runs: the prompt followed by the completion, unless the completion
 * already repeats the prompt. In Python a completion that is a whole function still gets the
 * prompt first — the prompt's stub only has a docstring, the completion's definition replaces
 * it, and helpers or imports the prompt defines stay available. A JavaScript prompt ends inside
 * an open function body, so there a completion that defines the entry point runs alone.
 */
export function assembleProgram(plan: FunctionalPlan, code: string, language: "python" | "javascript"): string {
  let program = code;
  const prompt = plan.prompt;
  if (prompt !== undefined && !code.includes(prompt.trim())) {
    if (language === "python") {
      const body = /^\s*(?:def|async\s+def|class|import|from|@)\b/.test(code) ? `\n${code}` : code;
      program = prompt.endsWith("\n") ? prompt + body : `${prompt}\n${body}`;
    } else if (!(plan.entryPoint && definesJs(code, plan.entryPoint))) {
      program = prompt.endsWith("\n") ? prompt + code : `${prompt}\n${code}`;
    }
  }
  if (plan.imports) program = `${plan.imports}\n${program}`;
  return plan.setup ? `${program}\n${plan.setup}\n` : program;
}

function definesJs(code: string, name: string): boolean {
  const n = name.replace(/\$/g, "\\$");
  return new RegExp(`(?:function\\s*\\*?\\s*${n}\\s*\\(|(?:^|[^\\w$.])${n}\\s*=[^=])`, "m").test(code);
}
