"""The language server: story files checked as they are typed, and navigated, in any editor.

`main.py lsp` (engine/cli/lsp.py) runs it over stdio. A front end beside the app, it never
imports Textual or the app; it stands on the same loader and checks as `check`, so the editor
and `check` never disagree about a story.

    server.py        the protocol's requests and notifications, wired to what follows
    analysis.py      a story analysed with the editor's unsaved buffers, memory of each file
    debounce.py      when to analyse: after a pause in typing, one run at a time
    index.py         every name a file writes and declares, with where
    navigation.py    definition, references, rename
    completion.py    what can be written where the cursor is
    hover.py         what a name stands for
    symbols.py       the outline (with word counts) and the workspace's symbols
    diagnostics.py   `check`'s problems placed as ranges, with related places and quick fixes
    positions.py     the engine's places and the protocol's (UTF-16) positions
"""
