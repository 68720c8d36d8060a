"""The rules of play: a `Session` of a story, the same for the app, plain mode, replays and the
simulator.

`session` makes choices, rolls, detours and undo; `state` is the game state as plain data,
`rng` the career's own generator, `reasons` why a choice is locked in words, `snapshot` a
session as plain JSON for a program that embeds the engine. No files, no terminal.
"""
