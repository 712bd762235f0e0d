"""Helpers shared by the PyTorch peers bench/<topic>_peer.py (run as scripts from the repo root)."""
import json, sys, time


def require_torch():
    """The torch module; if it is missing, prints {"error": ...} as the peer's JSON output and exits 0."""
    try:
        import torch
    except ImportError:
        print(json.dumps({"error": "torch is not installed: apt-get install python3-torch"}))
        sys.exit(0)
    return torch


def timed(reps, f):
    """Median wall time in ms of `reps` calls of f, after one warm-up call."""
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1000)
    return sorted(ts)[len(ts) // 2]
