"""The language server driven as an editor drives it, in JSON-RPC (tests/lsp/editor.py): open a
story file, type, and ask: diagnostics with codes and quick fixes, definition, references,
rename, completion, hover and the outline, on a copy of the bundled demo."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types as t

from engine.author.check import load_checked
from engine.author.metrics import scene_words
from engine.author.storytest.format import parse_tests
from tests.lsp.editor import Editor, uri
from tests.lsp.test_debounce import FakeClock

Run = Callable[..., Any]


def _apply(edit: t.WorkspaceEdit) -> None:
    """Write a WorkspaceEdit to the files on disk, as the editor would, then save."""
    assert edit.changes is not None
    for u, edits in edit.changes.items():
        path = Path(u.removeprefix("file://"))
        lines = path.read_text(encoding="utf-8").split("\n")
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            assert e.range.start.line == e.range.end.line
            row = lines[e.range.start.line]
            units = row.encode("utf-16-le")
            before = units[: 2 * e.range.start.character].decode("utf-16-le")
            after = units[2 * e.range.end.character :].decode("utf-16-le")
            lines[e.range.start.line] = before + e.new_text + after
        path.write_text("\n".join(lines), encoding="utf-8")


def _word(ed: Editor, path: Path, rng: t.Range) -> str:
    row = ed.text(path).split("\n")[rng.start.line]
    units = row.encode("utf-16-le")
    return units[2 * rng.start.character : 2 * rng.end.character].decode("utf-16-le")


def test_initialize_says_what_the_server_can_do(editor: Run, demo_copy: Path) -> None:
    async def scenario(ed: Editor) -> t.InitializeResult:
        return ed.server.protocol.server_capabilities  # type: ignore[return-value]

    caps = editor(demo_copy, scenario)
    assert caps.position_encoding == t.PositionEncodingKind.Utf16
    assert caps.definition_provider and caps.references_provider and caps.hover_provider
    assert caps.rename_provider.prepare_provider
    assert caps.document_symbol_provider and caps.workspace_symbol_provider
    assert t.CodeActionKind.QuickFix in caps.code_action_provider.code_action_kinds
    assert "{" in caps.completion_provider.trigger_characters
    assert caps.text_document_sync.change == t.TextDocumentSyncKind.Incremental


def test_a_misspelt_stat_typed_is_underlined_with_its_fix(editor: Run, demo_copy: Path) -> None:
    training = demo_copy / "training.yaml"

    async def scenario(ed: Editor) -> None:
        ed.open(training)
        assert await ed.diagnostics_for(training, version=1) == []
        version = ed.edit(training, "technique: +2", "tecnique: +2")  # unsaved: the file is untouched
        (d,) = await ed.diagnostics_for(training, bool, version=version)
        assert (d.code, d.severity, d.source) == ("E031", t.DiagnosticSeverity.Error, "pointe-edge")
        assert d.message == "unknown stat `tecnique` (did you mean `technique`?)"
        assert _word(ed, training, d.range) == "tecnique"
        (fix,) = await ed.code_actions(training, [d])
        assert fix.kind == t.CodeActionKind.QuickFix and fix.is_preferred
        assert fix.title == "Change `tecnique` to `technique`"
        assert fix.edit is not None and fix.edit.changes is not None
        (change,) = fix.edit.changes[uri(training)]
        assert change.range == d.range and change.new_text == "technique"
        # The author takes the fix: the problem is gone.
        version = ed.edit(training, "tecnique: +2", "technique: +2")
        assert await ed.diagnostics_for(training, version=version) == []

    editor(demo_copy, scenario)
    assert "tecnique" not in training.read_text(encoding="utf-8")


def test_columns_after_an_emoji_and_kazakh_letters_are_utf16(editor: Run, demo_copy: Path) -> None:
    training = demo_copy / "training.yaml"
    line = "      Әсем 🥇 says: {nerv} and {tecnique}."

    async def scenario(ed: Editor) -> None:
        text = training.read_text(encoding="utf-8")
        anchor = "    text: |\n"
        ed.open(training, text.replace(anchor, anchor + line + "\n", 1))
        found = await ed.diagnostics_for(training, lambda ds: len(ds) == 2)
        assert sorted(_word(ed, training, d.range) for d in found) == ["nerv", "tecnique"]
        nerv = next(d for d in found if _word(ed, training, d.range) == "nerv")
        assert nerv.range.start.character == line.index("nerv") + 1  # the medal counts twice
        (fix,) = await ed.code_actions(training, [nerv])
        assert fix.edit is not None and fix.edit.changes[uri(training)][0].new_text == "nerve"
        # Definition and hover at a position after the medal land on the right name.
        at = ed.at(training, "{nerv}", offset=2)
        assert at.character == line.index("nerv") + 1 + 1
        assert await ed.hover(training, at) is not None

    editor(demo_copy, scenario)


def test_a_graft_conflict_names_the_other_file(editor: Run, demo_copy: Path) -> None:
    branch = demo_copy / "branches" / "twice.yaml"
    text = (
        "chapter: twice\ngraft:\n  training.after_session:\n    - id: bus_to_medeu\n"
        "      text: The bus again\n      goto: training.cup_morning\n"
    )

    async def scenario(ed: Editor) -> None:
        ed.open(branch, text)  # a new file, not saved yet
        (d,) = await ed.diagnostics_for(branch, bool)
        assert d.code == "E053" and "also in branches/medeu.yaml" in d.message
        (other,) = d.related_information or []
        assert other.location.uri == uri(demo_copy / "branches" / "medeu.yaml")
        medeu = (demo_copy / "branches" / "medeu.yaml").read_text(encoding="utf-8").split("\n")
        assert medeu[other.location.range.start.line].strip() == "training.after_session:"

    editor(demo_copy, scenario)


def test_a_problem_in_a_closed_file_is_published_and_cleared_when_fixed_on_disk(
    editor: Run, demo_copy: Path
) -> None:
    setback = demo_copy / "setback.yaml"
    training = demo_copy / "training.yaml"
    original = setback.read_text(encoding="utf-8")

    async def scenario(ed: Editor) -> None:
        ed.open(training)
        await ed.diagnostics_for(training, version=1)
        setback.write_text(original.replace("goto: boards", "goto: bords"), encoding="utf-8")
        ed.client.workspace_did_change_watched_files(
            t.DidChangeWatchedFilesParams([t.FileEvent(uri(setback), t.FileChangeType.Changed)])
        )
        (d,) = await ed.diagnostics_for(setback, bool)
        assert d.code == "E050" and _fix(d) == "boards"
        (watch,) = ed.registrations  # what the client is asked to watch, so that it reports this
        assert watch.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES
        assert watch.register_options == {"watchers": [{"globPattern": "**/*.{yaml,yml}"}]}
        setback.write_text(original, encoding="utf-8")
        ed.client.workspace_did_change_watched_files(
            t.DidChangeWatchedFilesParams([t.FileEvent(uri(setback), t.FileChangeType.Changed)])
        )
        assert await ed.diagnostics_for(setback, lambda ds: ds == []) == []

    editor(demo_copy, scenario)


def _fix(d: t.Diagnostic) -> Any:
    return d.data.get("fix") if isinstance(d.data, dict) else None


def test_closing_an_unsaved_buffer_goes_back_to_the_file(editor: Run, demo_copy: Path) -> None:
    training = demo_copy / "training.yaml"

    async def scenario(ed: Editor) -> None:
        ed.open(training)
        ed.edit(training, "goto: coach_talk", "goto: coach_tlk")
        assert [d.code for d in await ed.diagnostics_for(training, bool)] == ["E050"]
        ed.close(training)
        assert await ed.diagnostics_for(training, lambda ds: ds == []) == []

    editor(demo_copy, scenario)


def test_go_to_definition_from_a_goto_a_visits_a_graft_and_a_stat(editor: Run, demo_copy: Path) -> None:
    training = demo_copy / "training.yaml"
    medeu = demo_copy / "branches" / "medeu.yaml"
    competition = demo_copy / "competition.yaml"

    async def where(ed: Editor, path: Path, needle: str, offset: int) -> tuple[str, str]:
        (loc,) = await ed.definition(path, ed.at(path, needle, offset=offset))
        target = Path(loc.uri.removeprefix("file://"))
        row = target.read_text(encoding="utf-8").split("\n")[loc.range.start.line]
        return target.name, row[loc.range.start.character : loc.range.end.character]

    async def scenario(ed: Editor) -> None:
        ed.open(training)
        ed.open(medeu)
        ed.open(competition)
        assert await where(ed, training, "goto: competition.synchro", 12) == ("competition.yaml", "synchro")
        assert await where(ed, training, "goto: after_session", 8) == ("training.yaml", "after_session")
        assert await where(ed, training, "call: setback.ankle", 15) == ("setback.yaml", "ankle")
        assert await where(ed, training, 'visited("setback.grandmother")', 12) == (
            "setback.yaml",
            "grandmother",
        )
        assert await where(ed, competition, 'visits("warmup")', 9) == ("competition.yaml", "warmup")
        assert await where(ed, medeu, "training.after_session:", 3) == ("training.yaml", "after_session")
        assert await where(ed, medeu, "stamina: -4", 2) == ("story.yaml", "stamina")
        assert await where(ed, medeu, "not saw_medeu", 6) == ("medeu.yaml", "saw_medeu")
        assert await where(ed, competition, "caution", 2) == ("story.yaml", "caution")  # `opposite: caution`
        # Nothing to go to from prose.
        assert await ed.definition(training, ed.at(training, "The ice resurfacer", offset=5)) is None

    editor(demo_copy, scenario)


def test_find_references_of_a_scene_reach_every_file_and_the_story_tests(
    editor: Run, demo_copy: Path
) -> None:
    competition = demo_copy / "competition.yaml"

    async def scenario(ed: Editor) -> list[tuple[str, int]]:
        ed.open(competition)
        found = await ed.references(competition, ed.at(competition, "  podium:", offset=4))
        return sorted((Path(loc.uri).name, loc.range.start.line) for loc in found)

    found = editor(demo_copy, scenario)
    files = [name for name, _ in found]
    assert files.count("competition.yaml") == 2  # its key and `goto: podium`
    assert files.count("endings.yaml") == 3  # a path's ending and two personas'


def test_rename_a_scene_everywhere_and_the_story_still_checks(editor: Run, demo_copy: Path) -> None:
    training = demo_copy / "training.yaml"

    async def scenario(ed: Editor) -> t.WorkspaceEdit:
        ed.open(training)
        at = ed.at(training, "goto: after_session", offset=8)
        prepared = await ed.prepare_rename(training, at)
        assert isinstance(prepared, t.PrepareRenamePlaceholder) and prepared.placeholder == "after_session"
        edit = await ed.rename(training, at, "walk_home")
        assert edit is not None
        return edit

    edit = editor(demo_copy, scenario)
    assert edit.changes is not None
    by_file = {Path(u).name: [e.new_text for e in es] for u, es in edit.changes.items()}
    assert by_file == {
        "training.yaml": ["walk_home"] * 5,  # the key, three gotos and a `next`, all short
        "medeu.yaml": ["training.walk_home"],  # the graft's key, in full
    }
    _apply(edit)
    checked = load_checked(demo_copy, cache=False)
    assert checked.errors == [] and "training.walk_home" in checked.story.scenes  # type: ignore[union-attr]
    assert "after_session" not in "".join(p.read_text(encoding="utf-8") for p in demo_copy.rglob("*.yaml"))


def test_rename_an_ending_reaches_the_story_tests(editor: Run, demo_copy: Path) -> None:
    competition = demo_copy / "competition.yaml"

    async def scenario(ed: Editor) -> t.WorkspaceEdit | None:
        ed.open(competition)
        return await ed.rename(competition, ed.at(competition, "goto: podium", offset=7), "gold")

    edit = editor(demo_copy, scenario)
    assert edit is not None
    _apply(edit)
    tests = (demo_copy / "tests" / "endings.yaml").read_text(encoding="utf-8")
    assert "competition.podium" not in tests and tests.count("competition.gold") == 3
    checked = load_checked(demo_copy, cache=False)
    assert checked.errors == [] and checked.story is not None
    path = demo_copy / "tests" / "endings.yaml"
    assert (
        parse_tests(path.read_bytes(), str(path), checked.story).problems == []
    )  # every name is the story's


def test_rename_refuses_what_would_break_the_story(editor: Run, demo_copy: Path) -> None:
    training = demo_copy / "training.yaml"

    async def scenario(ed: Editor) -> list[str]:
        ed.open(training)
        at = ed.at(training, "goto: after_session", offset=8)
        said = []
        for name in ("Walk-Home", "coach_talk", "competition.walk_home"):
            try:
                await ed.rename(training, at, name)
            except Exception as err:  # the client raises the server's refusal
                said.append(str(err))
        try:
            await ed.prepare_rename(training, ed.at(training, "The ice resurfacer", offset=5))
        except Exception as err:
            said.append(str(err))
        return said

    said = editor(demo_copy, scenario)
    assert len(said) == 4
    assert "not a valid scene name" in said[0]
    assert "already a scene `training.coach_talk`" in said[1]
    assert "chapter is its file's" in said[2]
    assert "Only a scene, a stat or a flag can be renamed" in said[3]


def test_rename_a_stat_in_effects_expressions_the_cast_and_the_tests(editor: Run, demo_copy: Path) -> None:
    story = demo_copy / "story.yaml"

    async def scenario(ed: Editor) -> t.WorkspaceEdit | None:
        ed.open(story)
        return await ed.rename(story, ed.at(story, "  saule: {label", offset=3), "coach")

    edit = editor(demo_copy, scenario)
    assert edit is not None
    _apply(edit)
    checked = load_checked(demo_copy, cache=False)
    assert checked.diagnostics == []
    assert [p.stat for p in checked.story.cast if p.stat] == ["coach"]  # type: ignore[union-attr]


def test_completion_in_a_goto_an_if_and_an_effect(editor: Run, demo_copy: Path) -> None:
    training = demo_copy / "training.yaml"

    async def scenario(ed: Editor) -> dict[str, list[t.CompletionItem]]:
        ed.open(training)
        await ed.diagnostics_for(training, version=1)
        ed.edit(training, "goto: coach_talk", "goto: co")
        goto = await ed.completion(training, ed.at(training, "goto: co", offset=8))
        ed.edit(training, "if: not visited", "if: ner")
        cond = await ed.completion(training, ed.at(training, "if: ner", offset=7))
        return {"goto": goto, "if": cond}

    found = editor(demo_copy, scenario)
    goto = {i.label: i for i in found["goto"]}
    assert "coach_talk" in goto and "competition.warmup" in goto and "training.coach_talk" not in goto
    assert goto["coach_talk"].detail == "“What the Judges Want”"
    assert goto["coach_talk"].text_edit.new_text == "coach_talk"  # type: ignore[union-attr]
    edit_range = goto["coach_talk"].text_edit.range  # type: ignore[union-attr]
    assert edit_range.end.character - edit_range.start.character == 2  # replaces `co`
    labels = {i.label: i for i in found["if"]}
    assert {"nerve", "caution", "sore_ankle", "visited", "caller_phase", "and"} <= set(labels)
    assert labels["nerve"].detail == "Nerve · 0..100"
    assert labels["visited"].text_edit.new_text == 'visited("$1")'  # type: ignore[union-attr]
    assert labels["visited"].insert_text_format == t.InsertTextFormat.Snippet


def test_hover_over_a_goto_shows_the_scene_and_over_a_stat_its_range(editor: Run, demo_copy: Path) -> None:
    training = demo_copy / "training.yaml"

    async def scenario(ed: Editor) -> tuple[str, str]:
        ed.open(training)
        scene = await ed.hover(training, ed.at(training, "goto: competition.synchro", offset=14))
        stat = await ed.hover(training, ed.at(training, "stamina < 40", offset=2))
        assert scene is not None and stat is not None
        return scene.contents.value, stat.contents.value  # type: ignore[union-attr]

    scene, stat = editor(demo_copy, scenario)
    assert scene.startswith("**Sixteen in a Line** · scene `competition.synchro`")
    assert "chapter “The Club Cup” (competition), `competition.yaml` line 143" in scene
    assert "ending “Sixteen in a Line” (new path)" in scene and "124 words" in scene
    assert stat.startswith("**Stamina** · stat `stamina`") and "range 0..100, starts at 45" in stat


def test_the_outline_has_the_chapter_its_scenes_and_their_words(editor: Run, demo_copy: Path) -> None:
    training = demo_copy / "training.yaml"

    async def scenario(ed: Editor) -> list[t.DocumentSymbol]:
        ed.open(training)
        return await ed.symbols(training)

    (chapter,) = editor(demo_copy, scenario)
    story = load_checked(demo_copy, cache=False).story
    assert story is not None
    scenes = [s for sid, s in story.scenes.items() if sid.startswith("training.")]
    total = sum(scene_words(s) for s in scenes)
    assert chapter.name == "training" and chapter.kind == t.SymbolKind.Module
    assert chapter.detail == f"“Six in the Morning” (training) · {len(scenes)} scenes · {total:,} words"
    assert [c.name for c in chapter.children or []] == [s.id.split(".")[1] for s in scenes]
    first = (chapter.children or [])[0]
    assert first.detail == f"“Early Ice” · {scene_words(scenes[0])} words"
    assert first.range.start.line < first.range.end.line  # the whole scene, for folding and breadcrumbs


def test_workspace_symbols_find_a_scene_by_its_title(editor: Run, demo_copy: Path) -> None:
    async def scenario(ed: Editor) -> list[Any]:
        ed.open(demo_copy / "training.yaml")
        await ed.diagnostics_for(demo_copy / "training.yaml")
        return await ed.workspace_symbols("judges")

    (found,) = editor(demo_copy, scenario)
    assert found.name == "training.coach_talk “What the Judges Want”"
    assert found.location.uri == uri(demo_copy / "training.yaml")


def test_changes_wait_for_the_author_to_pause(demo_copy: Path, editor: Run) -> None:
    """With the debounce on, a change is analysed only once the (fake) clock says the author
    has paused; a request that needs the change does not wait for the pause."""
    training = demo_copy / "training.yaml"
    clock = FakeClock()

    async def scenario(ed: Editor) -> None:
        ed.open(training)
        await ed.diagnostics_for(training, version=1)  # opening is analysed at once
        runs = ed.server.stories[demo_copy.resolve()].debouncer.runs
        for n in range(3):
            ed.edit(
                training, "goto: coach_talk" if n == 0 else f"goto: coach_tal{n}", f"goto: coach_tal{n + 1}"
            )
        await ed.hover(training, ed.at(training, "goto: cup_morning", offset=7))  # flushes
        assert ed.server.stories[demo_copy.resolve()].debouncer.runs == runs + 1  # one run for three changes
        (d,) = await ed.diagnostics_for(training, bool, version=4)
        assert d.code == "E050" and _word(ed, training, d.range) == "coach_tal3"

    editor(demo_copy, scenario, debounce=0.15, call_later=clock.call_later)


def test_a_person_of_the_cast_from_the_prose_and_back(editor: Run, demo_copy: Path) -> None:
    """A person is named in the prose by their name's words (`Saule`): from there to their entry
    in the cast, their card on hover, and every place the story names them."""
    training = demo_copy / "training.yaml"
    story = demo_copy / "story.yaml"

    async def scenario(ed: Editor) -> tuple[Any, Any, list[t.Location], list[t.Location]]:
        ed.open(training)
        at = ed.at(training, "Coach Saule", offset=8)
        defined = await ed.definition(training, at)
        card = await ed.hover(training, at)
        from_prose = await ed.references(training, at)
        ed.open(story)
        from_cast = await ed.references(story, ed.at(story, "  saule:\n    name", offset=3))
        return defined, card, from_prose, from_cast

    defined, card, from_prose, from_cast = editor(demo_copy, scenario)
    (loc,) = defined
    cast_line = story.read_text(encoding="utf-8").split("\n")[loc.range.start.line]
    assert loc.uri == uri(story) and cast_line == "  saule:"
    assert card.contents.value.startswith("**Saule Abenova** · cast `saule`")
    assert (
        "your coach" in card.contents.value
        and "relationship stat `saule` (Coach Saule)" in card.contents.value
    )
    words = sum(
        len(re.findall(r"(?<![\w'’-])(?:Saule|Abenova)(?!\w)", p.read_text(encoding="utf-8")))
        for p in demo_copy.rglob("*.yaml")
    )
    assert len(from_prose) == len(from_cast) == words + 1  # every mention, and the cast entry


def test_a_long_list_of_scenes_goes_out_light_and_each_items_words_on_resolve(
    editor: Run, demo_copy: Path
) -> None:
    """With a client that takes a default edit range (LSP 3.17), the items carry no edit of their
    own, and an item's documentation comes when the editor resolves it."""
    training = demo_copy / "training.yaml"
    caps = t.ClientCapabilities(
        text_document=t.TextDocumentClientCapabilities(
            completion=t.CompletionClientCapabilities(
                completion_item=t.ClientCompletionItemOptions(snippet_support=True),
                completion_list=t.CompletionListCapabilities(item_defaults=["editRange"]),
            )
        )
    )

    async def scenario(ed: Editor) -> tuple[t.CompletionList, t.CompletionItem, t.CompletionItem]:
        await ed.initialize(demo_copy, caps)
        ed.open(training)
        ed.edit(training, "goto: coach_talk", "goto: co")
        at = ed.at(training, "goto: co", offset=8)
        found = await ed.client.text_document_completion_async(
            t.CompletionParams(text_document=ed.doc(training), position=at)
        )
        assert isinstance(found, t.CompletionList)
        talk = next(i for i in found.items if i.label == "coach_talk")
        resolved = await ed.client.completion_item_resolve_async(talk)
        ed.edit(training, "if: not visited", "if: vi")
        cond = await ed.client.text_document_completion_async(
            t.CompletionParams(text_document=ed.doc(training), position=ed.at(training, "if: vi", offset=6))
        )
        assert isinstance(cond, t.CompletionList)
        visited = next(i for i in cond.items if i.label == "visited")
        return found, resolved, visited

    found, resolved, visited = _run_uninitialized(scenario)
    assert found.item_defaults is not None and found.item_defaults.edit_range is not None
    assert all(i.text_edit is None and i.documentation is None for i in found.items)
    assert isinstance(resolved.documentation, t.MarkupContent)
    assert resolved.documentation.value.startswith("training.coach_talk, in chapter “Six in the Morning”")
    assert (
        visited.text_edit_text == 'visited("$1")' and visited.insert_text_format == t.InsertTextFormat.Snippet
    )


def _run_uninitialized(scenario: Callable[[Editor], Any]) -> Any:
    """Run a scenario that initializes the editor itself (with capabilities of its own)."""
    import asyncio

    from tests.lsp.editor import connect

    async def main() -> Any:
        ed, close = await connect()
        try:
            return await scenario(ed)
        finally:
            await close()

    return asyncio.run(main())


_PIECES = [*"ab:- \n{}[]\"'(|>#*.,\t“🥇Ә", "  ", "goto: ", "if: ", "scenes:", "chapter: x", "text: |"]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join), min_size=1, max_size=3))
def test_whatever_is_typed_the_server_answers(editor: Run, demo_copy: Path, texts: list[str]) -> None:
    """Buffers of any text, changed and asked about anywhere: the server answers every request
    (with nothing, when nothing is there) and publishes for every version."""
    training = demo_copy / "training.yaml"

    async def scenario(ed: Editor) -> None:
        ed.open(training, texts[0])
        version = 1
        for text in texts[1:]:
            version = ed.replace_all(training, text)
        await ed.diagnostics_for(training, version=version)
        last = texts[-1].split("\n")
        for line in range(0, len(last), max(1, len(last) // 3)):
            for character in (0, len(last[line]) // 2, len(last[line]) + 3):
                at = t.Position(line=line, character=character)
                await ed.definition(training, at)
                await ed.hover(training, at)
                await ed.completion(training, at)
                await ed.references(training, at)
        await ed.symbols(training)

    editor(demo_copy, scenario)


def test_a_client_that_counts_in_utf8_gets_its_columns_in_bytes_and_plain_hovers(demo_copy: Path) -> None:
    training = demo_copy / "training.yaml"
    line = "      Әсем 🥇 says {nerv}."
    caps = t.ClientCapabilities(
        general=t.GeneralClientCapabilities(position_encodings=[t.PositionEncodingKind.Utf8]),
        text_document=t.TextDocumentClientCapabilities(
            hover=t.HoverClientCapabilities(content_format=[t.MarkupKind.PlainText])
        ),
    )

    async def scenario(ed: Editor) -> tuple[t.InitializeResult, t.Diagnostic, t.Hover | None]:
        result = await ed.initialize(demo_copy, caps)
        text = training.read_text(encoding="utf-8")
        anchor = "    text: |\n"
        ed.open(training, text.replace(anchor, anchor + line + "\n", 1))
        (d,) = await ed.diagnostics_for(training, bool)
        row = (
            text.split("\n").index(next(r for r in text.split("\n") if "goto: competition.synchro" in r)) + 1
        )
        at = t.Position(line=row, character=text.split("\n")[row - 1].index("synchro"))
        return result, d, await ed.hover(training, at)

    result, d, shown = _run_uninitialized(scenario)
    assert result.capabilities.position_encoding == t.PositionEncodingKind.Utf8
    assert d.range.start.character == len(line[: line.index("nerv")].encode("utf-8"))
    assert d.range.end.character - d.range.start.character == 4
    assert shown is not None and isinstance(shown.contents, t.MarkupContent)
    assert shown.contents.kind == t.MarkupKind.PlainText
    assert shown.contents.value.startswith("Sixteen in a Line · scene competition.synchro")


def test_a_story_folder_opened_as_the_workspace_is_checked_before_any_file_is_opened(
    editor: Run, demo_copy: Path
) -> None:
    setback = demo_copy / "setback.yaml"
    setback.write_text(
        setback.read_text(encoding="utf-8").replace("goto: boards", "goto: bords"), encoding="utf-8"
    )

    async def scenario(ed: Editor) -> list[t.Diagnostic]:
        return await ed.diagnostics_for(setback, bool)  # nothing opened: the workspace is the story

    (d,) = editor(demo_copy, scenario)
    assert d.code == "E050" and d.message.startswith("goto target `bords` does not exist")
