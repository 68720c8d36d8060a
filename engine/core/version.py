"""The game's version, and the versions of the two formats it reads and writes.

One number for the package (pyproject.toml reads it from here), the story format and the save
format, so a player, an author and a bug report all name the same thing: `pointe-edge
--version` prints all three, every save records the version that wrote it, and CHANGELOG.md
gives each release's formats (tests/functional/test_install.py holds them together).
"""

__version__ = "0.3.0"
#: The story language: the keys, expressions and text of story files (docs/authoring.md).
STORY_FORMAT = 1
#: The save files: a career as JSON (docs/saves.md; engine/saves/format.py reads and writes it).
#: 2 adds `rolls`, how a career rolls its chances.
SAVE_FORMAT = 2
