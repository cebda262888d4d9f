import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileFormula, FormulaError } from "../../src/spec/formula.ts";

const ev = (src: string, vars: Record<string, number> = {}) => compileFormula(src).evaluate(vars);

describe("formula (calculate_output grammar)", () => {
  it("precedence and associativity", () => {
    assert.equal(ev("1 + 2 * 3"), 7);
    assert.equal(ev("(1 + 2) * 3"), 9);
    assert.equal(ev("2 ^ 3 ^ 2"), 512, "^ is right-associative");
    assert.equal(ev("-2 ^ 2"), -4, "unary minus binds looser than ^");
    assert.equal(ev("2 ^ -1"), 0.5);
    assert.equal(ev("10 - 4 - 3"), 3);
    assert.equal(ev("8 / 4 / 2"), 1);
    assert.equal(ev("1.5e2 + .5"), 150.5);
  });

  it("functions and variables", () => {
    assert.equal(ev("min(a, b, 3)", { a: 5, b: 4 }), 3);
    assert.equal(ev("max(a, 0)", { a: -1 }), 0);
    assert.equal(ev("abs(-2) + floor(1.7) + ceil(1.2) + sqrt(16)"), 2 + 1 + 2 + 4);
    assert.equal(ev("log(exp(2))"), 2);
    assert.equal(ev("(name + email) / 2", { name: 1, email: 0.5 }), 0.75);
    assert.deepEqual(compileFormula("a * b + a").variables, ["a", "b"]);
  });

  it("errors name the column", () => {
    const cases: [string, RegExp][] = [
      ["1 +", /expected a number, a name or "\(" but found end of formula at column 4/],
      ["(1 + 2", /expected "\)" but found end of formula/],
      ["1 + 2)", /unexpected "\)" at column 6/],
      ["foo(1)", /unknown function "foo"/],
      ["sqrt(1, 2)", /sqrt\(\) takes 1 argument, got 2/],
      ["1 % 2", /unexpected character "%" at column 3/],
      ["abs", /function "abs" needs parentheses/],
    ];
    for (const [src, re] of cases) assert.throws(() => compileFormula(src), (e: unknown) => e instanceof FormulaError && re.test(e.message), src);
    assert.throws(() => compileFormula("a + c", new Set(["a", "b"])), /unknown variable "c" \(known: a, b\)/);
  });

  it("deep nesting is refused, not a stack overflow", () => {
    assert.throws(() => compileFormula("(".repeat(3000) + "1" + ")".repeat(3000)), /nested too deeply/);
  });
});
