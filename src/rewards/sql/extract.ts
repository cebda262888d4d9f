/** Where a completion's SQL comes from. */
export type ExtractFrom = "auto" | "sql_fence" | "sql_tag" | "solution_tag" | "text";

export type Extracted = { sql: string; from: "solution" | "sql_fence" | "fence" | "sql_tag" | "text" };

const SQL_FENCE = /```[ \t]*(?:sqlite|sql)\b[ \t]*\r?\n?([\s\S]*?)(?:```|$)/gi;
const ANY_FENCE = /```[ \t]*\r?\n([\s\S]*?)(?:```|$)/g;

function lastMatch(re: RegExp, text: string): string | undefined {
  re.lastIndex = 0;
  let found: string | undefined;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    found = m[1];
  }
  return found;
}

/** Content of the last `<tag>...</tag>` (case-insensitive); an unclosed last tag runs to the end. */
function lastTag(text: string, tag: string): string | undefined {
  const lower = text.toLowerCase();
  const open = lower.lastIndexOf(`<${tag}>`);
  if (open < 0) return undefined;
  const from = open + tag.length + 2;
  const close = lower.indexOf(`</${tag}>`, from);
  return text.slice(from, close < 0 ? text.length : close);
}

const clean = (s: string | undefined) => {
  const t = s?.trim();
  return t ? t : undefined;
};

/**
 * The SQL a completion answers with. `auto`: the last `<solution>` block (SkyRL-SQL's final
 * answer; a ```sql fence inside it wins), else the last ```sql fence, else the last `<sql>` tag
 * (verl-tool's action), else the last bare ``` fence, else the whole text. The other settings
 * accept only that one form and return undefined when it is absent.
 */
export function extractSql(text: string, from: ExtractFrom): Extracted | undefined {
  const fence = (t: string) => clean(lastMatch(SQL_FENCE, t));
  switch (from) {
    case "sql_fence": {
      const s = fence(text);
      return s === undefined ? undefined : { sql: s, from: "sql_fence" };
    }
    case "sql_tag": {
      const s = clean(lastTag(text, "sql"));
      return s === undefined ? undefined : { sql: s, from: "sql_tag" };
    }
    case "solution_tag": {
      const sol = lastTag(text, "solution");
      const s = sol === undefined ? undefined : (fence(sol) ?? clean(sol));
      return s === undefined ? undefined : { sql: s, from: "solution" };
    }
    case "text": {
      const s = clean(text);
      return s === undefined ? undefined : { sql: s, from: "text" };
    }
    case "auto": {
      const sol = lastTag(text, "solution");
      if (sol !== undefined) {
        const s = fence(sol) ?? clean(lastMatch(ANY_FENCE, sol)) ?? clean(sol);
        if (s !== undefined) return { sql: s, from: "solution" };
      }
      const f = fence(text);
      if (f !== undefined) return { sql: f, from: "sql_fence" };
      const tag = clean(lastTag(text, "sql"));
      if (tag !== undefined) return { sql: tag, from: "sql_tag" };
      const any = clean(lastMatch(ANY_FENCE, text));
      if (any !== undefined) return { sql: any, from: "fence" };
      const s = clean(text);
      return s === undefined ? undefined : { sql: s, from: "text" };
    }
  }
}
