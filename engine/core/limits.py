"""Every size a story or a save may reach, in one table.

The loader refuses a story past these limits with a located error, and the save format
accepts everything up to them, so a story that `check` accepts always has saves the game can
read back (a save used to refuse titles over 500 characters that `check` allowed, and threw
such careers away on their first load). The authoring guide's "Limits" table is compared with
`LIMITS` by tests/docs/test_docs.py, so the guide cannot drift from the code.

The limits also keep hostile input cheap: a file is read only up to its cap, and no text is
long enough for any pattern run over it to cost more than a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A story file (`story.yaml`, a chapter or a story test), in bytes.
STORY_FILE_BYTES = 2_000_000
#: One YAML text (a scalar): a scene's text, a title, an expression, a name.
TEXT_CHARS = 20_000
#: Mappings and lists inside each other in one YAML file.
NESTING = 40
#: A number written in YAML, in characters (digits and sign): far past any value a stat can
#: hold, and far below Python's 4,300-digit limit on reading an integer from text.
NUMBER_CHARS = 100
#: A name: the story id, a chapter, scene, stat, flag or person, a choice id.
NAME_CHARS = 200
#: A title: of the story, a chapter, a scene, an ending; also the story's version.
TITLE_CHARS = 500
#: Stats declared by one story (people's stats included).
STATS = 1_000
#: A career file in the save folder, or a file given to `saves import`, in bytes.
SAVE_FILE_BYTES = 20_000_000
#: Steps (choices made) in one career.
SAVE_STEPS = 100_000
#: What a save may call a scene: `chapter.scene`, two names and a dot.
SCENE_REF_CHARS = 2 * NAME_CHARS + 1


@dataclass(frozen=True, slots=True)
class Limit:
    """One row of the guide's table: what is limited, and how far."""

    what: str
    limit: str


def _n(value: int) -> str:
    return f"{value:,}"


#: The guide's "Limits" table, row by row (tests/docs/test_docs.py compares them).
LIMITS: tuple[Limit, ...] = (
    Limit("a story file", f"{STORY_FILE_BYTES // 1_000_000} MB"),
    Limit("one text", f"{_n(TEXT_CHARS)} characters"),
    Limit("YAML nesting", f"{NESTING} levels"),
    Limit("a number in YAML", f"{NUMBER_CHARS} characters"),
    Limit("a name (story id, chapter, scene, stat, flag, person, choice id)", f"{NAME_CHARS} characters"),
    Limit("a title (story, chapter, scene, ending) or the story's version", f"{TITLE_CHARS} characters"),
    Limit("stats in one story", _n(STATS)),
    Limit("a saved career", f"{SAVE_FILE_BYTES // 1_000_000} MB, {_n(SAVE_STEPS)} choices"),
)
