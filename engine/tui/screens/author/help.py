"""How the author view works, for its help screen (the keys are listed from its bindings)."""

from __future__ import annotations

AUTHOR_HELP = (
    "The map shows one chapter, its scenes in layers by how many steps they are from where the "
    "chapter is entered: ▶ where play is, ✓ visited, · not visited yet, ◆ an ending, ⇢ a scene "
    "without text that passes straight on. The pane beside it tells the highlighted scene's file "
    "and line, what it does on arrival, and every way out with its condition and whether that "
    "holds now.\n\n"
    "Warp (Enter or w) goes to the highlighted scene with the stats and flags you choose, to try "
    "it without playing up to it. A warped run is marked WARPED and is never saved: your career "
    "stays as it was last saved.\n\n"
    "e opens the highlighted scene in your own editor, at its line: the one $VISUAL or $EDITOR "
    "names. An editor in the terminal takes the terminal until you quit it; one with a window of "
    "its own opens beside the game. In the game, e opens the scene you are playing.\n\n"
    "Started with `play STORY --author`, the game reloads the story each time you save one of its "
    "files: you stay at the same scene with the same state when it still exists, or go back to "
    "the last step of your path that still holds. Errors are shown here, and play goes on with "
    "the last version that loaded until you fix them."
)
