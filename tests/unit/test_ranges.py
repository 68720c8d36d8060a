"""Stat ranges (engine/author/ranges/solve.py) and the warnings they prove (engine/author/ranges/warnings.py).

Soundness is what matters: every value a real career has must lie inside the proven range, and
nothing called impossible may ever happen. Three layers test it: expressions and conditions on
random boxes of values; random careers on the bundled stories and the rules fixture; random
careers on randomly generated stories (effects of every kind, conditions, chances, routers and
detours). The rest pins precision where the docs promise it, and the warnings' words.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.author.check import load_checked
from engine.author.ranges.domain import EITHER, FALSE, TRUE, Domain, State
from engine.author.ranges.solve import Ranges
from engine.core import expr as ex
from engine.core.model import CHANCE_MIN, Flag, Pos, Stat, Story
from engine.play.rng import SplitMix64
from engine.play.session import Session
from engine.play.state import GameState
from tests.support import DATA
from tests.support.cli import run_cli

RULES = DATA / "stories" / "rules"
BAD = DATA / "bad_stories"


# -- expressions and conditions over boxes of values --------------------------------------------

_AT = Pos("t", 1, 1)
_STORY = Story(
    "t", "T", "", "", "", "", "", "main.s",
    (Stat("a", "A", 50, 0, 100, "", _AT), Stat("b", "B", 0, -20, 30, "", _AT)),
    (Flag("f", "f is up", "", _AT), Flag("g", "g is up", "", _AT)),
    {}, {}, "t", "t",
)  # fmt: skip
_SCOPE = ex.Scope({"a", "b"}, {"f", "g"}, lambda ref: "main.s")
_DOMAIN = Domain(_STORY)

_num_leaf = st.one_of(
    st.integers(-40, 140).map(ex.Num),
    st.sampled_from([0.5, 2.5, -1.5, 0.1, 33.3]).map(ex.Num),
    st.sampled_from(["a", "b"]).map(lambda n: ex.Name(n, 0)),
    st.just(ex.Call("visits", (ex.Str("s"),), 0)),
    st.just(ex.Call("turn", (), 0)),
)


def _num(bools: Any) -> Any:
    return st.recursive(
        _num_leaf,
        lambda x: st.one_of(
            x.map(lambda v: ex.Neg(v, 0)),
            st.tuples(st.sampled_from("+ - * / // %".split()), x, x).map(lambda t: ex.Arith(*t, 0)),
            st.tuples(st.sampled_from(["min", "max"]), st.lists(x, min_size=2, max_size=3)).map(
                lambda t: ex.Call(t[0], tuple(t[1]), 0)
            ),
            st.tuples(st.sampled_from(["abs", "round", "floor", "ceil"]), x).map(
                lambda t: ex.Call(t[0], (t[1],), 0)
            ),
            st.tuples(x, x, x).map(lambda t: ex.Call("clamp", t, 0)),
            st.tuples(bools, x, x).map(lambda t: ex.Cond(*t, 0)),
        ),
        max_leaves=6,
    )


_CMP = ["<", "<=", ">", ">=", "==", "!="]
_bool_leaf = st.one_of(
    st.sampled_from(["f", "g"]).map(lambda n: ex.Name(n, 0)),
    st.booleans().map(ex.Bool),
    st.just(ex.Call("visited", (ex.Str("s"),), 0)),
)
_plain_num = _num(_bool_leaf)
_bools = st.recursive(
    st.one_of(
        _bool_leaf,
        st.tuples(st.sampled_from(_CMP), _plain_num, _plain_num).map(lambda t: ex.Cmp(*t, 0)),
        st.tuples(st.sampled_from(["==", "!="]), _bool_leaf, _bool_leaf).map(lambda t: ex.Cmp(*t, 0)),
        st.tuples(st.sampled_from(["==", "!="]), _bool_leaf, st.sampled_from(["x", "y"])).map(
            lambda t: ex.Cmp(t[0], ex.Cond(t[1], ex.Str("x"), ex.Str("y"), 0), ex.Str(t[2]), 0)
        ),
    ),
    lambda b: st.one_of(
        b.map(lambda v: ex.Not(v, 0)),
        st.tuples(st.sampled_from([ex.And, ex.Or]), b, b).map(lambda t: t[0](t[1], t[2], 0)),
    ),
    max_leaves=5,
)
_numbers = _num(_bools)


@st.composite
def _box_and_point(draw: Any) -> tuple[State, SimpleNamespace]:
    """A random abstract state and a concrete state inside it."""
    los, his, values = [], [], {}
    for name, low, high in (("a", 0, 100), ("b", -20, 30)):
        lo = draw(st.integers(low, high))
        hi = draw(st.integers(lo, high))
        los.append(lo)
        his.append(hi)
        values[name] = draw(st.integers(lo, hi))
    masks, flags = [], {}
    for name in ("f", "g"):
        mask = draw(st.sampled_from([FALSE, TRUE, EITHER]))
        masks.append(mask)
        flags[name] = draw(st.sampled_from([v for v in (False, True) if mask & (TRUE if v else FALSE)]))
    visits = {"main.s": draw(st.integers(0, 4))} if draw(st.booleans()) else {}
    point = SimpleNamespace(stats=values, flags=flags, visits=visits, turn=draw(st.integers(0, 30)))
    return State(tuple(los), tuple(his), tuple(masks)), point


def _inside(st_: State | None, point: SimpleNamespace) -> bool:
    if st_ is None:
        return False
    for i, name in enumerate(("a", "b")):
        if not st_.lo[i] <= point.stats[name] <= st_.hi[i]:
            return False
    return all(st_.flags[i] & (TRUE if point.flags[n] else FALSE) for i, n in enumerate(("f", "g")))


def _holds(value: Any, abstract: Any) -> bool:
    if isinstance(abstract, tuple):
        return abstract[0] <= value <= abstract[1]
    if isinstance(abstract, frozenset):
        return value in abstract
    return bool(abstract & (TRUE if value else FALSE))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_numbers, _box_and_point())
def test_a_number_always_lies_within_its_interval(tree: Any, where: tuple[State, SimpleNamespace]) -> None:
    box, point = where
    value = ex.compile_node(tree, _SCOPE)(point)
    assert _holds(value, _DOMAIN.value(tree, box))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_bools, _box_and_point())
def test_narrowing_by_a_condition_never_loses_a_state_where_it_holds(
    tree: Any, where: tuple[State, SimpleNamespace]
) -> None:
    box, point = where
    truth = bool(ex.compile_node(tree, _SCOPE)(point))
    assert _holds(truth, _DOMAIN.value(tree, box))
    assert _inside(_DOMAIN.refine(box, tree, truth), point)


def test_narrowing_is_exact_for_the_usual_conditions() -> None:
    box = State((0, -20), (100, 30), (EITHER, EITHER))
    cases = {
        "a >= 60": (60, 100),
        "a > 59.5": (60, 100),
        "40 < a": (41, 100),
        "a + 10 >= 60": (50, 100),
        "a - b <= -10": (0, 20),
        "a != 0": (1, 100),
    }
    for source, expected in cases.items():
        narrowed = _DOMAIN.refine(box, ex.parse(source), True)
        assert narrowed is not None and (narrowed.lo[0], narrowed.hi[0]) == expected, source
    narrowed = _DOMAIN.refine(box._replace(flags=(FALSE, EITHER)), ex.parse("f or a < 10"), True)
    assert narrowed is not None and narrowed.hi[0] == 9
    assert _DOMAIN.refine(box._replace(flags=(FALSE, EITHER)), ex.parse("f"), True) is None


# -- random careers: every value inside its range, nothing impossible ever open ----------------


def _check_career(story: Story, ranges: Ranges, seed: int, steps: int) -> int:
    """Play one seeded random career, checking the ranges at every rest; returns steps made."""
    domain = ranges.domain
    session = Session(story, seed, history=False)
    pick = SplitMix64(seed ^ 0x5EED)
    made = 0
    for made in range(steps):  # noqa: B007 - the count is returned
        state = session.state
        scene = story.scenes[state.scene]
        abstract = ranges.state.get(state.scene)
        assert _contains(domain, abstract, state), (state.scene, state.stats, state.flags, abstract)
        if session.ended or session.stuck:
            break
        assert abstract is not None
        if scene.next:
            taken = next(i for i, b in enumerate(scene.next) if b.condition is None or b.condition.fn(state))
            assert _contains(domain, ranges.branches(scene, abstract)[taken], state), scene.id
        for choice in scene.choices:
            cond = choice.condition
            is_open = cond is None or bool(cond.fn(state))
            if is_open:
                where = ranges.open_state(cond, abstract)
                assert _contains(domain, where, state), (scene.id, choice.id)
                if choice.chance is not None and where is not None:
                    lo, hi = domain.value(choice.chance.expr.tree, where)
                    assert lo <= choice.chance.expr.fn(state) <= hi
        open_ids = [c.id for c in session.choices if not c.locked]
        session.choose(open_ids[pick.below(len(open_ids))])
    return made


def _contains(domain: Domain, abstract: State | None, state: GameState) -> bool:
    if abstract is None:
        return False
    for sid, i in domain.stat_index.items():
        if not abstract.lo[i] <= state.stats[sid] <= abstract.hi[i]:
            return False
    return all(abstract.flags[i] & (TRUE if state.flags[f] else FALSE) for f, i in domain.flag_index.items())


_LOADED: dict[str, tuple[Story, Ranges]] = {}


def _solved(name: str) -> tuple[Story, Ranges]:
    if name not in _LOADED:
        result = load_checked(RULES if name == "rules" else name, ranges=True)
        assert result.story is not None and result.ranges is not None
        _LOADED[name] = (result.story, result.ranges)
    return _LOADED[name]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["demo", "magdalena", "halima", "bozena", "rules"]), st.integers(0, 2**40))
def test_random_careers_on_the_bundled_stories_stay_inside_their_ranges(name: str, seed: int) -> None:
    story, ranges = _solved(name)
    _check_career(story, ranges, seed, 120)


# -- random careers on generated stories ---------------------------------------------------------

_NUMS = ["a", "b", "3", "a + b", "a - 2 * b", "b // 3", "a % 7", "-b", "abs(b - 5)", "min(a, b + 40)",
         "max(a, 20) - 15", "clamp(b, 0, 10)", "round(a / 3)", "floor(b / 4)", "ceil(a / 6)", "a * 1.5",
         'visits("main.s1")', "turn()", "if f then a else b"]  # fmt: skip
_CONDS = ["a >= 50", "a < 35", "b > 5", "b <= -5", "a + b >= 60", "a - b < 20", "f", "not g",
          "f and a > 40", "g or b < 0", "not (a > 60 and f)", 'visited("main.s2")', "a == 50", "b != 0",
          "a >= b * 3", "clamp(a, 30, 70) > 50", "(if g then a else 0) >= 45", "turn() < 5"]  # fmt: skip
_EFFECTS = ["{a: +5}", "{a: -7}", "{b: +3}", '{b: "-(a // 10)"}', '{a: "=45"}', '{b: "=(a - 60)"}',
            '{a: "%+30"}', '{a: "%-25"}', '{b: "%+(b + 20)"}', '{a: "%-(a)"}', "{set: [f]}",
            "{clear: [f], set: [g]}", '{a: "+(b * 0.5)"}', "{b: +40}"]  # fmt: skip

_MANIFEST = """id: gen
title: Generated
start: main.s0
stats:
  a: {start: 50}
  b: {start: 0, min: -20, max: 30}
flags: [f, g]
"""


@st.composite
def _story_files(draw: Any) -> dict[str, str]:
    """A random story that loads without errors: scenes with choices, chances, `next` branches,
    routers and calls into a detour, which returns or goes on."""
    n = draw(st.integers(3, 7))
    cond = st.sampled_from(_CONDS)
    effects = st.sampled_from(_EFFECTS)
    target = st.integers(0, n)  # n is the ending

    def where(k: int) -> str:
        return "end" if k == n else f"s{k}"

    lines = ["chapter: main", "scenes:"]
    for i in range(n):
        lines.append(f"  s{i}:")
        kind = draw(st.sampled_from(["choices", "choices", "next", "router"]))
        if kind != "router":
            lines.append(f"    text: Scene {i}.")
        if draw(st.booleans()):
            lines.append(f"    effects: {draw(effects)}")
        if kind == "choices":
            lines.append("    choices:")
            for j in range(draw(st.integers(1, 3))):
                lines.append(f"      - text: Choice {j}")
                if j and draw(st.booleans()):
                    lines.append(f"        if: {draw(cond)}")
                if draw(st.booleans()):
                    lines.append(f"        effects: {draw(effects)}")
                shape = draw(st.sampled_from(["goto", "chance", "call", "call_after"]))
                if shape == "chance":
                    lines.append(f"        chance: '{draw(st.sampled_from(_NUMS))}'")
                    lines.append(
                        f"        success: {{effects: {draw(effects)}, goto: {where(draw(target))}}}"
                    )
                    lines.append(f"        failure: {{goto: {where(draw(target))}}}")
                elif shape == "call":
                    lines.append("        call: detour.d0")
                elif shape == "call_after":
                    lines.append(f"        call: detour.d0\n        goto: main.{where(draw(target))}")
                else:
                    lines.append(f"        goto: {where(draw(target))}")
        else:
            lines.append("    next:")
            lines.append(f"      - if: {draw(cond)}")
            # A router goes forward only: routers that may go round with nothing changing their
            # conditions loop forever, and are an error (E059).
            ahead = st.integers(i + 1, n) if kind == "router" else target
            lines.append(f"        goto: {where(draw(ahead))}")
            if draw(st.booleans()):
                lines.append(f"      - if: {draw(cond)}")
                lines.append("        call: detour.d0")
            lines.append(f"      - goto: {where(draw(st.integers(i + 1, n)))}")
    lines += ["  end:", "    text: The end.", "    ending: {title: End, tone: triumph}"]
    detour = [
        "chapter: detour",
        "scenes:",
        "  d0:",
        "    text: A detour.",
        f"    effects: {draw(effects)}",
        "    choices:",
        "      - text: Back",
        f"        effects: {draw(effects)}",
        "        return: true",
        "      - text: Further",
        f"        if: {draw(cond)}",
        "        goto: d1",
        "      - text: Away for good",
        f"        if: {draw(cond)}",
        f"        goto: main.{where(draw(target))}",
        "  d1:",
        "    text: Further in.",
        f"    effects: {draw(effects)}",
        "    return: true",
    ]
    return {
        "story.yaml": _MANIFEST,
        "main.yaml": "\n".join(lines) + "\n",
        "detour.yaml": "\n".join(detour) + "\n",
    }


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_story_files(), st.lists(st.integers(0, 2**40), min_size=4, max_size=4))
def test_random_careers_on_generated_stories_stay_inside_their_ranges(
    tmp_path_factory: pytest.TempPathFactory, files: dict[str, str], seeds: list[int]
) -> None:
    folder = tmp_path_factory.mktemp("gen")
    for name, text in files.items():
        (folder / name).write_text(text)
    result = load_checked(folder, cache=False, ranges=True)
    assert not result.errors, [d.format() for d in result.errors]
    assert result.story is not None and result.ranges is not None
    for seed in seeds:
        _check_career(result.story, result.ranges, seed, 60)


# -- precision that the guide promises -----------------------------------------------------------


def test_effects_are_exact_for_constant_amounts() -> None:
    story, ranges = _solved("rules")
    hub = ranges.bounds("main.hub")
    assert hub is not None
    assert hub.stats["power"] == (0, 100) and hub.stats["grace"][1] == 20
    st_ = State((40, 0), (60, 0), (FALSE, FALSE))
    d = Domain(story)
    fair = story.scenes["main.hub"].choices[1].effects  # power: %+50
    after = d.apply(fair, st_)
    assert (after.lo[0], after.hi[0]) == (70, 80)  # 40 + 60 * .5, 60 + 40 * .5


def _story(tmp_path: Path, main: str, flags: str = "[hurt]") -> Path:
    manifest = f"id: t\ntitle: T\nstart: main.a\nstats:\n  technique: {{start: 50}}\nflags: {flags}\n"
    (tmp_path / "story.yaml").write_text(manifest)
    (tmp_path / "main.yaml").write_text("chapter: main\nscenes:\n" + main)
    return tmp_path


def test_a_detour_hands_back_each_callers_own_stats(tmp_path: Path) -> None:
    story = _story(
        tmp_path,
        """  a:
    text: A.
    choices:
      - text: Low
        effects: {technique: "=10"}
        call: d
        goto: low
      - text: High
        effects: {technique: "=90"}
        call: d
        goto: high
  d:
    text: Detour.
    effects: {technique: +1}
    return: true
  low:
    text: Low.
    ending: {title: Low, tone: tragic}
  high:
    text: High.
    ending: {title: High, tone: triumph}
""",
    )
    ranges = load_checked(story, cache=False, ranges=True).ranges
    assert ranges is not None
    assert ranges.bounds("main.low").stats["technique"] == (11, 11)  # type: ignore[union-attr]
    assert ranges.bounds("main.high").stats["technique"] == (91, 91)  # type: ignore[union-attr]
    assert ranges.bounds("main.d").stats["technique"] == (11, 91)  # type: ignore[union-attr]


def test_a_loop_is_widened_and_solved_quickly(tmp_path: Path) -> None:
    story = _story(
        tmp_path,
        """  a:
    text: Train.
    choices:
      - text: Again
        effects: {technique: +1}
        goto: a
      - text: Stop when ready
        if: technique >= 95
        goto: b
  b:
    text: Done.
    ending: {title: Done, tone: triumph}
""",
        flags="[]",
    )
    result = load_checked(story, cache=False, ranges=True)
    assert result.diagnostics == []
    assert result.ranges is not None
    assert result.ranges.bounds("main.b").stats["technique"] == (95, 100)  # type: ignore[union-attr]


# -- the warnings' words -------------------------------------------------------------------------


def test_branches_below_one_that_always_applies_are_reported_once(tmp_path: Path) -> None:
    story = _story(
        tmp_path,
        """  a:
    next:
      - if: technique >= 10
        goto: b
      - if: hurt
        goto: b
      - goto: b
  b:
    text: B {technique}.
    ending: {title: B, tone: triumph}
""",
    )
    d, w104 = load_checked(story, cache=False, ranges=True).diagnostics  # `hurt` is never set: W104
    assert (d.code, d.line, w104.code) == ("W112", 7, "W104")
    assert d.message == "this branch of `next` is never taken: a branch above it always applies here"


def test_flags_and_compound_conditions_are_explained(tmp_path: Path) -> None:
    story = _story(
        tmp_path,
        """  a:
    text: A {technique}.
    choices:
      - text: Only when hurt
        if: hurt and technique > 10
        goto: b
      - text: Sum
        if: technique * 2 > 300
        goto: b
      - text: Either
        if: technique > 70 or technique < 20
        goto: b
      - text: Never
        if: 2 > 3
        goto: b
      - text: Go
        effects: {set: [hurt]}
        goto: b
  b:
    text: B.
    ending: {title: B, tone: triumph}
""",
    )
    messages = [d.message for d in load_checked(story, cache=False, ranges=True).diagnostics]
    assert messages == [
        "choice `only-when-hurt` can never be open here: only when hurt, which is never so here",
        "choice `sum` can never be open here: needs Technique * 2 above 300, but Technique * 2 can reach"
        " at most 100 here",
        "choice `either` can never be open here: needs Technique above 70, but Technique can reach at"
        " most 50 here; needs Technique below 20, but Technique is at least 50 here",
        "choice `never` can never be open here: `2 > 3` is never true",
    ]


def test_a_chance_always_at_five_percent_is_reported(tmp_path: Path) -> None:
    story = _story(
        tmp_path,
        """  a:
    text: A.
    choices:
      - text: Hope
        chance: technique - 60
        success: {goto: b}
        failure: {goto: b}
  b:
    text: B {technique}.
    ending: {title: B, tone: triumph}
""",
        flags="[]",
    )
    (d,) = load_checked(story, cache=False, ranges=True).diagnostics
    assert d.code == "W113"
    assert d.message == (
        f"chance is always {CHANCE_MIN}% here: `technique - 60` is at most -10 whenever this choice is open"
    )


def test_an_unreachable_ending_names_where_its_way_in_is_closed(tmp_path: Path) -> None:
    story = _story(
        tmp_path,
        """  a:
    text: A {technique}.
    choices:
      - text: Dream
        if: technique >= 90
        goto: r
      - text: Work
        goto: r
  r:
    next:
      - if: technique >= 40
        goto: b
      - goto: c
  b:
    text: B.
    ending: {title: B, tone: triumph}
  c:
    text: C.
    ending: {title: C, tone: tragic}
""",
        flags="[]",
    )
    w111, w112, w114 = load_checked(story, cache=False, ranges=True).diagnostics
    assert (w111.code, w111.line, w112.code, w112.line) == ("W111", 7, "W112", 15)
    assert w114.code == "W114" and w114.scene == "main.c"
    # only the branch closes the way to `c`: the impossible choice leads to a scene others reach
    assert w114.hint == f"the ways in are closed at {w112.file}:15"


def test_the_ranges_run_for_check_and_not_for_play() -> None:
    demo = load_checked("demo", cache=False)
    assert demo.ranges is None
    assert load_checked("demo", cache=False, ranges=True).ranges is not None
    broken = load_checked(BAD / "unknown_stat", cache=False, ranges=True)
    assert broken.ranges is None  # never on a story with errors


# -- the command line ----------------------------------------------------------------------------


def test_check_ranges_prints_bounds_for_each_chapter_and_ending() -> None:
    code, out = run_cli("check", "demo", "--ranges")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("demo: stat bounds, proven over every path")
    assert lines[1].split() == ["Technique", "Artistry", "Nerve", "Stamina", "Daring", "Coach", "Saule"]
    assert lines[2].startswith("  chapter “Six in the Morning”")
    podium = next(line for line in lines if "Bronze at the Club Cup" in line)
    assert podium.split()[-6:] == ["40..55", "45..60", "30..100", "0..65", "40..64", "30..50"]
    assert lines[-1] == "checked 1 story, 18 scenes: 0 errors, 0 warnings"


def test_check_json_marks_proofs_and_gives_the_bounds() -> None:
    code, out = run_cli("check", str(BAD / "ending_out_of_reach"), "--format", "json", "--ranges")
    (story,) = json.loads(out)["stories"]
    assert code == 0
    assert [(d["code"], d.get("kind")) for d in story["diagnostics"]] == [
        ("W111", "proof"),
        ("W114", "proof"),
    ]
    ranges = story["ranges"]
    assert ranges["kind"] == "bound"
    assert ranges["endings"]["main.podium"] is None
    assert ranges["endings"]["main.home"] == {"stats": {"technique": [50, 60]}, "flags": {}}
    assert ranges["chapters"]["main"]["stats"]["technique"] == [50, 60]
    _, plain = run_cli("check", str(BAD / "unknown_stat"), "--format", "json")
    assert "kind" not in json.loads(plain)["stories"][0]["diagnostics"][0]
    assert "ranges" not in json.loads(plain)["stories"][0]


def test_check_text_says_once_that_the_range_warnings_are_proofs() -> None:
    code, out = run_cli("check", str(BAD / "ending_out_of_reach"), str(BAD / "choice_never_open"))
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[1:3] for line in lines[:3]] == [["warning:", c] for c in ("W111", "W114", "W111")]
    assert lines[3] == (
        "note: W111 and W114 are proofs, over every path from the start: what they rule out never happens"
        " in any career. The limits they quote are never passed, though a career may stop short of them."
    )
    _, one = run_cli("check", str(BAD / "chance_always_capped"))
    assert "note: W113 is a proof, over every path from the start: what it rules out never happens" in one
    _, none = run_cli("check", str(BAD / "flag_never_read"))
    assert "note:" not in none


def test_check_ranges_on_a_story_with_errors_says_why_there_are_none() -> None:
    code, out = run_cli("check", str(BAD / "unknown_stat"), "--ranges")
    assert code == 1
    assert f"{BAD / 'unknown_stat'}: no stat bounds while the story has errors; fix them first" in out


def test_the_bundled_stories_have_no_range_warnings() -> None:
    for name in ("demo", "magdalena", "halima", "bozena"):
        assert load_checked(name, ranges=True).diagnostics == [], name
