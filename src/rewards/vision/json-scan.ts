/**
 * Finds the JSON values (arrays and objects) embedded in free text — a model's answer often
 * wraps JSON in prose or a ```json fence, or writes Python-ish lists JSON.parse rejects.
 *
 * One pass pairs the brackets (linear time, whatever the text); each outermost pair is then
 * tried with JSON.parse, and when that fails its inner pairs are tried instead, so
 * `[{'bbox_2d': [1, 2, 3, 4]}]` still yields `[1, 2, 3, 4]`. Quotes are tracked only inside
 * brackets, so apostrophes and quotation marks in the surrounding prose do not matter.
 */
const MAX_DEPTH = 16;

type Node = { start: number; end: number; children: Node[] };

export function jsonValues(text: string): unknown[] {
  const roots: Node[] = [];
  const stack: { node: Node; close: string }[] = [];
  let inString = false;
  // Openers of each kind on the stack, so a closer with no partner is skipped in O(1).
  let openSquare = 0;
  let openCurly = 0;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k]!;
    if (inString) {
      if (ch === "\\") k++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === "[" || ch === "{") {
      stack.push({ node: { start: k, end: -1, children: [] }, close: ch === "[" ? "]" : "}" });
      if (ch === "[") openSquare++;
      else openCurly++;
    } else if (ch === "]" || ch === "}") {
      // A closer that does not match the innermost opener drops openers until one matches.
      if ((ch === "]" ? openSquare : openCurly) === 0) continue;
      let at = stack.length - 1;
      while (stack[at]!.close !== ch) at--;
      for (let d = at; d < stack.length; d++) {
        if (stack[d]!.close === "]") openSquare--;
        else openCurly--;
      }
      const { node } = stack[at]!;
      // Completed pairs inside the dropped openers now sit directly in the closing pair.
      if (at < stack.length - 1) {
        for (let d = at + 1; d < stack.length; d++) node.children.push(...stack[d]!.node.children);
        node.children.sort((a, b) => a.start - b.start);
      }
      stack.length = at;
      node.end = k + 1;
      if (stack.length > 0) stack[stack.length - 1]!.node.children.push(node);
      else roots.push(node);
    } else if (ch === '"' && stack.length > 0) {
      inString = true;
    }
  }
  // Pairs whose opener never closed are dropped, but their completed children stand alone.
  for (const { node } of stack) roots.push(...node.children);
  roots.sort((a, b) => a.start - b.start);
  const out: unknown[] = [];
  // Bounded depth keeps the worst case (nested pairs that each fail late) linear in the text.
  const visit = (n: Node, depth: number) => {
    try {
      out.push(JSON.parse(text.slice(n.start, n.end)));
    } catch {
      if (depth < MAX_DEPTH) for (const c of n.children) visit(c, depth + 1);
    }
  };
  for (const r of roots) visit(r, 0);
  return out;
}
