/**
 * Errors that cross layer boundaries. Each carries a `path` naming the offending field so that
 * the CLI, the server and the library all report "rewards.correct.type: ..." the same way.
 */
export class RewardsmithError extends Error {
  override readonly name: string = "RewardsmithError";
}

export type Issue = { path: string; message: string; line?: number; column?: number };

/** A spec, flag or request body failed validation; `issues` lists every problem, not just the first. */
export class ValidationError extends RewardsmithError {
  override readonly name = "ValidationError";
  constructor(
    readonly issues: Issue[],
    readonly source?: string,
  ) {
    super(summarize(issues.map((i) => formatIssue(i, source))));
  }
}

/** At most this many problems are listed: a wrong file (JSONL given as a spec) yields hundreds. */
const MAX_LISTED = 20;

function summarize(lines: string[]): string {
  if (lines.length <= MAX_LISTED) return lines.join("\n");
  return [...lines.slice(0, MAX_LISTED), `… and ${lines.length - MAX_LISTED} more problems`].join("\n");
}

export function formatIssue(issue: Issue, source?: string): string {
  const where =
    source !== undefined && issue.line !== undefined
      ? `${source}:${issue.line}:${issue.column ?? 1}: `
      : source !== undefined
        ? `${source}: `
        : "";
  return issue.path ? `${where}${issue.path}: ${issue.message}` : `${where}${issue.message}`;
}

/** A retryable failure of infrastructure (a backend down, a worker crash) — never a wrong answer. */
export class InfraError extends RewardsmithError {
  override readonly name = "InfraError";
}
