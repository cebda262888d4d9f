"""Independent verdicts for bench/sql.ts, computed with Python's own sqlite3 module.

Reads {"db": path, "max_rows": N, "pairs": [[gold_sql, pred_sql], ...]} on stdin and writes one
JSON list with, for each pair, whether each query ran and whether the results are equal under
BIRD's rule (set equality), multiset equality, and Spider's rule (multiset, or sequence when
the gold says "order by", up to a permutation of columns — brute force over all permutations).
Python compares values with ==, so 1 == 1.0 and None == None; that is the behaviour the
TypeScript reward has to reproduce.

Like the reward, a result keeps at most max_rows rows (max_rows distinct rows for the set
comparison); a result past the cap equals nothing. A query running past LIMIT_S is abandoned
("timeout") so that a mutated query cannot run for ever.
"""

import itertools
import json
import resource
import sqlite3
import sys
import time
from collections import Counter

LIMIT_S = 30.0


def main() -> None:
    # A bench helper must not eat the machine, whatever a mutated query does.
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    job = json.load(sys.stdin)
    cap = int(job["max_rows"])
    conn = sqlite3.connect(f"file:{job['db']}?mode=ro", uri=True)
    deadline = [0.0]
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline[0] else 0, 10000)
    cache: dict[str, dict] = {}

    def run(sql: str) -> dict:
        if sql in cache:
            return cache[sql]
        deadline[0] = time.monotonic() + LIMIT_S
        res: dict = {"ok": True, "rows": [], "distinct": set(), "over": False, "over_distinct": False, "width": 0}
        try:
            cur = conn.execute(sql)
            res["width"] = len(cur.description or [])
            for row in cur:
                if not res["over"]:
                    if len(res["rows"]) < cap:
                        res["rows"].append(row)
                    else:
                        res["over"] = True
                if row not in res["distinct"]:
                    if len(res["distinct"]) < cap:
                        res["distinct"].add(row)
                    else:
                        res["over_distinct"] = True
                        break
        except sqlite3.OperationalError as err:
            res = {"ok": False, "timeout": "interrupted" in str(err)}
        except Exception:
            res = {"ok": False, "timeout": False}
        cache[sql] = res
        return res

    def spider_eq(g, p, ordered: bool) -> bool:
        if not g and not p:
            return True
        if len(g) != len(p) or len(g[0]) != len(p[0]):
            return False
        for perm in itertools.permutations(range(len(g[0]))):
            moved = [tuple(row[j] for j in perm) for row in p]
            if (moved == g) if ordered else (Counter(moved) == Counter(g)):
                return True
        return False

    out = []
    for gold, pred in job["pairs"]:
        g = run(gold)
        p = run(pred)
        v = {"gold_ok": g["ok"], "pred_ok": p["ok"]}
        if not p["ok"] and p.get("timeout"):
            v["pred_timeout"] = True
        if g["ok"] and p["ok"]:
            v["bird"] = not p["over_distinct"] and g["distinct"] == p["distinct"]
            v["multiset"] = not p["over"] and Counter(g["rows"]) == Counter(p["rows"])
            v["spider"] = not p["over"] and spider_eq(g["rows"], p["rows"], "order by" in gold.lower())
            v["rows"] = len(p["rows"])
            v["width"] = p["width"]
            v["over_cap"] = p["over"]
        out.append(v)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
