"""The author's tools: what a story does as a whole, proven, estimated, or tried one career at
a time.

Proofs and bounds: `check` (the whole-story checks, and the composition of loading with them),
`graph`, `walk`, `ranges/`. Estimates: `simulate/` (many seeded careers, and the coverage-guided
explorer). One career: `chapter_map`, `warp`, `reload` and `watch` for author mode. `export`
draws the scene graph, `metrics` counts what a story holds. Beside saves; below the front ends.
"""
