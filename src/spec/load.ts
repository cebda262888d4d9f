import { open } from "node:fs/promises";
import { LineCounter, parseDocument, isMap, isScalar, type Document, type Node as YamlNode } from "yaml";
import { ValidationError, type Issue } from "../core/errors.ts";

/** A parsed spec document that can say where (line, column) any path of it is. */
export type SpecSource = {
  value: unknown;
  text: string;
  /** File name or "<inline>", used in messages. */
  origin: string;
  locate(path: readonly PropertyKey[]): { line: number; column: number } | undefined;
};

/** Parses YAML or JSON (JSON is YAML 1.2) text keeping positions for error messages. */
export function parseSpecText(text: string, origin = "<inline>"): SpecSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues: Issue[] = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      const first = e.message.split("\n")[0]!;
      return { path: "", message: `not valid YAML/JSON: ${/call stack/i.test(first) ? "nested too deeply" : first}`, line: pos.line, column: pos.col };
    });
    throw new ValidationError(issues, origin);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // An alias bomb ("billion laughs") or a structure too deep to build: a spec error, not a crash.
    const why = err instanceof RangeError ? "nested too deeply" : /alias/i.test((err as Error).message) ? "too many aliases (an alias bomb?): at most 100 alias expansions" : (err as Error).message;
    throw new ValidationError([{ path: "", message: `not valid YAML/JSON: ${why}` }], origin);
  }
  const locate = (path: readonly PropertyKey[]) => {
    const node = findNode(doc, path);
    if (!node?.range) return undefined;
    const p = lineCounter.linePos(node.range[0]);
    return { line: p.line, column: p.col };
  };
  return { value, text, origin, locate };
}

/** The node at `path`, or — for a key that does not exist as a value path — the key node itself. */
function findNode(doc: Document, path: readonly PropertyKey[]): YamlNode | undefined {
  let node: unknown = doc.contents;
  let found: YamlNode | undefined = doc.contents ?? undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) return found;
      found = (pair.value as YamlNode | null) ?? (pair.key as YamlNode);
      node = pair.value;
      if (!node) return pair.key as YamlNode;
    } else if (node && typeof node === "object" && "items" in node && Array.isArray((node as { items: unknown[] }).items)) {
      const item = (node as { items: unknown[] }).items[Number(key)];
      if (!item) return found;
      found = item as YamlNode;
      node = item;
    } else {
      return found;
    }
  }
  return found;
}

/** Reads a spec file; a missing or unreadable file is a ValidationError naming it. */
export async function loadSpecFile(path: string): Promise<SpecSource> {
  let text: string;
  try {
    text = await readBounded(path, MAX_SPEC_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, expected a spec file" : code === "EFBIG" ? (err as Error).message : String(err);
    throw new ValidationError([{ path: "", message: `cannot read spec: ${why}` }], path);
  }
  return parseSpecText(text, path);
}

/** Larger specs are refused: a device such as /dev/zero must not be read until memory runs out. */
const MAX_SPEC_BYTES = 64 * 1024 * 1024;

/** A file's text, refusing more than `max` bytes (works for pipes such as <(...) too). */
async function readBounded(path: string, max: number): Promise<string> {
  const fh = await open(path, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(1 << 20);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > max) throw Object.assign(new Error(`larger than ${max / 2 ** 20} MB`), { code: "EFBIG" });
      chunks.push(buf.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    await fh.close();
  }
}
