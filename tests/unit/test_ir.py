"""The IR (engine/load/ir.py): what the parser writes is the shape the linker is typed to read."""

from __future__ import annotations

import inspect
import marshal
from pathlib import Path
from typing import Any

import pytest

from engine.core import expr as ex
from engine.load import ir as irt
from engine.load import link
from engine.load.folder import MANIFEST, story_files
from engine.load.parse import parse_file
from tests.support import BAD_STORIES, ROOT, STORIES

_FOLDERS = [*sorted((ROOT / "stories").iterdir()), *sorted(STORIES.iterdir()), *sorted(BAD_STORIES.iterdir())]
_FILES = [(folder, path) for folder in _FOLDERS if folder.is_dir() for path in story_files(folder)]


def _mapping(value: Any, shape: Any, where: str) -> None:
    assert isinstance(value, dict), where
    assert value.keys() >= shape.__required_keys__, (where, shape.__required_keys__ - value.keys())
    assert value.keys() <= shape.__required_keys__ | shape.__optional_keys__, where


def _record(value: Any, length: int, where: str) -> None:
    assert type(value) is tuple and len(value) == length, (where, value)


def _expr(value: Any, where: str) -> None:
    assert type(value) is tuple and len(value) in (4, 5), (where, value)
    source, line, col, data = value[:4]
    assert isinstance(source, str) and isinstance(line, int) and isinstance(col, int), where
    ex.from_data(data)  # a tree the linker can decode
    if len(value) == 5:  # where a wrapped or escaped expression's characters jump: never empty
        anchors = value[4]
        assert type(anchors) is tuple and anchors and len(anchors) % 3 == 0, (where, anchors)
        assert all(isinstance(n, int) for n in anchors), where


def _route(value: Any, where: str) -> None:
    _record(value, 5, where)
    for ref in value[1:3]:
        if ref is not None:
            _record(ref, 3, where)


def _effects(values: Any, where: str) -> None:
    for effect in values:
        _record(effect, 6, where)
        if isinstance(effect[2], tuple):
            _expr(effect[2], where)


def _template(value: Any, where: str) -> None:
    assert type(value) is tuple, where
    for para in value:
        if not isinstance(para, str):
            _pieces(para, where)


def _pieces(pieces: Any, where: str) -> None:
    for style, piece in pieces:
        assert isinstance(style, int), where
        if isinstance(piece, str):
            continue
        if piece and piece[0] == "~":  # a variation: tag, kind, line, col, each fragment's pieces
            _tag, kind, line, col, fragments = piece
            assert isinstance(kind, str) and type(line) is int and type(col) is int, where
            for fragment in fragments:
                _pieces(fragment, where)
        else:
            _expr(piece, where)


def _choice(c: Any, where: str) -> None:
    _mapping(c, irt.ChoiceIR, where)
    for key in ("text", "milestone"):
        if c.get(key) is not None:
            _template(c[key], where)
    if "if" in c:
        _expr(c["if"], where)
    _effects(c.get("effects", []), where)
    if "route" in c:
        _route(c["route"], where)
    if "chance" in c:
        _mapping(c["chance"], irt.ChanceIR, where)
        _expr(c["chance"]["expr"], where)
        for side in ("success", "failure"):
            outcome = c["chance"][side]
            _mapping(outcome, irt.OutcomeIR, where)
            _route(outcome["route"], where)
            _effects(outcome["effects"], where)


def _check_file(ir: Any, where: str) -> None:
    _mapping(ir, irt.FileIR, where)
    assert ir["v"] == irt.IR_VERSION
    for problem in ir["problems"]:
        _record(problem, 6, where)
    if ir["manifest"] is not None:
        m = ir["manifest"]
        _mapping(m, irt.ManifestIR, where)
        for stat in m["stats"]:
            _record(stat, 11, where)
        for flag in m["flags"]:
            _record(flag, 5, where)
        if m["start"] is not None:
            _record(m["start"], 3, where)
        for person in m.get("cast", ()):
            _mapping(person, irt.PersonIR, where)
            if "stat" in person:
                _record(person["stat"], 3, where)
    for stat in ir.get("stats", ()):  # a chapter file's own
        _record(stat, 11, where)
    for flag in ir.get("flags", ()):
        _record(flag, 5, where)
    if ir["chapter"] is not None:
        _mapping(ir["chapter"], irt.ChapterIR, where)
    for scene in ir["scenes"]:
        _mapping(scene, irt.SceneIR, where)
        for key in ("text", "revisit", "milestone"):
            if key in scene:
                _template(scene[key], where)
        _effects(scene.get("effects", []), where)
        for c in scene.get("choices", []):
            _choice(c, where)
        for branch in scene.get("next", []):
            _record(branch, 4, where)
            if branch[0] is not None:
                _expr(branch[0], where)
            _route(branch[1], where)
        if scene.get("ending") is not None:
            _mapping(scene["ending"], irt.EndingIR, where)
    for graft in ir["grafts"]:
        _mapping(graft, irt.GraftIR, where)
        for c in graft["choices"]:
            _choice(c, where)


@pytest.mark.parametrize(("folder", "path"), _FILES, ids=[str(p.relative_to(ROOT)) for _, p in _FILES])
def test_every_file_parses_into_the_declared_shapes(folder: Path, path: Path) -> None:
    ir = parse_file(path.read_bytes(), path.relative_to(folder).as_posix() == MANIFEST)
    _check_file(ir, str(path))
    assert repr(marshal.loads(marshal.dumps(ir))) == repr(ir)  # what the cache stores, exactly


def test_the_linker_exports_only_its_own_names() -> None:
    for name in link.__all__:
        obj = getattr(link, name)
        assert inspect.isclass(obj) or inspect.isfunction(obj), name
        assert obj.__module__ == link.__name__, name
