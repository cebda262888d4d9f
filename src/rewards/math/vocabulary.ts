/**
 * The words the answer parser knows: functions, Greek letters, relations, environments.
 * Kept apart from the grammar so extending the vocabulary does not touch the parser.
 */
import type { RelOp, SpecialSet } from "./ast.ts";

export const MUL_CMDS = new Set(["cdot", "times", "ast", "bullet", "centerdot"]);
export const TRIG = new Set(["sin", "cos", "tan", "cot", "sec", "csc"]);
export const BUILTIN_FUNCS = new Set([
  "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "arccot", "arcsec", "arccsc",
  "sinh", "cosh", "tanh", "coth", "sech", "csch", "arsinh", "arcosh", "artanh", "arcsinh", "arccosh", "arctanh",
  "log", "ln", "lg", "exp", "max", "min", "gcd", "lcm", "sgn", "sign", "floor", "ceil", "abs", "det",
]);
export const MULTI_ARG = new Set(["max", "min", "gcd", "lcm"]);
/** Words written without a backslash that still mean the function or constant. */
export const PLAIN_WORDS = new Set(["sqrt", "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "log", "ln", "exp", "pi", "gcd", "lcm", "max", "min"]);
export const GREEK = new Set([
  "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi",
  "omicron", "rho", "varrho", "sigma", "varsigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
  "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega", "ell", "hbar", "nabla", "aleph",
  "angle", "triangle", "square", "star", "varpi",
]);
/** Letters read as a function when followed by "(": f(x), g(2), P(x), W(n). */
export const FUNCTION_LETTERS = new Set(["f", "g", "h", "F", "G", "H", "P", "Q", "W"]);
export const RELATIONS: Record<string, RelOp | "approx" | "in" | "notin"> = {
  "=": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "!=": "!=",
  le: "<=", leq: "<=", leqslant: "<=", leqq: "<=", ge: ">=", geq: ">=", geqslant: ">=", geqq: ">=", lt: "<", gt: ">",
  ne: "!=", neq: "!=", equiv: "=", approx: "approx", simeq: "approx", thickapprox: "approx", in: "in", notin: "notin",
};
export const SPECIAL_SETS: Record<string, SpecialSet> = { R: "reals", Z: "integers", N: "naturals", Q: "rationals", C: "complexes" };
export const MATRIX_ENVS = new Set(["pmatrix", "bmatrix", "Bmatrix", "matrix", "smallmatrix", "psmallmatrix", "bsmallmatrix", "array", "vmatrix", "Vmatrix"]);
export const TEXT_CMDS = new Set(["text", "textbf", "textit", "textrm", "textnormal", "textsf", "texttt", "textup", "emph", "mbox", "hbox", "mathrm", "mathit", "mathbf", "mathsf", "mathtt", "mathnormal", "boldsymbol", "bm", "mathbold"]);
export const ACCENTS = new Set(["overline", "bar", "vec", "hat", "tilde", "widetilde", "widehat", "overrightarrow", "overleftrightarrow", "dot", "ddot", "acute", "grave", "check", "breve", "underline"]);

/** Commands that can start an implicit-product factor. */
export const ATOM_CMDS = new Set(["frac", "dfrac", "tfrac", "cfrac", "binom", "dbinom", "tbinom", "sqrt", "pi", "infty", "imath", "jmath", "emptyset", "varnothing", "lbrace", "{", "langle", "lfloor", "lceil", "boxed", "fbox", "sum", "prod", "operatorname"]);

