"""A second (and third) copy of the game for the concurrency tests: one process, one SaveStore,
driven line by line over a pipe, so two of them interleave exactly as the test says.

    python -m tests.support.career_writer SAVES_DIR STORY

Commands on stdin, one answer line each on stdout:
    new SEED      start a career            -> "OK <id>"
    load ID       load and resume a career  -> "OK <id> <steps>"  (as the app's Continue does)
    step K        make the K-th open choice (mod their number), then save
                  -> "ACK <id written> <steps> <digest,digest,...> <note or ->"
    undo          undo one step, then save  -> the same ACK line
    quit
An ACK is printed only after `SaveStore.save` returned: the save is acknowledged.
"""

from __future__ import annotations

import sys
from pathlib import Path

from engine.author.check import load_checked
from engine.play.session import Session
from engine.saves.record import Recorder, resume
from engine.saves.store import SaveStore


def main(saves: str, story_ref: str) -> None:
    loaded = load_checked(story_ref)
    assert loaded.story is not None
    story = loaded.story
    store = SaveStore(Path(saves))
    recorder: Recorder | None = None
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "quit":
            return
        if command == "new":
            recorder = Recorder(Session(story, int(arg)))
            answer = f"OK {recorder.id}"
        elif command == "load":
            career = store.load(arg)
            resumed = resume(story, career)
            assert resumed.complete, resumed.problem
            recorder = Recorder(resumed.session, career.id, career.created)
            answer = f"OK {career.id} {len(career.steps)}"
        else:
            assert command in ("step", "undo") and recorder is not None, line
            session = recorder.session
            if command == "step" and session.open_choices() and not session.ended:
                options = session.open_choices()
                session.choose(options[int(arg) % len(options)])
            elif command == "undo":
                session.undo()
            career = recorder.career()
            saved = store.save(career)
            digests = ",".join(s.digest for s in career.steps) or "-"
            answer = f"ACK {saved.id} {len(career.steps)} {digests} {saved.note or '-'}"
        sys.stdout.write(answer.replace("\n", " ") + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
