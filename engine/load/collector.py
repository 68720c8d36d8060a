"""The cyclic garbage collector paused while a story, or a scene of it, is built.

One piece for every place that builds story objects in bulk: the loader (engine/load/folder.py),
a ready-made story's scenes linked on first use (engine/load/lazy_scenes.py), the whole-story
checks and the language server's re-analysis.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a story is built.

    Loading allocates hundreds of thousands of small, long-lived, acyclic objects and frees
    almost none, which makes the collector rescan a growing heap again and again: pausing it
    makes a large story load several times faster (bench/README.md). Nothing stays frozen here:
    a front end that keeps what it loaded for its whole life calls `folder.freeze_once`.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            # Everything built while paused sits in the youngest generation, so the first
            # collection afterwards would walk all of it (0.6 s at 10,000 scenes) only to
            # promote it. Freezing and unfreezing moves it straight to the oldest generation
            # instead, which only a full collection walks; nothing is pinned, and cyclic
            # garbage among it is still found by that full collection.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
