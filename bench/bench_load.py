"""Load-time benchmarks: a story of N scenes loaded and checked, cold and from the cache.

Each measurement runs in a fresh interpreter, as a player's launch would, and reports the
median of several runs; imports are outside the timed part. "Cold" parses every file (no
cache); "cached" has every file's parse already in the cache, and the story comes back
ready-made (engine/author/ready.py: unchanged since a full load, its findings kept and its
scenes linked on first use), as on a player's second launch. Peak memory is the process's
maximum resident set size, interpreter included.

    uv run python bench/bench_load.py            # 1,000 and 10,000 scenes
    uv run python bench/bench_load.py 1000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from _common import fmt_ms, in_fresh_process, median
from gen_story import generate

_PROBE = """
import json, sys, time
sys.path.insert(0, "bench")
from _common import peak_rss_mb
from engine.author.check import load_checked
from engine.load.cache import ParseCache
from pathlib import Path
cache = ParseCache(Path({cache!r})) if {cached!r} else None
t = time.perf_counter()
result = load_checked({story!r}, cache=cache)
elapsed = time.perf_counter() - t
rss = peak_rss_mb()
print(json.dumps({{"seconds": elapsed, "rss_mb": rss, "scenes": len(result.story.scenes),
                  "errors": len(result.errors), "hits": cache.hits if cache else 0,
                  "ready": getattr(result, "ready_made", False)}}))
"""


def measure(n: int, runs: int) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="pe-bench-"))
    story = generate(n, work / f"story-{n}")
    cache_dir = work / "cache"
    env = {**os.environ, "POINTE_EDGE_CACHE": "off"}
    cold = [in_fresh_process(_PROBE.format(cache=str(cache_dir), cached=False, story=str(story)), env)
            for _ in range(runs)]  # fmt: skip
    in_fresh_process(_PROBE.format(cache=str(cache_dir), cached=True, story=str(story)), env)  # fill it
    warm = [in_fresh_process(_PROBE.format(cache=str(cache_dir), cached=True, story=str(story)), env)
            for _ in range(runs)]  # fmt: skip
    assert all(r["errors"] == 0 and r["scenes"] == n for r in cold + warm)
    assert all(r["hits"] > 0 for r in warm)
    return {
        "cold_s": median([r["seconds"] for r in cold]),
        "cached_s": median([r["seconds"] for r in warm]),
        "cached_rss_mb": max(r["rss_mb"] for r in warm),
        "cold_rss_mb": max(r["rss_mb"] for r in cold),
        "ready": all(r.get("ready", False) for r in warm),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    for n in args.sizes:
        r = measure(n, args.runs)
        print(
            f"{n:>6} scenes: cold load+check {fmt_ms(r['cold_s'])} (peak {r['cold_rss_mb']:.0f} MB), "
            f"from cache{' (ready-made)' * bool(r['ready'])} {fmt_ms(r['cached_s'])}"
            f" (peak {r['cached_rss_mb']:.0f} MB)  [median of {args.runs}]"
        )


if __name__ == "__main__":
    main()
