"""A story folder becomes a `Story`: the only layer that reads story files.

`yaml_reader` reads YAML safely and with positions, `parse` turns one file into IR (`ir`),
`cache` keeps that IR by content hash, `link` joins the files into a `Story`, and `folder`
does the whole of it for a folder, collecting every problem as a diagnostic. It knows nothing
of play, saves or the author tools; the whole-story checks live above it (engine/author/check.py).
"""
