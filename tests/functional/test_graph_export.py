"""`main.py graph`: the scene graph in DOT and Mermaid, exact for a tiny story, valid for any text."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.author.export import (
    CALL,
    ELSEWHERE,
    MISSING,
    UnknownChapter,
    build,
    dot_string,
    mermaid_string,
    short,
    write,
    write_dot,
    write_mermaid,
)
from engine.core.model import Branch, Chance, Chapter, Choice, Ending, Expr, Outcome, Pos, Route, Scene, Story
from engine.core.template import link
from tests.support import DATA
from tests.support.cli import run_cli

EXPECTED = DATA / "graph"
BAD = DATA / "bad_stories"
AT = Pos("t.yaml", 1, 1)


# -- a story built in code, so every text can be anything --------------------------------------


def _expr(source: str) -> Expr:
    return Expr(source, AT, ("bool", True), "bool", lambda state: True)


def _goto(target: str, after: str | None = None, kind: str = "goto") -> Route:
    return Route(kind, target, after, AT)


def _choice(cid: str, text: str, route: Route | None = None, **extra: object) -> Choice:
    options: dict[str, object] = {"condition": None, "show_locked": False, "chance": None, "graft": None}
    options.update(extra)
    return Choice(
        cid,
        link([text], iter(())),
        options["condition"],  # type: ignore[arg-type]
        options["show_locked"],  # type: ignore[arg-type]
        None,
        (),
        route,
        options["chance"],  # type: ignore[arg-type]
        AT,
        options["graft"],  # type: ignore[arg-type]
    )


def _scene(sid: str, title: str, *, text: bool = True, **parts: object) -> Scene:
    return Scene(
        sid,
        sid.split(".")[0],
        title,
        link(["Some text."], iter(())) if text else None,
        (),
        parts.get("choices", ()),  # type: ignore[arg-type]
        parts.get("next", ()),  # type: ignore[arg-type]
        parts.get("continue_label", "Continue"),  # type: ignore[arg-type]
        parts.get("ending"),  # type: ignore[arg-type]
        AT,
    )


def tiny_story(
    title: str = "Tiny",
    chapter_titles: tuple[str, str] = ("The Rink", "Detours"),
    scene_title: str = "First Ice",
    choice_text: str = "Skate the program",
    condition: str = "grace >= 3",
    chance: str = "grace * 10",
    branch: str = "grace > 5",
    graft: str = "branches/extra.yaml",
    ending: str = "Gold",
    continue_label: str = "Look up",
) -> Story:
    """Every kind of node and edge once: a start, a locked choice, a hidden grafted one, a chance
    whose failure calls a detour, a router with a fallback, a return and an ending."""
    rink = (
        _scene(
            "rink.first",
            scene_title,
            choices=(
                _choice(
                    "skate", choice_text, _goto("rink.router"), condition=_expr(condition), show_locked=True
                ),
                _choice(
                    "jump",
                    "Jump",
                    chance=Chance(
                        _expr(chance),
                        Outcome((), _goto("rink.router"), None, AT),
                        Outcome((), _goto("detour.fall", "rink.router", kind="call"), None, AT),
                    ),
                ),
                _choice("rest", "Rest", _goto("detour.fall", kind="call"), condition=_expr("not tired")),
                _choice("extra", "From a branch", _goto("rink.gold"), graft=graft),
            ),
        ),
        _scene(
            "rink.router",
            "Router",
            text=False,
            next=(Branch(_expr(branch), _goto("rink.gold"), AT), Branch(None, _goto("rink.first"), AT)),
        ),
        _scene("rink.gold", "Podium", ending=Ending(ending, "new_path", AT)),
    )
    fall = _scene(
        "detour.fall",
        "A Fall",
        continue_label=continue_label,
        next=(Branch(None, Route("return", None, None, AT), AT),),
    )
    return Story(
        "tiny",
        title,
        "",
        "",
        "",
        "1",
        "",
        "rink.first",
        (),
        (),
        {
            "rink": Chapter("rink", "training", chapter_titles[0], AT),
            "detour": Chapter("detour", "setback", chapter_titles[1], AT),
        },
        {s.id: s for s in (*rink, fall)},
        "",
        "",
    )


# -- exact output for the tiny story -------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("dot", "tiny.dot"), ("mermaid", "tiny.mmd")])
def test_the_tiny_story_exports_exactly(fmt: str, name: str) -> None:
    assert write(build(tiny_story()), fmt) == (EXPECTED / name).read_text(encoding="utf-8")


def test_the_map_shows_every_kind_of_route() -> None:
    m = build(tiny_story())
    seen = [(e.source, e.target, e.kind, e.lines, e.gated, e.graft, e.outcome) for e in m.edges]
    graft = "branches/extra.yaml"
    assert seen == [
        ("start ", "rink.first", "start", (), False, None, None),
        (
            "rink.first",
            "rink.router",
            "choice",
            ("Skate the program", "[locked unless grace >= 3]"),
            True,
            None,
            None,
        ),
        (
            "rink.first",
            "rink.router",
            "choice",
            ("Jump", "chance grace * 10: success"),
            False,
            None,
            "success",
        ),
        (
            "rink.first",
            "detour.fall",
            CALL,
            ("Jump", "chance grace * 10: failure", "detour"),
            False,
            None,
            "failure",
        ),
        ("rink.first", "rink.router", "after", ("after the detour “A Fall”",), False, None, "failure"),
        (
            "rink.first",
            "detour.fall",
            CALL,
            ("Rest", "[only if not tired]", "detour, then back here"),
            True,
            None,
            None,
        ),
        ("rink.first", "rink.gold", "choice", ("From a branch", f"grafted by {graft}"), False, graft, None),
        ("rink.router", "rink.gold", "next", ("[if grace > 5]",), False, None, None),
        ("rink.router", "rink.first", "next", ("[otherwise]",), False, None, None),
        ("detour.fall", "return detour.fall", "return", ("Look up",), False, None, None),
    ]
    assert m.nodes["rink.gold"].lines == ("Podium", "rink.gold", "ending: Gold (new path)")
    assert m.nodes["rink.router"].kind == "router" and m.nodes["return detour.fall"].kind == "return"
    assert m.nodes["rink.first"].first and not m.nodes["rink.gold"].first
    assert [c.id for c in m.clusters] == ["rink", "detour"] and m.loose == ("start ",)
    assert m.clusters[1].nodes == ("detour.fall", "return detour.fall")
    assert m.scene_count == 4


def test_the_same_story_always_gives_the_same_bytes() -> None:
    story = load_checked("demo").story
    assert story is not None
    assert write_dot(build(story)) == write_dot(build(story))
    assert write_mermaid(build(story)) == write_mermaid(build(story))


def test_chapters_come_in_the_order_play_reaches_them() -> None:
    story = load_checked("demo").story
    assert story is not None
    assert next(iter(story.chapters)) == "medeu"  # a branch's chapter, first in the files
    assert [c.id for c in build(story).clusters] == ["training", "setback", "competition", "medeu"]


def test_one_chapter_shows_where_it_leads_and_where_it_is_entered_from() -> None:
    m = build(tiny_story(), chapter="detour")
    assert [c.id for c in m.clusters] == ["detour"]
    outside = {k for k, n in m.nodes.items() if n.kind == ELSEWHERE}
    assert outside == {"rink.first"}  # the caller; the return goes to the caller, not elsewhere
    assert all("detour.fall" in (e.source, e.target) or e.kind == "return" for e in m.edges)
    assert "start " not in m.nodes  # the story does not start in this chapter
    with pytest.raises(UnknownChapter, match=r"no chapter called 'nope' \(chapters: rink, detour\)"):
        build(tiny_story(), chapter="nope")


def test_a_target_that_is_not_in_the_story_is_drawn_as_missing() -> None:
    story = tiny_story()
    gold = story.scenes["rink.gold"]
    lost = _scene("rink.gold", "Podium", choices=(_choice("on", "On", _goto("rink.nowhere")),))
    m = build(replace(story, scenes={**story.scenes, gold.id: lost}))
    assert m.nodes["rink.nowhere"].kind == MISSING and m.nodes["rink.nowhere"].lines == (
        "missing scene",
        "rink.nowhere",
    )
    assert "rink.nowhere" in m.loose
    assert 'fillcolor="#fecaca"' in write_dot(m) and ":::missing" in write_mermaid(m)


def test_long_choice_texts_are_cut_at_a_word() -> None:
    assert short("Skip the rest of the week and go back to school friends") == (
        "Skip the rest of the week and go back…"
    )
    assert short("x" * 50) == "x" * 39 + "…"
    assert short("  short\n  text ") == "short text"


# -- escaping: any text stays inside its string --------------------------------------------------

NASTY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\"\\\n\r\t<>{}[]|#;&%`:'-—é漢🙂 ﬂ°¶ß\x00\x1b\u202e")),
        st.characters(codec="utf-8"),
    ),
    max_size=24,
)


def _dot_strings(line: str) -> tuple[str, list[str]]:
    """A DOT line with each quoted string replaced by S, and the strings' shown text."""
    shown: list[str] = []

    def one(m: re.Match[str]) -> str:
        shown.append(re.sub(r"\\(.)", lambda e: "\n" if e.group(1) == "n" else e.group(1), m.group(1)))
        return "S"

    return re.sub(r'"((?:[^"\\\n]|\\.)*)"', one, line), shown


_DOT_LINE = re.compile(
    r"(digraph S \{|  (graph|node|edge) \[[^\"]*\];|\s+graph \[[^\"]*\];|\s+S \[[^\"]*\];|"
    r"  S -> S( \[[^\"]*\])?;|  subgraph S \{|  \}|\})\Z"
)


def _mermaid_strings(line: str) -> tuple[str, list[str]]:
    shown: list[str] = []

    def one(m: re.Match[str]) -> str:
        body = m.group(1)
        assert re.fullmatch(r"(?:[A-Za-z0-9 .,!?'\-_/+=()\[\]*@$~^]|#\d+;|<br>|[^\x00-\x7f])*", body), body
        shown.append(html.unescape(body.replace("<br>", "\n").replace("#", "&#")))
        return "S"

    return re.sub(r'"([^"\n]*)"', one, line), shown


_ID = r"[a-z0-9_]+"
_MERMAID_LINE = re.compile(
    rf"(%% Scene graph of [^%\n]* \(tiny\)|flowchart TD|  end|"
    rf"\s+{_ID}(\[S\]|\{{S\}}|\(\[S\]\)|\(\(S\)\)|>S\])(:::{_ID})?|"
    rf"  subgraph {_ID} \[S\]|  {_ID} (-->|-\.->|==>)(\|S\|)? {_ID}|"
    rf"  classDef {_ID} [^\s\"]+( [^\s\"]+)*|  class [a-z0-9_,]+ first|  linkStyle [0-9,]+ [^\s\"]+)\Z"
)


def _texts(*parts: str) -> set[str]:
    return {" ".join(p.replace("\x00", "").split()) for p in parts}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NASTY, NASTY, NASTY, NASTY, NASTY, NASTY, NASTY)
@example('":"', "", "", "", "", "", "")  # quotes and a colon in the title: its comment line keeps them
@example('""', "", "", "", "", "", "")
def test_any_text_keeps_both_formats_well_formed(
    title, chapter, scene, choice, condition, ending, label
) -> None:  # type: ignore[no-untyped-def]
    story = tiny_story(
        title, (chapter, "Detours"), scene, choice, condition, ending=ending, continue_label=label
    )
    dot = write_dot(build(story))
    assert dot.endswith("}\n")
    depth = 0
    for line in dot.splitlines():
        skeleton, _ = _dot_strings(line)
        assert _DOT_LINE.match(skeleton), line
        depth += skeleton.count("{") - skeleton.count("}")
        assert depth >= 0
    assert depth == 0
    mermaid = write_mermaid(build(story))
    comment, *graph = mermaid.splitlines()
    # The first line is a `%%` comment: Mermaid parses nothing in it but a `%%{` directive, so the
    # title stands there as written (quotes and colons included), with only `%` escaped.
    assert _MERMAID_LINE.match(comment) and comment.count("%") == 2, comment
    for line in graph:
        skeleton, _ = _mermaid_strings(line)
        assert _MERMAID_LINE.match(skeleton), line
    assert mermaid.count("\n  subgraph ") == mermaid.count("\n  end\n")
    body = "\n".join(graph)
    assert '""' not in body and "<br>" + '"' not in body  # Mermaid refuses an empty label


def test_a_label_with_nothing_to_show_is_left_out() -> None:
    story = tiny_story(scene_title="", continue_label=" \x00 ")
    mermaid = write_mermaid(build(story))
    assert "  s_detour_fall --> return_detour_fall\n" in mermaid  # not -->|""|, which Mermaid refuses
    assert 's_rink_first["rink.first"]' in mermaid  # no empty first line
    dot = write_dot(build(story))
    assert '"detour.fall" -> "return detour.fall";' in dot
    assert '"rink.first" [label="rink.first",' in dot


@given(NASTY)
def test_escaped_labels_read_back_as_the_text(text: str) -> None:
    from engine.core.textsafe import clean

    expected = clean(text)
    _, (shown,) = _dot_strings(dot_string(text))
    assert shown == "\n".join(clean(line) for line in text.split("\n"))
    body = mermaid_string(text)
    assert body.count('"') == 2
    _, (shown,) = _mermaid_strings(body)
    assert shown == expected


def test_escaping_handles_each_hazard() -> None:
    assert dot_string('say "hi" \\n\nnext') == '"say \\"hi\\" \\\\n\\nnext"'
    assert mermaid_string('a "b" <i> #1; {x}|y%') == (
        '"a #34;b#34; #60;i#62; #35;1#59; #123;x#125;#124;y#37;"'
    )
    assert mermaid_string("line\nbreak: ok") == '"line<br>break#58; ok"'
    assert mermaid_string("Straße 漢") == '"Stra#223;e 漢"'  # ß is one of Mermaid's own placeholders


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_graphviz_renders_the_demo_and_shows_labels_exactly() -> None:
    story = load_checked("demo").story
    assert story is not None
    dot = write_dot(build(story))
    done = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "Ending: " not in done.stdout and "Bronze at the Club Cup (triumph)" in done.stdout
    nasty = tiny_story(scene_title='a "quoted" \\N title <b>{x}|y</b>')
    dot = write_dot(build(nasty))
    done = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    shown = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", done.stdout)]
    assert 'a "quoted" \\N title <b>{x}|y</b>' in shown


# -- the command ---------------------------------------------------------------------------------


def test_graph_prints_dot_by_default_and_mermaid_on_request() -> None:
    code, out = run_cli("graph", "demo")
    assert code == 0 and out.startswith('digraph "demo" {\n') and out.endswith("}\n")
    code, out = run_cli("graph", "demo", "--format", "mermaid", "--chapter", "setback")
    assert code == 0 and out.startswith("%% Scene graph of The Club Cup (demo)\nflowchart TD\n")
    assert "s_setback_ankle" in out and "s_competition_warmup" not in out  # callers only, shown as elsewhere


def test_graph_writes_a_file_and_guesses_the_format_from_its_name(tmp_path: Path) -> None:
    target = tmp_path / "demo.mmd"
    code, out = run_cli("graph", "demo", "--out", str(target))
    assert code == 0 and out == f"Wrote the map of demo (18 scenes, 33 edges) to {target} as mermaid.\n"
    assert target.read_text(encoding="utf-8").startswith("%% Scene graph of The Club Cup (demo)\n")
    code, out = run_cli("graph", "demo", "--out", str(tmp_path / "demo.gv"))
    assert code == 0 and (tmp_path / "demo.gv").read_text(encoding="utf-8").startswith("digraph")


def test_graph_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    code, out = run_cli("graph", "demo", "--chapter", "nowhere")
    assert code == 2
    assert out == "error: no chapter called 'nowhere' (chapters: medeu, competition, setback, training)\n"
    code, out = run_cli("graph", "nowhere")
    assert code == 2 and out.startswith("error: no story called 'nowhere'")
    code, out = run_cli("graph", "demo", "--out", str(tmp_path / "missing" / "x.dot"))
    assert code == 2 and out.startswith(f"error: cannot write {tmp_path / 'missing' / 'x.dot'}: ")


def test_a_story_with_errors_is_mapped_as_far_as_it_loaded(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli("graph", str(BAD / "unknown_stat"))
    assert code == 1 and out.startswith("digraph ")  # the map on stdout stays clean for a pipe
    err = capsys.readouterr().err
    assert err == (
        f"note: {BAD / 'unknown_stat'} has 1 error; the map shows what loaded."
        f" Run `main.py check {BAD / 'unknown_stat'}` for the details.\n"
    )
    code, out = run_cli("graph", str(BAD / "no_manifest"))
    assert code == 1 and "cannot be mapped" in out


def test_a_mermaid_map_past_mermaids_limits_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import engine.author.export as graph_export

    monkeypatch.setattr(graph_export, "MERMAID_LIMITS", (1000, 10))
    code, out = run_cli("graph", "demo", "--format", "mermaid")
    assert code == 0 and out.startswith("%% Scene graph of")
    assert capsys.readouterr().err == (
        f"note: this map has {len(out):,} characters and 33 edges; Mermaid draws at most 1,000 and 10"
        " unless maxTextSize and maxEdges are raised where it is rendered. A single --chapter is smaller.\n"
    )
    code, out = run_cli("graph", "demo", "--format", "dot")
    assert code == 0 and capsys.readouterr().err == ""  # Graphviz has no such limits


def test_once_only_and_fallback_choices_are_marked_on_the_map() -> None:
    code, out = run_cli("graph", "demo", "--format", "mermaid", "--chapter", "training")
    assert code == 0
    assert '|"Ask how long it took her to land one<br>[once only]"| s_training_triple_talk' in out
    assert '|"Go back to the double<br>[when nothing else is open]"| s_training_early_ice' in out


# -- pictures: `--out map.svg` is drawn by Graphviz or refused, never DOT text in a .svg -----------

NO_DOT = (
    "is a picture, and drawing one needs Graphviz's `dot`, which is not installed: install Graphviz,"
    " or write `--out map.dot` and draw it elsewhere with `dot -Tsvg map.dot -o map.svg`"
)


def _fake_dot(folder: Path, script: str) -> Path:
    """A stand-in `dot` on PATH: the command line and input it is given are Graphviz's contract."""
    folder.mkdir()
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\n" + script)
    dot.chmod(0o755)
    return folder


@pytest.mark.parametrize("name", ["map.svg", "MAP.PNG", "map.pdf"])
def test_a_picture_is_refused_without_graphviz(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    out = tmp_path / name
    code, shown = run_cli("graph", "demo", "--out", str(out))
    assert (code, shown) == (2, f"error: {out} {NO_DOT}\n")
    assert not out.exists()


def test_a_mermaid_picture_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "map.svg"
    code, shown = run_cli("graph", "demo", "--format", "mermaid", "--out", str(out))
    assert code == 2 and not out.exists()
    assert shown == (
        f"error: {out} is a picture, and graph draws pictures with Graphviz only:"
        " write a Mermaid map to a .mmd file\n"
    )


def test_a_picture_is_drawn_by_dot_from_the_dot_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_ = _fake_dot(
        tmp_path / "bin", 'printf "%s\\n" "$@" > "$0.args"\ncat > "$0.input"\necho "<svg/>" > "$3"\n'
    )
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}{os.environ['PATH']}")  # the stand-in first
    out = tmp_path / "map.svg"
    code, shown = run_cli("graph", "demo", "--out", str(out))
    assert code == 0, shown
    assert shown.endswith(f" to {out} as svg, drawn by Graphviz.\n")
    assert out.read_text() == "<svg/>\n"
    assert (bin_ / "dot.args").read_text().splitlines() == ["-Tsvg", "-o", str(out)]
    story = load_checked("demo").story
    assert story is not None
    assert (bin_ / "dot.input").read_text() == write_dot(build(story))


def test_a_failure_of_dot_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(_fake_dot(tmp_path / "bin", "echo 'Error: bad layout' >&2\nexit 1\n")))
    code, shown = run_cli("graph", "demo", "--out", str(tmp_path / "map.svg"))
    assert (code, shown) == (2, f"error: Graphviz could not draw {tmp_path / 'map.svg'}: Error: bad layout\n")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_graphviz_draws_an_svg_file(tmp_path: Path) -> None:
    out = tmp_path / "map.svg"
    assert run_cli("graph", "demo", "--out", str(out))[0] == 0
    assert "<svg" in out.read_text() and "digraph" not in out.read_text()
