"""A generated story of a known shape, for the simulator's coverage tests: a lattice of doors in
which some choices open only for a career that took a particular door two layers earlier.

Random play finds those late, by luck; the coverage-guided explorer finds them on purpose. The
bundled careers are too large for the claim (their rarest gates are planned for, not stumbled
on), and the small test stories too small to tell the two strategies apart.
"""

from __future__ import annotations

from pathlib import Path


def write_grid(folder: Path, layers: int = 12, width: int = 4) -> Path:
    """Write the lattice story into `folder` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    flags = "".join(
        f"  f{lay}_{i}: {{label: door {i} of layer {lay}}}\n" for lay in range(layers) for i in range(width)
    )
    (folder / "story.yaml").write_text(
        "id: grid\ntitle: The Grid\nprotagonist: A dancer\ndiscipline: ballet\n"
        "blurb: A lattice of doors.\nversion: 1.0.0\nauthor: Pointe & Edge tests\nstart: grid.door\n"
        "stats:\n  grace: {label: Grace, start: 50}\nflags:\n" + flags,
        encoding="utf-8",
    )
    out = ["chapter: grid", "phase: training", "title: Grid", "scenes:"]
    out += ["  door:", "    title: Door", "    text: Four doors.", "    choices:"]
    out += [f"      - {{id: d{i}, text: Door {i}, goto: s0_{i}}}" for i in range(width)]
    for lay in range(layers):
        for i in range(width):
            out += [
                f"  s{lay}_{i}:",
                f"    title: Layer {lay}, door {i}",
                f"    text: Layer {lay}, door {i}.",
                "    choices:",
            ]
            if lay == layers - 1:
                out.append(f"      - {{id: finish, text: Finish, goto: end{i % 2}}}")
                continue
            out.append(
                f"      - {{id: a0, text: Left, effects: {{set: [f{lay}_{i}]}}, goto: s{lay + 1}_{i}}}"
            )
            out.append(f"      - {{id: a1, text: Right, goto: s{lay + 1}_{(i + 1) % width}}}")
            if lay >= 2:  # open only after the left door of the neighbour two layers back
                gate = f"f{lay - 2}_{(i - 1) % width}"
                out.append(f"      - {{id: g, text: Secret, if: {gate}, goto: s{lay + 1}_{(i + 2) % width}}}")
    for e in range(2):
        out += [
            f"  end{e}:",
            f"    title: End {e}",
            f"    text: The end {e}.",
            f"    ending: {{title: End {e}, tone: triumph}}",
        ]
    (folder / "grid.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")
    return folder
