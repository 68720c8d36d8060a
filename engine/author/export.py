"""The story as a map: its scene graph in Graphviz DOT or Mermaid, for `main.py graph`.

The story is first turned into one neutral `StoryMap` (nodes, labelled edges, chapter
clusters), and each format only writes that map out, so DOT and Mermaid always show the same
thing. Chapters come in the order play reaches them, everything else in story order, and
nothing iterates a set, so the same story always gives the same bytes: exports can be
committed and diffed.

Labels carry author text, which can hold any character. Each format has its own escaping
(`dot_string`, `mermaid_string`), applied to every piece of text that reaches the output, so
no title or condition can end a string early, open an HTML tag, or break a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from engine.author.graph import chapter_order
from engine.core import template as tpl
from engine.core.errors import PointeEdgeError
from engine.core.model import Route, Scene, Story
from engine.core.template import Template
from engine.core.textsafe import clean

FORMATS = ("dot", "mermaid")
# Mermaid refuses a diagram past these (its maxTextSize and maxEdges settings, which a diagram
# cannot raise for itself); the command says so rather than hand over a map that will not draw.
MERMAID_LIMITS = (50_000, 500)
LABEL_WIDTH = 40  # choice texts are cut to this many characters: the map is not the story

# Edge kinds: how play moves along an edge. A chance roll's two edges also carry their outcome.
START, CHOICE, NEXT, CALL, AFTER, RETURN = "start", "choice", "next", "call", "after", "return"
SUCCESS, FAILURE = "success", "failure"
# Node kinds. `elsewhere` is a scene of another chapter (with --chapter); `missing` a target
# that did not load (only in a story with errors).
SCENE, ROUTER, ENDING, START_MARK, RETURN_MARK, ELSEWHERE, MISSING = (
    "scene",
    "router",
    "ending",
    "start",
    "return",
    "elsewhere",
    "missing",
)


@dataclass(frozen=True, slots=True)
class Node:
    key: str  # a scene id, or a key with a space (never a scene id) for the markers
    kind: str
    lines: tuple[str, ...]
    tone: str | None = None  # endings only
    first: bool = False  # the story's start scene


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    kind: str
    lines: tuple[str, ...]
    gated: bool = False  # the choice has a condition (locked or hidden when it fails)
    graft: str | None = None  # the file that grafted the choice on
    outcome: str | None = None  # SUCCESS or FAILURE: the edge follows a chance roll


@dataclass(frozen=True, slots=True)
class Cluster:
    id: str  # the chapter id
    title: str
    phase: str
    nodes: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.title} ({self.phase})"


@dataclass(frozen=True, slots=True)
class StoryMap:
    story_id: str
    title: str
    nodes: Mapping[str, Node]
    clusters: tuple[Cluster, ...]
    loose: tuple[str, ...]  # nodes outside every chapter: the start, other chapters' scenes
    edges: tuple[Edge, ...]

    @property
    def scene_count(self) -> int:
        """The scenes of the story (or chapter) shown, not counting other chapters' scenes."""
        return sum(n.kind in (SCENE, ROUTER, ENDING) for n in self.nodes.values())


class UnknownChapter(PointeEdgeError, ValueError):
    """A `--chapter` that names no chapter of the story; `known` lists the ones it has."""

    def __init__(self, chapter: str, known: list[str]):
        self.chapter, self.known = chapter, known
        super().__init__(f"no chapter called {chapter!r} (chapters: {', '.join(known) or 'none'})")


# -- building the map ----------------------------------------------------------------------------


def build(story: Story, chapter: str | None = None) -> StoryMap:
    """The map of a whole story, or of one chapter with the scenes it leads to and comes from."""
    if chapter is not None and chapter not in story.chapters:
        raise UnknownChapter(chapter, list(story.chapters))
    scenes = story.scenes
    inside = [s for s in scenes.values() if chapter is None or s.chapter == chapter]
    shown = {s.id for s in inside}
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    members: dict[str, list[str]] = {}
    loose: list[str] = []

    def place(key: str, chapter_id: str | None) -> None:
        if chapter_id is not None and chapter_id in story.chapters:
            members.setdefault(chapter_id, []).append(key)
        else:
            loose.append(key)

    def endpoint(sid: str) -> None:
        """A node for a scene outside the shown ones (another chapter's, or a missing one)."""
        if sid not in nodes:
            scene = scenes.get(sid)
            if scene is None:
                nodes[sid] = Node(sid, MISSING, ("missing scene", sid))
            else:
                nodes[sid] = Node(sid, ELSEWHERE, (one_line(scene.title), sid))
            loose.append(sid)

    if story.start in shown:
        nodes["start "] = Node("start ", START_MARK, ("start",))
        loose.append("start ")
        edges.append(Edge("start ", story.start, START, ()))
    for scene in inside:
        nodes[scene.id] = _scene_node(scene, story.start)
        place(scene.id, scene.chapter)
    for scene in scenes.values():
        if scene.id in shown:
            for edge in _scene_edges(scene, scenes):
                if edge.kind == RETURN and edge.target not in nodes:
                    nodes[edge.target] = Node(edge.target, RETURN_MARK, ("back to the caller",))
                    place(edge.target, scene.chapter)
                elif edge.target not in shown and edge.kind != RETURN:
                    endpoint(edge.target)
                edges.append(edge)
        elif chapter is not None:  # edges into the chapter from elsewhere
            for edge in _scene_edges(scene, scenes):
                if edge.target in shown:
                    endpoint(scene.id)
                    edges.append(edge)
    chapters = story.chapters
    clusters = tuple(  # in the order play reaches them: Mermaid places the first ones first
        Cluster(cid, one_line(chapters[cid].title) or cid, chapters[cid].phase, tuple(members[cid]))
        for cid in chapter_order(story)
        if cid in members
    )
    return StoryMap(story.id, one_line(story.title) or story.id, nodes, clusters, tuple(loose), tuple(edges))


def _scene_node(scene: Scene, start: str) -> Node:
    if scene.ending is not None:
        tone = scene.ending.tone
        ending = " ".join(
            p for p in ("ending:", one_line(scene.ending.title), f"({tone.replace('_', ' ')})") if p
        )
        return Node(scene.id, ENDING, (one_line(scene.title), scene.id, ending), tone, scene.id == start)
    kind = ROUTER if scene.is_router else SCENE
    return Node(scene.id, kind, (one_line(scene.title), scene.id), None, scene.id == start)


def _scene_edges(scene: Scene, scenes: Mapping[str, Scene]) -> Iterator[Edge]:
    """Every way out of a scene, in the order a player meets them: choices, then `next`."""
    sid = scene.id
    for choice in scene.choices:
        lines = [short(template_source(choice.text))]
        if choice.condition is not None:
            cond = one_line(choice.condition.source)
            lines.append(f"[locked unless {cond}]" if choice.show_locked else f"[only if {cond}]")
        if choice.once:
            lines.append("[once only]")
        if choice.fallback:
            lines.append("[when nothing else is open]")
        if choice.tags:
            lines.append(" ".join(f"#{tag}" for tag in choice.tags))
        base = Edge(sid, "", CHOICE, tuple(lines), choice.condition is not None, choice.graft)
        if choice.route is not None:
            yield from _route_edges(base, choice.route, scenes)
        if choice.chance is not None:
            chance = f"chance {one_line(choice.chance.expr.source)}"
            for name, outcome in ((SUCCESS, choice.chance.success), (FAILURE, choice.chance.failure)):
                rolled = replace(base, lines=(*lines, f"{chance}: {name}"), outcome=name)
                yield from _route_edges(rolled, outcome.route, scenes)
    conditional = False
    for branch in scene.next:
        lines = [] if scene.text is None else [short(scene.continue_label)]
        if branch.condition is not None:
            lines.append(f"[if {one_line(branch.condition.source)}]")
            conditional = True
        elif conditional:
            lines.append("[otherwise]")
        yield from _route_edges(Edge(sid, "", NEXT, tuple(lines)), branch.route, scenes)


def _route_edges(base: Edge, route: Route, scenes: Mapping[str, Scene]) -> Iterator[Edge]:
    """The edges of one route: a `call` gives two, into the detour and on from it."""
    graft = (f"grafted by {one_line(base.graft)}",) if base.graft is not None else ()
    if route.kind == "return":
        yield replace(base, target=f"return {base.source}", kind=RETURN, lines=(*base.lines, *graft))
        return
    target = route.target or "?"
    if route.kind == "goto":
        yield replace(base, target=target, lines=(*base.lines, *graft))
        return
    detour = "detour" if route.after is not None else "detour, then back here"
    yield replace(base, target=target, kind=CALL, lines=(*base.lines, detour, *graft))
    if route.after is not None:
        title = scenes[target].title if target in scenes else target
        yield replace(base, target=route.after, kind=AFTER, lines=(f"after the detour “{short(title)}”",))


def template_source(text: Template) -> str:
    """A choice's text as written: constant parts as they are, expressions as `{source}`."""
    parts: list[str] = []
    for para in text.paragraphs:
        for _, value in tpl.walk_pieces((para,)):
            parts.append(value if isinstance(value, str) else "{" + value.source + "}")
        parts.append(" ")
    return one_line("".join(parts))


def one_line(text: str) -> str:
    """Text with unsafe characters removed and every run of whitespace made one space."""
    return " ".join(clean(text).split())


def short(text: str, width: int = LABEL_WIDTH) -> str:
    """At most `width` characters, cut at a word where possible, with `…` when cut."""
    text = one_line(text)
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space >= width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def _label(lines: tuple[str, ...]) -> str:
    """The lines of a label that show something, one a line (an empty title leaves no gap)."""
    return "\n".join(line for line in lines if one_line(line))


# -- Graphviz DOT --------------------------------------------------------------------------------

_TONE_FILL = {
    "triumph": "#fde68a",
    "bittersweet": "#e9d5ff",
    "tragic": "#fecaca",
    "farewell": "#e5e7eb",
    "new_path": "#bbf7d0",
}
_GRAFT_COLOUR = "#2563eb"
_GATED_COLOUR = "#6b7280"
_OUTCOME_COLOUR = {SUCCESS: "#15803d", FAILURE: "#b91c1c"}

_DOT_NODE = {
    SCENE: 'shape=box, style="rounded"',
    ROUTER: 'shape=diamond, style="filled", fillcolor="#f3f4f6"',
    ENDING: 'shape=box, style="rounded,filled", peripheries=2',
    START_MARK: 'shape=circle, style="filled", fillcolor="#111827", fontcolor=white, fontsize=9',
    RETURN_MARK: 'shape=cds, fontsize=9, style="filled", fillcolor="#f3f4f6"',
    ELSEWHERE: 'shape=box, style="rounded,dashed", fontcolor="#4b5563"',
    MISSING: 'shape=box, style="filled", fillcolor="#fecaca", color="#b91c1c"',
}
_DOT_EDGE_STYLE = {CALL: "dashed", AFTER: "dotted", START: "bold"}


def dot_string(text: str) -> str:
    """A DOT double-quoted string whose label shows `text` exactly; lines break at newlines.

    Inside quotes DOT itself only unescapes `\\"`, but labels then read backslash escapes
    (`\\n`, `\\l`, `\\N`...), so a backslash is doubled and a newline becomes `\\n`.
    """
    lines = [clean(line) for line in text.split("\n")]
    body = "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines)
    return f'"{body}"'


def write_dot(m: StoryMap) -> str:
    q = dot_string
    out = [
        f"digraph {q(m.story_id)} {{",
        f"  graph [label={q(m.title)}, labelloc=t, fontsize=20, fontname=Helvetica, rankdir=TB];",
        "  node [fontname=Helvetica, fontsize=11];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]

    def node(key: str, indent: str) -> str:
        n = m.nodes[key]
        attrs = [f"label={q(_label(n.lines))}", _DOT_NODE[n.kind]]
        if n.tone is not None:
            attrs.append(f'fillcolor="{_TONE_FILL.get(n.tone, "#ffffff")}"')
        if n.first:
            attrs.append("penwidth=2.5")
        return f"{indent}{q(key)} [{', '.join(attrs)}];"

    for key in m.loose:
        out.append(node(key, "  "))
    for c in m.clusters:
        out.append(f"  subgraph {q('cluster_' + c.id)} {{")
        out.append(f'    graph [label={q(c.label)}, fontsize=14, style="rounded", color="#9ca3af"];')
        out.extend(node(key, "    ") for key in c.nodes)
        out.append("  }")
    for e in m.edges:
        attrs = []
        if _label(e.lines):
            attrs.append(f"label={q(_label(e.lines))}")
        if e.kind in _DOT_EDGE_STYLE:
            attrs.append(f"style={_DOT_EDGE_STYLE[e.kind]}")
        colour = _edge_colour(e)
        if colour is not None:
            attrs.append(f'color="{colour}", fontcolor="{colour}"')
        if e.graft is not None:
            attrs.append(f"tooltip={q('grafted by ' + one_line(e.graft))}")
        tail = f" [{', '.join(attrs)}]" if attrs else ""
        out.append(f"  {q(e.source)} -> {q(e.target)}{tail};")
    out.append("}")
    return "\n".join(out) + "\n"


def _edge_colour(e: Edge) -> str | None:
    if e.graft is not None:
        return _GRAFT_COLOUR
    if e.outcome is not None:
        return _OUTCOME_COLOUR[e.outcome]
    if e.gated:
        return _GATED_COLOUR
    return None


# -- Mermaid -------------------------------------------------------------------------------------

# Characters written as themselves inside a quoted Mermaid label; every other ASCII character
# becomes a `#code;` entity. `:` is one of those because, before parsing, Mermaid drops the last
# `;` of any line matching `style.*:\S*#.*;`, which would break the entity ending that line.
# Mermaid also swaps entities for placeholders made of the four characters in
# _MERMAID_PLACEHOLDER, so those are written as entities too.
_MERMAID_SAFE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?'-_/+=()[]*@$~^"
)
_MERMAID_PLACEHOLDER = frozenset("\ufb02\u00b0\u00b6\u00df")
_MERMAID_SHAPE = {
    SCENE: ('["', '"]'),
    ROUTER: ('{"', '"}'),
    ENDING: ('(["', '"])'),
    START_MARK: ('(("', '"))'),
    RETURN_MARK: ('>"', '"]'),
    ELSEWHERE: ('["', '"]'),
    MISSING: ('["', '"]'),
}
_MERMAID_CLASS = {
    ROUTER: "router",
    ELSEWHERE: "elsewhere",
    MISSING: "missing",
    START_MARK: "marker",
    RETURN_MARK: "marker",
}
_MERMAID_ARROW = {CALL: "-.->", AFTER: "-.->", START: "==>"}
_MERMAID_CLASSES = (
    ("first", "stroke-width:3px"),
    ("router", "fill:#f3f4f6"),
    ("elsewhere", "stroke-dasharray:4 3,color:#4b5563"),
    ("missing", "fill:#fecaca,stroke:#b91c1c"),
    ("marker", "fill:#f3f4f6,font-size:10px"),
    *((tone, f"fill:{fill}") for tone, fill in _TONE_FILL.items()),
)


def mermaid_string(text: str) -> str:
    """A double-quoted Mermaid label showing `text` exactly; lines break at newlines."""
    out: list[str] = []
    for ch in clean(text):
        if ch in _MERMAID_SAFE or (ord(ch) > 127 and ch not in _MERMAID_PLACEHOLDER):
            out.append(ch)
        elif ch == "\n":
            out.append("<br>")
        else:
            out.append(f"#{ord(ch)};")
    return '"' + "".join(out) + '"'


_ID_UNSAFE = re.compile(r"[^a-z0-9_]")


def write_mermaid(m: StoryMap) -> str:
    q = mermaid_string
    ids: dict[str, str] = {}
    taken: set[str] = set()

    def ident(key: str) -> str:
        """A Mermaid id for a node: readable, unique, and never a keyword such as `end`."""
        if key not in ids:
            base = _ID_UNSAFE.sub("_", key.strip() if " " in key else "s_" + key)  # markers have a space
            name, n = base, 2
            while name in taken:
                name, n = f"{base}_{n}", n + 1
            taken.add(name)
            ids[key] = name
        return ids[key]

    for key in m.nodes:
        ident(key)
    out = [f"%% Scene graph of {_comment(m.title)} ({_comment(m.story_id)})", "flowchart TD"]

    def node(key: str, indent: str) -> str:
        n = m.nodes[key]
        opening, closing = _MERMAID_SHAPE[n.kind]
        css = n.tone or _MERMAID_CLASS.get(n.kind)
        tail = f":::{css}" if css else ""
        return f"{indent}{ids[key]}{opening}{q(_label(n.lines))[1:-1]}{closing}{tail}"

    for key in m.loose:
        out.append(node(key, "  "))
    for i, c in enumerate(m.clusters):
        out.append(f"  subgraph c{i}_{_ID_UNSAFE.sub('_', c.id)} [{q(c.label)}]")
        out.extend(node(key, "    ") for key in c.nodes)
        out.append("  end")
    styled: dict[str, list[int]] = {}
    for i, e in enumerate(m.edges):
        arrow = _MERMAID_ARROW.get(e.kind, "-->")
        text = q(_label(e.lines))
        label = f"|{text}|" if text != '""' else ""  # Mermaid rejects an empty label
        out.append(f"  {ids[e.source]} {arrow}{label} {ids[e.target]}")
        colour = _edge_colour(e)
        if colour is not None:
            styled.setdefault(colour, []).append(i)
    firsts = [ids[k] for k, n in m.nodes.items() if n.first]
    used = {n.tone or _MERMAID_CLASS.get(n.kind) for n in m.nodes.values()} | {"first" if firsts else None}
    out.extend(f"  classDef {name} {style}" for name, style in _MERMAID_CLASSES if name in used)
    if firsts:
        out.append(f"  class {','.join(firsts)} first")
    for colour, indices in styled.items():
        out.append(f"  linkStyle {','.join(map(str, indices))} stroke:{colour},color:{colour}")
    return "\n".join(out) + "\n"


def _comment(text: str) -> str:
    """Text for a `%%` comment line. Mermaid reads `%%{...}%%` directives even inside comments,
    so `%` is written as its entity; nothing else in a comment is ever parsed.

    The title is a comment, not Mermaid's front-matter `title:`, because Mermaid shows that one
    HTML-escaped (`&lt;`) whenever it contains a `<`.
    """
    return one_line(text).replace("%", "#37;")


def write(m: StoryMap, fmt: str) -> str:
    """A built map in `fmt` ("dot" or "mermaid")."""
    if fmt == "dot":
        return write_dot(m)
    if fmt == "mermaid":
        return write_mermaid(m)
    raise ValueError(f"unknown graph format {fmt!r}: use one of {', '.join(FORMATS)}")


def guess_format(path: str | None) -> str:
    """Mermaid for a `.mmd`/`.mermaid` file, DOT for anything else (`.dot`, `.gv`, or no file)."""
    return "mermaid" if path is not None and path.lower().endswith((".mmd", ".mermaid")) else "dot"
