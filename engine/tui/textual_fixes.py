"""Fixes for Textual defects that a long session or the test suite would feel.

Textual's ``StylesCache.get_inner_outer`` is an instance method under ``functools.lru_cache``
(Textualize/textual#6665, open as of 2026-12), so the cache's keys hold up to 1,024 style
caches of widgets long gone, and with them every line they ever rendered: about 176,000
objects after the app's tests, which every full garbage collection then scans. The method
never reads its instance, so the fix caches on the two colours alone. It is applied only
while Textual still has the defect (the method still carries ``cache_clear``), so an upgrade
that fixes it upstream turns this into a no-op rather than a second cache.
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """The inner and outer background styles, exactly as Textual computes them."""
    return (
        Style(background=base_background + background),
        Style(background=base_background),
    )


def _get_inner_outer(self: StylesCache, base_background: Color, background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def apply() -> bool:
    """Install the fixes Textual still needs; True if one was installed. Safe to call twice."""
    current = StylesCache.__dict__.get("get_inner_outer")
    clear = getattr(current, "cache_clear", None)
    if current is _get_inner_outer or clear is None:
        return False
    clear()
    setattr(StylesCache, "get_inner_outer", _get_inner_outer)  # noqa: B010 (typed as the cache)
    return True
