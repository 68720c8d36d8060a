"""The author view: the chapter map (map.py), the warp dialog (warp.py), how both are drawn
(render.py) and explained (help.py).

The screens and helpers that other code names by this package are re-exported here.
"""

from engine.tui.screens.author.map import AuthorScreen
from engine.tui.screens.author.render import exit_text
from engine.tui.screens.author.warp import FlagList, WarpScreen, stat_input_id

__all__ = ["AuthorScreen", "FlagList", "WarpScreen", "exit_text", "stat_input_id"]
