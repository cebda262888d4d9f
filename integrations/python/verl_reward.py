"""verl custom reward function backed by a rewardsmith server (standard library only).

verl config (the server routes each item by its data_source, see `rewardsmith serve --help`):

    custom_reward_function:
      path: integrations/python/verl_reward.py
      name: compute_score
      reward_kwargs:              # all optional; else REWARDSMITH_URL / REWARDSMITH_TOKEN
        url: http://127.0.0.1:8787
        spec: null                # skip data_source routing and use this spec
        timeout: 300              # seconds per call, retries included
        null_score: 0.0           # the score of an item whose reward is not ok (see status_ok)

Works with verl's per-item managers (naive, prime, dapo: one call per item) and with the batch
manager (reward_model.reward_manager=batch: `data_sources=, solution_strs=, ...` lists, one HTTP
request per batch). Returns a dict `{"score", "status_ok", <component>: float, ...}` with the
same keys for every data source (verl crashes on mixed keys, #1031); return_dict=False gives
bare floats. An item whose reward could not be computed (timeout, bad ground truth...) scores
null_score and has status_ok 0.0, which verl logs as a mean: failures show up as a falling
reward_extra_info/status_ok, not as silent zeros.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Optional

try:
    from rewardsmith_client import client_for
except ImportError:  # verl loads this file by path: make its sibling importable
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from rewardsmith_client import client_for

__all__ = ["compute_score"]


def compute_score(
    data_source: Any = None,
    solution_str: Optional[str] = None,
    ground_truth: Any = None,
    extra_info: Optional[dict] = None,
    *,
    data_sources: Any = None,
    solution_strs: Any = None,
    ground_truths: Any = None,
    extra_infos: Any = None,
    url: Optional[str] = None,
    token: Optional[str] = None,
    spec: Optional[str] = None,
    timeout: Optional[float] = None,
    null_score: float = 0.0,
    return_dict: bool = True,
    **_ignored: Any,
):
    client = client_for(url, token)
    if solution_strs is not None:
        body: dict = {
            "data_sources": list(data_sources) if data_sources is not None else ["default"] * len(solution_strs),
            "solution_strs": list(solution_strs),
            "ground_truths": list(ground_truths) if ground_truths is not None else None,
            "extra_infos": [_plain(e) for e in extra_infos] if extra_infos is not None else None,
        }
    else:
        body = {"data_source": data_source, "solution_str": solution_str, "ground_truth": ground_truth, "extra_info": _plain(extra_info)}
    body["null_score"] = float(null_score)
    body["return_dict"] = bool(return_dict)
    if spec is not None:
        body["spec"] = spec
    return client.post("/verl/compute_score", body, timeout=timeout)


def _plain(x: Any) -> Any:
    """extra_info as a dict (verl passes None, a dict, or a numpy object array cell)."""
    if x is None or isinstance(x, dict):
        return x
    if hasattr(x, "item"):
        try:
            x = x.item()
        except Exception:
            pass
    return x if isinstance(x, dict) else None
