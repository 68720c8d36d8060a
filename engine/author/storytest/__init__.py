"""Story tests: what a path or a kind of player must meet, written by the author beside the story.

format.py reads a test file (with positions, against the story it tests), run.py plays its
cases through `Session` and says what failed, persona.py is the policy a persona plays by
(shared with `simulate --persona`), and files.py finds a story's test files.
"""
