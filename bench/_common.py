"""Shared helpers for the benchmarks: the project on sys.path, medians, fresh processes."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def median(values: list[float]) -> float:
    return statistics.median(values)


def in_fresh_process(code: str, env: dict[str, str] | None = None) -> dict:
    """Run `code` in a new interpreter (cwd = project root) and return the JSON it prints last."""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def fmt_us(seconds: float) -> str:
    return f"{seconds * 1e6:.2f} µs"


def peak_rss_mb() -> float:
    """This process's own peak resident memory in MB.

    Linux's `getrusage().ru_maxrss` keeps the peak of the process that forked us across execve
    (a child of a big parent reports the parent's size), so read the VmHWM of /proc first.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
