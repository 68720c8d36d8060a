"""The typed expression tree: its wire form for the load cache, walks, and the package's API."""

from __future__ import annotations

import marshal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.core import expr as ex
from engine.core.errors import PointeEdgeError
from engine.core.template import TemplateError

_offsets = st.integers(0, 1000)
_leaves = st.one_of(
    st.one_of(st.integers(-(10**15), 10**15), st.floats(allow_nan=False, allow_infinity=False)).map(ex.Num),
    st.text(max_size=8).map(ex.Str),
    st.booleans().map(ex.Bool),
    st.builds(ex.Name, st.text(max_size=8), _offsets),
)


def _branches(x: Any) -> Any:
    ops = st.sampled_from(["+", "-", "*", "/", "//", "%", "<", "<=", ">", ">=", "==", "!="])
    return st.one_of(
        st.builds(ex.Neg, x, _offsets),
        st.builds(ex.Not, x, _offsets),
        st.builds(ex.And, x, x, _offsets),
        st.builds(ex.Or, x, x, _offsets),
        st.builds(ex.Arith, ops, x, x, _offsets),
        st.builds(ex.Cmp, ops, x, x, _offsets),
        st.builds(ex.Cond, x, x, x, _offsets),
        st.builds(ex.Call, st.text(max_size=8), st.lists(x, max_size=3).map(tuple), _offsets),
    )


_trees = st.recursive(_leaves, _branches, max_leaves=12)


@given(_trees)
def test_the_wire_form_gives_back_exactly_the_tree(tree: ex.Node) -> None:
    data = ex.to_data(tree)
    back = ex.from_data(data)
    assert back == tree
    assert repr(back) == repr(tree)  # field for field: 1.0 stays a float, -0.0 keeps its sign
    assert ex.to_data(back) == data


@given(_trees)
def test_the_wire_form_is_plain_data_that_marshal_keeps(tree: ex.Node) -> None:
    data = ex.to_data(tree)
    assert repr(marshal.loads(marshal.dumps(data))) == repr(data)
    assert ex.from_data(marshal.loads(marshal.dumps(data))) == tree


def test_the_wire_form_is_the_tagged_tuples_the_cache_stores() -> None:
    tree = ex.parse('if technique >= 60 and not injured then "calm" else "tense"')
    assert ex.to_data(tree) == (
        "cond",
        (
            "and",
            ("cmp", ">=", ("name", "technique", 3), ("num", 60), 13),
            ("not", ("name", "injured", 27), 23),
            19,
        ),
        ("str", "calm"),
        ("str", "tense"),
        0,
    )


def test_an_unknown_wire_tag_is_refused() -> None:
    with pytest.raises(ValueError, match="not an expression node"):
        ex.from_data(("lambda", "x"))


def test_parsing_builds_typed_nodes_with_offsets() -> None:
    assert ex.parse("max(technique, 2) > -1") == ex.Cmp(
        ">", ex.Call("max", (ex.Name("technique", 4), ex.Num(2)), 0), ex.Num(-1), 18
    )
    assert ex.parse('if injured then "x"') == ex.Cond(ex.Name("injured", 3), ex.Str("x"), ex.Str(""), 0)


def test_nodes_are_frozen_and_hashable() -> None:
    tree = ex.parse("technique + 1")
    assert {tree: 1}[ex.parse("technique + 1")] == 1
    with pytest.raises(AttributeError):
        tree.op = "-"  # type: ignore[misc]


def test_walks_go_in_the_order_written() -> None:
    tree = ex.parse('clamp(b + a, if f then c else d, visits("s")) > min(e, 1)')
    assert ex.names_in(tree) == ["b", "a", "f", "c", "d", "e"]
    assert [type(n).__name__ for n in ex.walk(ex.parse("-(a * 2)"))] == ["Neg", "Arith", "Name", "Num"]


def test_a_source_parsed_again_shares_its_tree_and_errors_are_raised_again() -> None:
    assert ex.parse("stamina >= 40") is ex.parse("stamina >= 40")
    for _ in range(2):
        with pytest.raises(ex.ExprError):
            ex.parse("stamina >=")


def test_the_language_errors_are_pointe_edge_errors_with_their_fields() -> None:
    with pytest.raises(PointeEdgeError) as info:
        ex.parse("a ** 2")
    assert isinstance(info.value, ex.ExprError)
    assert (info.value.offset, info.value.code) == (2, "E040")
    assert issubclass(TemplateError, PointeEdgeError)
    err = TemplateError("bad", 3, "a hint")
    assert (err.message, err.offset, err.hint, err.code) == ("bad", 3, "a hint", "E046")


def test_the_package_exports_exactly_its_public_names() -> None:
    modules = {"compiler", "nodes", "syntax", "typecheck", "values"}
    public = {n for n in vars(ex) if not n.startswith("_") and n not in modules}
    assert set(ex.__all__) == public
    assert len(ex.__all__) == len(set(ex.__all__))
