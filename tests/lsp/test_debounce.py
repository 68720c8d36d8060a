"""The debounce: keystrokes close together make one analysis, a change during one makes one
more after it, and a request that needs the latest text gets it at once. A fake clock drives
the delay: nothing here sleeps or waits on a timer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from engine.lsp.debounce import Debouncer


class FakeClock:
    """`call_later` for the debouncer: timers that fire when the test says."""

    def __init__(self) -> None:
        self.timers: list[tuple[float, Callable[[], None], list[bool]]] = []

    def call_later(self, delay: float, callback: Callable[[], None]) -> FakeClock.Handle:
        cancelled = [False]
        self.timers.append((delay, callback, cancelled))
        return FakeClock.Handle(cancelled)

    class Handle:
        def __init__(self, cancelled: list[bool]):
            self.cancelled = cancelled

        def cancel(self) -> None:
            self.cancelled[0] = True

    @property
    def waiting(self) -> list[float]:
        return [delay for delay, _, cancelled in self.timers if not cancelled[0]]

    def fire(self) -> None:
        timers, self.timers = self.timers, []
        for _, callback, cancelled in timers:
            if not cancelled[0]:
                callback()


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)  # let the loop run what is ready (no time passes)


def test_keystrokes_close_together_make_one_analysis() -> None:
    async def main() -> None:
        clock, ran = FakeClock(), []

        async def analyse() -> None:
            ran.append(1)

        d = Debouncer(0.15, analyse, clock.call_later)
        for _ in range(5):
            d.poke()
        assert clock.waiting == [0.15] and d.pending  # one timer: each poke restarted it
        await _settle()
        assert ran == []  # nothing before the pause
        clock.fire()
        await _settle()
        assert ran == [1] and not d.pending and d.runs == 1

    asyncio.run(main())


def test_a_change_while_analysing_runs_once_more_after() -> None:
    async def main() -> None:
        clock, ran = FakeClock(), []
        gate = asyncio.Event()

        async def analyse() -> None:
            ran.append(len(ran))
            await gate.wait()

        d = Debouncer(0.15, analyse, clock.call_later)
        d.poke()
        clock.fire()
        await _settle()
        assert ran == [0]
        d.poke()
        d.poke()  # two changes while it runs: one more run, not two
        assert clock.waiting == []  # no second run at once
        gate.set()
        await _settle()
        assert clock.waiting == [0.15] and d.pending  # the next waits for its pause
        clock.fire()
        await _settle()
        assert ran == [0, 1] and not d.pending

    asyncio.run(main())


def test_flush_runs_what_waits_at_once_and_returns_when_it_is_done() -> None:
    async def main() -> None:
        clock, ran = FakeClock(), []

        async def analyse() -> None:
            ran.append(1)

        d = Debouncer(10.0, analyse, clock.call_later)
        await d.flush()  # nothing waiting: returns at once
        d.poke()
        await d.flush()
        assert ran == [1] and not d.pending and clock.waiting == []

    asyncio.run(main())


def test_flush_during_a_run_with_changes_since_waits_for_the_run_that_sees_them() -> None:
    async def main() -> None:
        clock, seen = FakeClock(), []
        text = ["v1"]
        gate = asyncio.Event()

        async def analyse() -> None:
            seen.append(text[0])
            await gate.wait()

        d = Debouncer(10.0, analyse, clock.call_later)
        d.poke()
        clock.fire()
        await _settle()
        text[0] = "v2"
        d.poke()
        flushed = asyncio.create_task(d.flush())
        await _settle()
        assert not flushed.done()
        gate.set()
        await flushed
        assert seen == ["v1", "v2"]  # the second run started without its delay, and finished
        assert clock.waiting == []

    asyncio.run(main())


def test_an_analysis_that_fails_leaves_the_debouncer_ready_for_the_next() -> None:
    async def main() -> None:
        runs = []

        async def analyse() -> None:
            runs.append(1)
            if len(runs) == 1:
                raise RuntimeError("a bug")

        d = Debouncer(0, analyse)
        d.poke()
        await _settle()
        assert not d.pending and d.runs == 1
        d.poke()
        await d.flush()
        assert len(runs) == 2

    asyncio.run(main())
