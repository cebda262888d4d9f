import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A wrong command line: the CLI prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs with messages that name the flag, as UsageError. */
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

export function parse<T extends Options>(argv: string[], options: T): Parsed<T> {
  // `--limit -3` would read as an unknown option "-3": join a negative number to its flag, so the
  // flag's own check can say what is wrong with the value.
  const args = [...argv];
  for (let i = 0; i + 1 < args.length; i++) {
    const name = args[i]!.startsWith("--") ? args[i]!.slice(2) : undefined;
    if (name && options[name]?.type === "string" && /^-\d/.test(args[i + 1]!)) args.splice(i, 2, `--${name}=${args[i + 1]}`);
  }
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(msg);
  }
}

export function intFlag(value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${flag}: expected a whole number, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag}: expected a number from ${min} to ${max}, got ${n}`);
  return n;
}

/**
 * Fails at once, naming the flag, when `path` cannot be written: a missing directory (created
 * instead with `createDir`), a directory where a file is expected, or no write permission.
 */
export function checkWritable(path: string, flag: string, opts: { createDir?: boolean } = {}): void {
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) {
    if (!opts.createDir) throw new UsageError(`${flag} ${path}: the directory ${dir} does not exist`);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new UsageError(`${flag} ${path}: cannot create ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  } else if (!statSync(dir).isDirectory()) {
    throw new UsageError(`${flag} ${path}: ${dir} is not a directory`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`${flag} ${path}: is a directory, expected a file`);
  try {
    accessSync(existsSync(path) ? path : dir, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${path}: not writable`);
  }
}
