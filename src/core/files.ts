/**
 * Files a spec points at (a JSON Schema, a custom module, a SQLite database, a tokenizer). A spec
 * is trusted configuration, so any path may be read — but a wrong one must fail at once with a
 * message naming the field, never hang (a device such as /dev/zero) or say only "ENOENT".
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";

/** Throws `field: <why>` unless `path` is an existing regular file of at most `maxBytes`. */
export function checkSpecFile(path: string, field: string, maxBytes = 256 * 1024 * 1024): void {
  const why = specFileProblem(path, maxBytes);
  // An empty field: the caller names it.
  if (why !== undefined) throw new Error(field ? `${field}: ${why}` : why);
}

function specFileProblem(path: string, maxBytes: number): string | undefined {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `${code === "ENOENT" || code === "ENOTDIR" ? "no such file" : code === "EACCES" ? "permission denied" : (err as Error).message}: ${path}`;
  }
  if (st.isDirectory()) return `${path} is a directory, expected a file`;
  if (!st.isFile()) return `${path} is not a regular file`;
  if (st.size > maxBytes) return `${path} is ${Math.round(st.size / 2 ** 20)} MB, more than the ${Math.round(maxBytes / 2 ** 20)} MB allowed`;
  return undefined;
}

/** The text of a spec-referenced file, checked as above. */
export function readSpecFile(path: string, field: string, maxBytes?: number): string {
  checkSpecFile(path, field, maxBytes);
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`${field}: cannot read ${path}: ${(err as Error).message}`);
  }
}

/** A spec-referenced JSON file, parsed; bad JSON names the field and the file. */
export function readSpecJson(path: string, field: string, maxBytes?: number): unknown {
  const text = readSpecFile(path, field, maxBytes);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${field}: ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");

/**
 * Why `path` is not a SQLite database file (checked by its 16-byte header), or undefined; the
 * reason reads before the path ("not a SQLite database: /etc/passwd"). An empty file is a valid
 * empty database.
 */
export function sqliteProblem(path: string): string | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return "no such file";
  }
  if (st.isDirectory()) return "a directory, not a SQLite database file";
  if (!st.isFile()) return "not a regular file";
  if (st.size === 0) return undefined;
  const head = Buffer.alloc(16);
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    readSync(fd, head, 0, 16, 0);
  } catch (err) {
    return `cannot read: ${(err as Error).message}`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return head.equals(SQLITE_HEADER) ? undefined : "not a SQLite database";
}
