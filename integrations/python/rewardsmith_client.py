"""A small client for a rewardsmith reward server, standard library only.

Shared by verl_reward.py and trl_reward.py. What it does about the failures that kill RL jobs
(OpenRLHF's "Request error for 5 times", slime #1582):

* retries only what a retry can fix: HTTP 429 and 5xx, and a connection that failed or
  dropped (the server restarting); a 4xx is a bad request and raises at once with the
  server's message, which names the field;
* waits with exponential backoff and full jitter, and at least the server's Retry-After;
* never runs past its deadline: each attempt gets the time left, and the server is told it
  (X-Deadline-Ms) so it gives up when the client would;
* sends one Idempotency-Key for all attempts of a call, so a retry after a timeout gets the
  first attempt's result instead of scoring again.

Configuration: arguments, else the environment: REWARDSMITH_URL (default
http://127.0.0.1:8787) and REWARDSMITH_TOKEN.

    from rewardsmith_client import Client
    client = Client()
    out = client.score([{"id": "1", "prompt": "2+2?", "completion": "#### 4", "reference": "4"}])
    out["results"][0]["score"]
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import threading
import time
import uuid
from typing import Any, Optional
from urllib.parse import urlsplit

DEFAULT_URL = "http://127.0.0.1:8787"

__all__ = ["Client", "RewardsmithError", "client_for", "to_json"]


class RewardsmithError(RuntimeError):
    """A request the server refused (4xx), or one that still failed when retries or the deadline ran out."""

    def __init__(self, message: str, status: Optional[int] = None, param: Optional[str] = None, code: Optional[str] = None):
        super().__init__(message)
        self.status = status
        self.param = param
        self.code = code


def _default(o: Any) -> Any:
    # numpy arrays and scalars (verl hands its parquet columns over as numpy objects)
    if hasattr(o, "tolist"):
        return o.tolist()
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    if isinstance(o, bytes):
        return o.decode("utf-8", "replace")
    raise TypeError(f"{type(o).__name__} is not JSON serializable")


def to_json(body: Any) -> bytes:
    return json.dumps(body, default=_default, ensure_ascii=False, allow_nan=False).encode("utf-8")


class Client:
    """One server. Thread-safe: each thread keeps its own keep-alive connection."""

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: float = 300.0,
        max_retries: int = 8,
        backoff: float = 0.5,
        max_backoff: float = 15.0,
    ):
        self.url = (url or os.environ.get("REWARDSMITH_URL") or DEFAULT_URL).rstrip("/")
        self.token = token if token is not None else os.environ.get("REWARDSMITH_TOKEN")
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url: expected http://HOST:PORT or https://HOST:PORT, got {self.url!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._base = parts.path.rstrip("/")
        self._local = threading.local()

    # -- connection ------------------------------------------------------------------------

    def _conn(self, timeout: float) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = cls(self._host, self._port, timeout=timeout)
            self._local.conn = conn
        else:
            conn.timeout = timeout
            if conn.sock is not None:
                conn.sock.settimeout(timeout)
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass
        self._local.conn = None

    # -- requests --------------------------------------------------------------------------

    def post(self, path: str, body: Any, timeout: Optional[float] = None, idempotency_key: Optional[str] = None) -> Any:
        """POSTs JSON and returns the decoded answer, retrying 429/5xx/connection failures until the deadline."""
        data = to_json(body)
        budget = self.timeout if timeout is None else float(timeout)
        deadline = time.monotonic() + budget
        key = idempotency_key or uuid.uuid4().hex
        attempt = 0
        last = "no attempt made"
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RewardsmithError(f"POST {path}: deadline of {budget:g} s passed after {attempt} attempt(s); last error: {last}", code="deadline_exceeded")
            headers = {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Idempotency-Key": key,
                "X-Deadline-Ms": str(max(1, int(left * 1000))),
            }
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            retry_after = None
            try:
                conn = self._conn(left)
                conn.request("POST", self._base + path, body=data, headers=headers)
                res = conn.getresponse()
                raw = res.read()
                status = res.status
                if res.getheader("Connection", "").lower() == "close":
                    self._drop()
                if status < 300:
                    return json.loads(raw)
                message, param, code = _error_of(raw, status)
                if status != 429 and status < 500:
                    raise RewardsmithError(f"POST {path}: HTTP {status}: {message}", status, param, code)
                last = f"HTTP {status}: {message}"
                ra = res.getheader("Retry-After")
                if ra is not None:
                    try:
                        retry_after = float(ra)
                    except ValueError:
                        retry_after = None
            except RewardsmithError:
                raise
            except (OSError, http.client.HTTPException) as e:
                # connection refused/reset, timeout, half-closed keep-alive socket: start afresh
                self._drop()
                last = f"{type(e).__name__}: {e}"
            attempt += 1
            if attempt > self.max_retries:
                raise RewardsmithError(f"POST {path}: still failing after {attempt} attempts; last error: {last}")
            wait = random.uniform(0, min(self.max_backoff, self.backoff * (2 ** (attempt - 1))))
            if retry_after is not None:
                wait = max(wait, retry_after) + random.uniform(0, 0.1 * max(retry_after, 0.1))
            left = deadline - time.monotonic()
            if wait >= left:
                raise RewardsmithError(f"POST {path}: deadline of {budget:g} s would pass before the next attempt; last error: {last}", code="deadline_exceeded")
            time.sleep(wait)

    def get(self, path: str, timeout: float = 10.0) -> Any:
        conn = self._conn(timeout)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            conn.request("GET", self._base + path, headers=headers)
            res = conn.getresponse()
            raw = res.read()
        except (OSError, http.client.HTTPException):
            self._drop()
            raise
        if res.status >= 300:
            message, param, code = _error_of(raw, res.status)
            raise RewardsmithError(f"GET {path}: HTTP {res.status}: {message}", res.status, param, code)
        return json.loads(raw)

    def score(self, samples: list, spec: Optional[str] = None, details: bool = False, timeout: Optional[float] = None) -> dict:
        """POST /v1/score: {"results": [{"id", "score", "status", "reason"?, "components"}], "spec_hash", "usage"}."""
        body: dict = {"samples": samples}
        if spec is not None:
            body["spec"] = spec
        if details:
            body["details"] = True
        return self.post("/v1/score", body, timeout=timeout)


def _error_of(raw: bytes, status: int) -> tuple:
    try:
        e = json.loads(raw).get("error", {})
        return str(e.get("message") or raw[:500].decode("utf-8", "replace")), e.get("param"), e.get("code")
    except Exception:
        return (raw[:500].decode("utf-8", "replace") or f"HTTP {status}"), None, None


_clients: dict = {}
_clients_lock = threading.Lock()


def client_for(url: Optional[str] = None, token: Optional[str] = None, **kw: Any) -> Client:
    """A shared client per (url, token, options): reward functions are called thousands of times."""
    key = (url, token, tuple(sorted(kw.items())))
    with _clients_lock:
        c = _clients.get(key)
        if c is None:
            c = Client(url=url, token=token, **kw)
            _clients[key] = c
        return c


if __name__ == "__main__":  # a quick check: python3 rewardsmith_client.py [URL]
    import sys

    c = Client(sys.argv[1] if len(sys.argv) > 1 else None)
    print(json.dumps(c.get("/health"), indent=2))
