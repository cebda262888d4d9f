"""TRL GRPOTrainer reward functions backed by a rewardsmith server (standard library only).

    import sys; sys.path.insert(0, "integrations/python")
    from trl_reward import rewardsmith_reward

    trainer = GRPOTrainer(
        model=...,
        reward_funcs=[rewardsmith_reward(url="http://127.0.0.1:8787", reference_key="answer")],
        ...)

The function follows TRL's contract `(prompts, completions, **kwargs) -> list[float | None]`:
it is called once per batch with all B*G completions, and answers None for every completion
whose reward is not ok (timeout, missing reference, not applicable...). TRL treats None as
NaN and leaves it out of the sum, so an infrastructure failure is never a reward of 0.

* completions may be strings or conversational (`[{"role": "assistant", "content": ...}]`);
* the reference comes from the dataset column `reference_key`, else the first of reference,
  answer, ground_truth, solution, label that TRL passes;
* consecutive completions of the same prompt share a group (GRPO's G samples), so group
  rewards in the spec see them together;
* `component="correct"` returns one component of the spec instead of the total: one TRL reward
  function per component gives per-component rewards/<name>/mean curves in TRL's logs.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable, List, Optional

try:
    from rewardsmith_client import client_for
except ImportError:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from rewardsmith_client import client_for

__all__ = ["rewardsmith_reward"]

REFERENCE_KEYS = ("reference", "answer", "ground_truth", "solution", "label")
_TRL_KWARGS = {"completion_ids", "trainer_state", "log_extra", "log_metric", "environments"}


def rewardsmith_reward(
    url: Optional[str] = None,
    spec: Optional[str] = None,
    token: Optional[str] = None,
    reference_key: Optional[str] = None,
    component: Optional[str] = None,
    timeout: float = 300.0,
    name: Optional[str] = None,
) -> Callable[..., List[Optional[float]]]:
    """A GRPOTrainer reward function that scores with a rewardsmith server."""
    client = client_for(url, token)

    def reward_func(prompts: list, completions: list, **kwargs: Any) -> List[Optional[float]]:
        n = len(completions)
        if prompts is not None and len(prompts) != n:
            raise ValueError(f"prompts: expected {n} items (as many as completions), got {len(prompts)}")
        refs = _column(kwargs, reference_key, n)
        extra = {k: v for k, v in kwargs.items() if k not in _TRL_KWARGS and k != reference_key and isinstance(v, list) and len(v) == n}
        samples = []
        group_no = -1
        last_prompt = object()
        for i in range(n):
            p = prompts[i] if prompts is not None else ""
            key = json.dumps(p, sort_keys=True, default=str)
            if key != last_prompt:
                group_no += 1
                last_prompt = key
            s = {"id": str(i), "prompt": p, "completion": completions[i], "group": f"g{group_no}"}
            if refs is not None and refs[i] is not None:
                s["reference"] = refs[i]
            meta = {k: v[i] for k, v in extra.items() if isinstance(v[i], (str, int, float, bool)) or v[i] is None}
            if meta:
                s["meta"] = meta
            samples.append(s)
        out = client.score(samples, spec=spec, timeout=timeout)
        scores: List[Optional[float]] = []
        for r in out["results"]:
            if component is None:
                scores.append(float(r["score"]) if r["status"] == "ok" and r["score"] is not None else None)
            else:
                c = r["components"].get(component)
                if c is None:
                    raise KeyError(f"component: the spec has no reward {component!r} (it has {', '.join(r['components'])})")
                scores.append(float(c["score"]) if c["status"] == "ok" and c["score"] is not None else None)
        return scores

    # TRL logs each reward function under its __name__.
    reward_func.__name__ = name or (f"rewardsmith_{component}" if component else "rewardsmith")
    return reward_func


def _column(kwargs: dict, key: Optional[str], n: int) -> Optional[list]:
    keys = (key,) if key else REFERENCE_KEYS
    for k in keys:
        v = kwargs.get(k)
        if isinstance(v, list) and len(v) == n:
            return v
        if v is not None and hasattr(v, "tolist"):
            v = v.tolist()
            if isinstance(v, list) and len(v) == n:
                return v
    if key:
        raise KeyError(f"reference_key: TRL passed no dataset column {key!r} with {n} values (columns: {', '.join(k for k in kwargs if k not in _TRL_KWARGS)})")
    return None
