"""What docs/saves.md promises about two games, exports and plain mode, kept by tests.

- Two games continuing one career: the second to save finds the file changed since it read it,
  forks the career (a new id, both kept) and says so in one line: in the store, the app (Pilot)
  and plain mode. The two-process version is tests/functional/test_two_games_one_career.py.
- `saves export --out` never writes over a file without asking (or `--force`), and never
  writes inside the save folder.
- Plain mode saves like the app, to `--saves`, and says where; a folder it cannot use is said
  in one line and play goes on.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from engine.cli.plain import PlainGame
from engine.cli.plain_saves import PlainSaves
from engine.play.session import Session
from engine.saves.format import Career, now
from engine.saves.record import Recorder, resume
from engine.saves.store import ExportExists, SaveStore
from engine.tui.app import PointeEdgeApp
from tests.support.app import drive, notices, play, saved_career
from tests.support.cli import run_cli
from tests.support.stories import story

FORKED = "Another copy of the game saved this career"


def _career(seed: int = 3, steps: int = 2) -> Career:
    session = Session(story("demo"), seed)
    recorder = Recorder(session)
    for _ in range(steps):
        session.choose(session.open_choices()[0])
    return recorder.career()


def _played_on(store: SaveStore, career_id: str, choices: int = 1) -> Career:
    """What a game that Continued the career (through `store`) saves after more choices."""
    career = store.load(career_id)
    resumed = resume(story("demo"), career)
    recorder = Recorder(resumed.session, career.id, career.created)
    for _ in range(choices):
        resumed.session.choose(resumed.session.open_choices()[-1])
    return recorder.career()


# -- two games, one career -----------------------------------------------------------------------


def test_the_second_game_to_save_a_career_forks_it_and_both_are_kept(tmp_path: Path) -> None:
    first = _career()
    SaveStore(tmp_path).save(first)
    a, b = SaveStore(tmp_path), SaveStore(tmp_path)
    a_career, b_career = _played_on(a, first.id, 1), _played_on(b, first.id, 2)
    assert a.save(a_career).note is None  # the first to save goes on under the id
    saved = b.save(b_career)
    assert saved.id != first.id and saved.note is not None and saved.note.startswith(FORKED)
    assert "\n" not in saved.note and saved.id[:8] in saved.note
    again = b.save(dataclasses.replace(b_career, updated=now()))  # later saves go to the fork
    assert again == dataclasses.replace(saved, note=None)
    reader = SaveStore(tmp_path)
    assert reader.load(first.id).steps == a_career.steps
    assert reader.load(saved.id).steps == b_career.steps and reader.load(saved.id).autosave
    assert len(reader.list()) == 2


def test_a_game_saves_over_its_own_career_and_over_one_deleted_meanwhile(tmp_path: Path) -> None:
    career = _career()
    store = SaveStore(tmp_path)
    for n in range(3):
        assert store.save(dataclasses.replace(career, updated=f"{n}")).id == career.id
    SaveStore(tmp_path).delete(career.id)  # another game deleted it: nothing to lose
    assert store.save(career).id == career.id and store.save(career).note is None


def test_the_app_says_in_one_line_that_a_career_was_forked(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    career = saved_career(saves, "demo", 3, ["ask_coach"])

    async def steps(app: PointeEdgeApp, pilot: Pilot[Any]) -> None:
        await pilot.click("#continue")
        await pilot.pause()
        other = SaveStore(saves)  # a second copy of the game continues it too, and saves first
        other.save(_played_on(other, career.id))
        play(app).choose(play(app).session.open_choices()[0])
        await pilot.pause()
        assert app.shelf.autosaver is not None and app.shelf.autosaver.flush(5)
        await pilot.pause()

    app = drive(steps, tmp_path)
    said = [line for line in notices(app) if line.startswith(FORKED)]
    assert len(said) == 1 and "\n" not in said[0] and "Both are kept" in said[0]
    assert len(SaveStore(saves).list()) == 2


class _OtherGameMeanwhile(io.StringIO):
    """Plain mode's input: before the second answer, another game saves the same career."""

    def __init__(self, saves: Path, game: list[PlainGame]):
        super().__init__()
        self.saves, self.game, self.answers = saves, game, ["1", "1", "q"]

    def readline(self, *args: Any) -> str:  # type: ignore[override]
        if len(self.answers) == 2:
            saves = self.game[0].saves
            assert saves is not None and saves.saved_id is not None
            other = SaveStore(self.saves)
            other.save(_played_on(other, saves.saved_id))
        return self.answers.pop(0) + "\n"


def test_plain_mode_says_in_one_line_that_a_career_was_forked(tmp_path: Path) -> None:
    out, holder = io.StringIO(), list[PlainGame]()
    session = Session(story("demo"), 3)
    game = PlainGame(session, out, _OtherGameMeanwhile(tmp_path, holder))
    game.saves = PlainSaves(SaveStore(tmp_path), session, game.say)
    holder.append(game)
    assert game.run() == 0
    lines = [line for line in out.getvalue().splitlines() if FORKED in line]
    assert len(lines) == 1 and lines[0].removeprefix("> ").startswith(f"note: {FORKED}")
    assert len(SaveStore(tmp_path).list()) == 2


# -- export ------------------------------------------------------------------------------------


def test_export_never_writes_over_a_file_without_asking(tmp_path: Path) -> None:
    saves, target = tmp_path / "saves", tmp_path / "mine.json"
    career = _career()
    SaveStore(saves).save(career)
    target.write_text("my own notes")
    with pytest.raises(ExportExists):
        SaveStore(saves).export(career.id, target)
    code, out = run_cli(
        "saves", "export", career.id, "--out", str(target), "--saves", str(saves), stdin="n\n"
    )
    assert code == 1 and "already exists. Replace it? [y/N]" in out and target.read_text() == "my own notes"
    code, out = run_cli("saves", "export", career.id, "--out", str(target), "--saves", str(saves), stdin="")
    assert code == 1 and target.read_text() == "my own notes"  # no answer is no
    code, out = run_cli(
        "saves", "export", career.id, "--out", str(target), "--saves", str(saves), stdin="y\n"
    )
    assert code == 0 and '"pointe_edge_export": 1' in target.read_text()
    target.write_text("again")
    code, out = run_cli("saves", "export", career.id, "--out", str(target), "--force", "--saves", str(saves))
    assert code == 0 and "Replace" not in out and '"pointe_edge_export": 1' in target.read_text()


def test_export_never_writes_inside_the_save_folder(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    first, second = _career(3), _career(4)
    for career in (first, second):
        SaveStore(saves).save(career)
    other_file = saves / "careers" / f"{second.id}.json"
    before = other_file.read_bytes()
    for out in (other_file, saves / "careers", saves, saves / "new.json"):
        code, said = run_cli("saves", "export", first.id, "--out", str(out), "--force", "--saves", str(saves))
        assert code == 2 and "inside the save folder" in said and said.count("\n") == 1, said
    assert other_file.read_bytes() == before and not (saves / "new.json").exists()
    assert len(SaveStore(saves).list()) == 2


# -- plain mode --------------------------------------------------------------------------------


def test_plain_mode_saves_where_saves_says_and_the_app_can_continue_it(tmp_path: Path) -> None:
    saves = tmp_path / "plain-saves"
    code, out = run_cli("play", "demo", "--plain", "--seed", "3", "--saves", str(saves), stdin="1\n1\nu\nq\n")
    assert code == 0 and out.endswith("Goodbye.\n")
    [info] = SaveStore(saves).list()
    assert info.autosave and info.steps == 1  # the undo was saved too
    assert f"Saved as {info.id[:8]} in {saves}" in out
    assert SaveStore(saves).latest_autosave() == info


@pytest.mark.parametrize(
    ("script", "stdin", "writes"),
    [
        ("1,1", "", [2]),  # the script runs out at the input's end
        ("1,1,2", "2\nq\n", [3, 4]),  # the player plays on after it, saved step by step
        ("1,1,q", "", [2]),  # the script itself quits
        ("1,1,1", "", [2]),  # the script names a locked choice
    ],
)
def test_plain_mode_saves_a_scripted_prefix_once_and_never_loses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, stdin: str, writes: list[int]
) -> None:
    """`--choices` steps are saved together when the script runs out or play stops (not one
    save per step); the player's own steps are saved one by one as ever."""
    saves = tmp_path / "saves"
    saved: list[int] = []
    real = SaveStore.save

    def counted(self: SaveStore, career: Career) -> Any:
        saved.append(len(career.steps))
        return real(self, career)

    monkeypatch.setattr(SaveStore, "save", counted)
    argv = ("play", "demo", "--plain", "--seed", "3", "--saves", str(saves), "--choices", script)
    code, out = run_cli(*argv, stdin=stdin)
    [info] = SaveStore(saves).list()
    assert saved == writes and info.steps == writes[-1], out
    stopped = "error: --choices" in out
    assert (code, f"Saved as {info.id[:8]}" in out) == ((2, False) if stopped else (0, True)), out


def test_plain_mode_says_once_that_it_cannot_save_and_plays_on(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    code, out = run_cli("play", "demo", "--plain", "--saves", str(not_a_folder), stdin="1\n1\nq\n")
    assert code == 0 and out.endswith("Goodbye.\n") and "Saved as" not in out
    said = [line.removeprefix("> ") for line in out.splitlines() if "Could not save" in line]
    assert said == [
        f"note: Could not save: cannot use the save folder {not_a_folder}: it is a file, not a folder"
    ]
    assert not_a_folder.read_text() == "x"
