"""The language and the model: what a story *is*, with no files, no terminal and no play.

The expression language (`expr`), text templates (`template`), the frozen story model
(`model`), diagnostics and their codes, text safety, the user folders (`paths`), the one base
error (`errors`). It imports nothing of the engine above it and only the standard library, so
every other layer can build on it. Layers: core < load | play < author | saves < tui < cli.
"""
