"""The background autosaver: whatever a save raises, the writer reports it and keeps writing."""

from __future__ import annotations

import threading
from typing import cast

import pytest

from engine.core.model import Story
from engine.play.session import Session
from engine.saves.autosave import Autosaver
from engine.saves.format import Career, SaveError
from engine.saves.record import Recorder
from engine.saves.store import Saved, SaveStore

FLUSH = 5.0  # seconds; a healthy writer flushes in milliseconds, a dead one waits all of it


def careers(demo: Story, count: int) -> list[Career]:
    """`count` different careers (each a separate run, so each has its own id)."""
    out = []
    for seed in range(count):
        recorder = Recorder(Session(demo, seed))
        recorder.session.choose(recorder.session.open_choices()[0])
        out.append(recorder.career())
    return out


class FlakyStore:
    """A store whose saves raise the given exceptions, one per save, then succeed."""

    def __init__(self, *failures: BaseException):
        self.failures = list(failures)
        self.saved: list[str] = []

    def save(self, career: Career) -> Saved:
        if self.failures:
            raise self.failures.pop(0)
        self.saved.append(career.id)
        return Saved(career.id)


def autosaver(store: FlakyStore, errors: list[str]) -> Autosaver:
    return Autosaver(cast(SaveStore, store), on_error=errors.append)


@pytest.mark.parametrize(
    "failure",
    [
        SaveError("the disk is full"),
        OSError(28, "No space left on device"),
        RuntimeError("a bug in the store"),
    ],
    ids=["SaveError", "OSError", "RuntimeError"],
)
def test_after_a_failed_save_the_writer_reports_it_and_writes_the_next(
    demo: Story, failure: Exception
) -> None:
    store, errors = FlakyStore(failure), list[str]()
    saver = autosaver(store, errors)
    first, second = careers(demo, 2)
    saver.submit(first)
    assert saver.flush(FLUSH)  # not stuck "busy" behind a dead thread
    assert len(errors) == 1 and str(failure.args[-1]) in errors[0] and saver.error == errors[0]
    saver.submit(second)
    assert saver.flush(FLUSH)
    assert store.saved == [second.id] and saver.saved(second.id, len(second.steps))
    assert saver.error is None  # a later success clears it
    assert saver.close(FLUSH)


def test_an_unexpected_error_names_its_type(demo: Story) -> None:
    errors: list[str] = []
    saver = autosaver(FlakyStore(KeyError("scene")), errors)
    saver.submit(careers(demo, 1)[0])
    assert saver.flush(FLUSH)
    assert errors == ["Could not autosave (KeyError): 'scene'"]
    saver.close(FLUSH)


def test_a_failing_error_report_does_not_stop_the_writer(demo: Story) -> None:
    store = FlakyStore(RuntimeError("first"))
    reported = threading.Event()

    def report(message: str) -> None:
        reported.set()
        raise RuntimeError("the screen that shows it is gone")

    saver = Autosaver(cast(SaveStore, store), on_error=report)
    first, second = careers(demo, 2)
    saver.submit(first)
    assert saver.flush(FLUSH) and reported.wait(FLUSH)
    saver.submit(second)
    assert saver.flush(FLUSH) and store.saved == [second.id]
    assert saver.close(FLUSH)
