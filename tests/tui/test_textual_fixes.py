"""The workaround for Textual's style-cache leak (engine/tui/textual_fixes.py): a widget's style
cache dies with the widget once the app has started, the backgrounds are drawn as Textual draws
them, and the fix installs itself once and steps aside once Textual is fixed upstream."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.pilot import Pilot
from textual.style import Style

from engine.tui import textual_fixes
from engine.tui.app import PointeEdgeApp
from tests.support.app import drive


def test_a_closed_screens_style_caches_are_not_kept_alive(tmp_path: Path) -> None:
    caches: list[weakref.ref[StylesCache]] = []

    async def steps(app: PointeEdgeApp, pilot: Pilot) -> None:  # type: ignore[type-arg]
        app.action_help()
        await pilot.pause()
        caches.extend(weakref.ref(widget._styles_cache) for widget in app.screen.walk_children())
        app.pop_screen()
        await pilot.pause()

    drive(steps, tmp_path, start_story="demo", seed=1)
    gc.collect()
    assert len(caches) > 3
    assert [ref for ref in caches if ref() is not None] == []


def test_backgrounds_are_computed_as_textual_computes_them() -> None:
    textual_fixes.apply()
    base, over = Color(18, 18, 18), Color(36, 47, 56, 0.5)
    inner, outer = StylesCache().get_inner_outer(base, over)
    assert inner == Style(background=base + over)
    assert outer == Style(background=base)


def test_the_fix_is_installed_once_and_not_over_a_fixed_textual(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    textual_fixes.apply()
    assert textual_fixes.apply() is False  # already in place

    def fixed_upstream(self: StylesCache, base: Color, background: Color) -> tuple[Style, Style]:
        return Style(), Style()

    monkeypatch.setattr(StylesCache, "get_inner_outer", fixed_upstream)
    assert textual_fixes.apply() is False
    assert StylesCache.get_inner_outer is fixed_upstream
