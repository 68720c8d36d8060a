"""Generate synthetic stories of N scenes, the shape every benchmark here is measured on.

The shape (shared with the ChoiceScript and ink comparisons in bench/README.md): 6 stats;
about 80 words of text a scene with two interpolations; 3 choices a scene, a third of them
conditional; one chance roll in ten scenes; about 10 endings; a layered graph about
2*sqrt(N) layers deep, so a career is about that many choices long. Scenes are split into
chapter files of 100 scenes, as an author would split them.

    uv run python bench/gen_story.py 1000 /tmp/story-1000
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

STATS = ("technique", "artistry", "stamina", "confidence", "wellbeing", "reputation")
WORDS = (
    "edge ice blade spin jump axel salchow loop lutz flip toe rink boards coach music judge "
    "program spiral crossover camel layback twizzle step sequence landing takeoff glide lights "
    "crowd morning cold breath tape boot lace costume kiss cry score panel warmup"
).split()
SCENES_PER_FILE = 100
ENDINGS = 10


def layers_for(n: int) -> list[list[int]]:
    """Scene numbers by layer: the last layer holds the endings."""
    depth = max(2, round(2 * math.sqrt(n)))
    body = n - ENDINGS
    per = [body // (depth - 1) + (1 if i < body % (depth - 1) else 0) for i in range(depth - 1)]
    out, k = [], 0
    for size in per:
        out.append(list(range(k, k + size)))
        k += size
    out.append(list(range(k, n)))
    return out


def scene_id(i: int) -> str:
    return f"c{i // SCENES_PER_FILE}.s{i}"


def prose(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(78)]
    words[20] = "{technique}"
    words[55] = '{if confidence > 50 then "steady" else "shaky"}'
    lines, line = [], []
    for w in words:
        line.append(w)
        if len(line) == 12:
            lines.append(" ".join(line))
            line = []
    lines.append(" ".join(line) + ".")
    return "\n".join(lines)


def generate(n: int, folder: Path, seed: int = 1) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    layers = layers_for(n)
    layer_of = {i: li for li, layer in enumerate(layers) for i in layer}
    manifest = [
        "id: bench",
        f"title: Bench {n}",
        "start: " + scene_id(layers[0][0]),
        "stats:",
        *[f"  {s}: {{start: 40}}" for s in STATS],
    ]
    (folder / "story.yaml").write_text("\n".join(manifest) + "\n")
    files: dict[int, list[str]] = {}
    for i in range(n):
        li = layer_of[i]
        lines = files.setdefault(i // SCENES_PER_FILE, [])
        lines.append(f"  s{i}:")
        lines.append("    text: |")
        lines.extend("      " + row for row in prose(rng).splitlines())
        if li == len(layers) - 1:
            lines.append(f"    ending: {{title: Ending {i}, tone: triumph}}")
            continue
        lines.append("    choices:")
        nxt = layers[li + 1]
        targets = [rng.choice(nxt) for _ in range(3)]
        if li == len(layers) - 2:  # every ending gets an arrow into it
            targets[0] = nxt[i % len(nxt)]
        for k, target in enumerate(targets):
            a, b = rng.sample(STATS, 2)
            lines.append(
                f"      - text: Choice {k + 1} of scene {i}, {rng.choice(WORDS)} and {rng.choice(WORDS)}"
            )
            if k == 2:
                lines.append(f"        if: {a} >= {rng.randint(20, 60)}")
                lines.append("        locked: true")
            lines.append(f'        effects: {{{a}: +{rng.randint(1, 6)}, {b}: "-{rng.randint(1, 4)}"}}')
            if k == 1 and i % 10 == 0:
                lines.append(f"        chance: {a} + 10")
                lines.append(f"        success: {{goto: {scene_id(target)}}}")
                lines.append(f"        failure: {{goto: {scene_id(rng.choice(nxt))}}}")
            else:
                lines.append(f"        goto: {scene_id(target)}")
    for f, lines in files.items():
        header = [f"chapter: c{f}", "phase: training", "scenes:"]
        (folder / f"c{f}.yaml").write_text("\n".join(header + lines) + "\n")
    return folder


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"/tmp/pointe-bench-{count}")
    print(generate(count, out))
