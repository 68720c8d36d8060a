"""Run a story's analysis once the author pauses, never twice at once, and at once on demand.

Each keystroke is a `didChange`; analysing after every one would queue up work the next
keystroke makes stale. So a change only *pokes* the story's `Debouncer`: the analysis starts
when no poke has come for `delay` seconds. While one runs, pokes mark it stale, and it runs
again (after the delay) when it ends. A request that needs the buffer as it is now (go to
definition just after typing) *flushes*: the analysis starts at once, and the request waits
for it.

The timer is injected (`call_later`), so the tests drive it with a fake clock, or with no delay
at all, instead of sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol


class Handle(Protocol):
    def cancel(self) -> None: ...


CallLater = Callable[[float, Callable[[], None]], Handle]


class Debouncer:
    """Runs `action` `delay` seconds after the last `poke` (at once when `delay` is 0)."""

    def __init__(
        self,
        delay: float,
        action: Callable[[], Awaitable[None]],
        call_later: CallLater | None = None,
    ):
        self.delay = delay
        self.action = action
        self._call_later = call_later
        self._handle: Handle | None = None
        self._task: asyncio.Task[None] | None = None
        self._again = False  # poked while running: run again after
        self._urgent = False  # flushed: run again at once, not after the delay
        self._idle = asyncio.Event()
        self._idle.set()
        self._started = 0
        self._completed = 0
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    @property
    def runs(self) -> int:
        """How many times the action has finished (the tests and the benchmark count them)."""
        return self._completed

    @property
    def pending(self) -> bool:
        """Whether a run is waiting for its delay or running."""
        return not self._idle.is_set()

    def poke(self) -> None:
        """Something changed: run the action once things have been quiet for `delay`."""
        self._idle.clear()
        if self._task is not None:
            self._again = True
            return
        self._schedule(self.delay)

    async def flush(self) -> None:
        """Start what is waiting now, without its delay, and return when a run that started
        after this call (or was running with nothing new since) has finished."""
        if not self.pending:
            return
        self._urgent = True
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
            self._start()
            target = self._started
        elif self._task is not None:
            target = self._started + 1 if self._again else self._started
        else:  # pragma: no cover - pending always has a timer or a run
            return
        if self._completed >= target:
            return
        done = asyncio.get_running_loop().create_future()
        self._waiters.append((target, done))
        await done

    def _schedule(self, delay: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if delay <= 0:
            self._start()
            return
        call_later = self._call_later or asyncio.get_running_loop().call_later
        self._handle = call_later(delay, self._start)

    def _start(self) -> None:
        self._handle = None
        if self._task is None:
            self._started += 1
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        self._again = self._urgent = False
        try:
            await self.action()
        finally:
            self._task = None
            self._completed += 1
            for target, done in list(self._waiters):
                if self._completed >= target:
                    self._waiters.remove((target, done))
                    if not done.done():
                        done.set_result(None)
            if self._again:
                self._again = False
                self._schedule(0 if self._urgent else self.delay)
            elif self._handle is None:
                self._idle.set()
