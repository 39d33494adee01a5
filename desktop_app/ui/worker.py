"""Run a callable off the GUI thread with progress and cancel; a synchronous mode for tests.

    job = run_in_background(work, on_done=show, on_error=report, on_progress=bar.update_progress)
    job.cancel()

Pass `owner=widget` when the callbacks touch a widget: once the widget is deleted (the person went
back to the list), the job is cancelled (unless `cancel_with_owner=False`) and its callbacks are
dropped instead of hitting a dead object.

`work(progress)` receives a Progress: call `progress.update(done, total, text)` now and then and
check `progress.cancelled` (or call `progress.raise_if_cancelled()`) between steps. The callbacks run
on the GUI thread. With `set_synchronous(True)` (tests) the work runs at once on the calling thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop_app.errors import (
    Cancelled as Cancelled,  # raised inside the work function when the person cancelled
)

log = logging.getLogger(__name__)
_synchronous = False
# Jobs still running, so neither they nor their signal objects are garbage-collected mid-flight.
_running: set[Job] = set()


def set_synchronous(flag: bool) -> None:
    """Run every job on the calling thread (tests: deterministic, no event loop needed)."""
    global _synchronous
    _synchronous = flag


class Progress:
    """Handed to the work function: report progress, ask whether to stop."""

    def __init__(self, emit: Callable[[int, int, str], None]) -> None:
        self._emit = emit
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called on the job."""
        return self._cancel.is_set()

    def raise_if_cancelled(self) -> None:
        """Stop the work here when the person cancelled."""
        if self.cancelled:
            raise Cancelled()

    def update(self, done: int, total: int, text: str = "") -> None:
        """Report `done` of `total` steps with an optional Chinese line of what is happening."""
        self._emit(done, total, text)


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.setAutoDelete(True)

    def run(self) -> None:
        self.job._execute()


class Job(QObject):
    """One piece of background work; `cancel()` asks it to stop, `is_finished` tells when it ended."""

    # Emitted from the worker thread on an object living in the GUI thread, and connected to this
    # object's own methods: Qt then queues the calls, so every callback runs on the GUI thread.
    # No Python objects travel through the signals: the outcome is kept on the job and read on arrival.
    progressed = Signal(int, int, str)
    ended = Signal()

    def __init__(
        self,
        work: Callable[[Progress], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[int, int, str], None] | None,
        on_cancelled: Callable[[], None] | None,
        owner: QObject | None = None,
        cancel_with_owner: bool = True,
    ) -> None:
        super().__init__()
        self._work = work
        self._owner = owner
        if owner is not None and cancel_with_owner:
            owner.destroyed.connect(self.cancel)
        self.progress = Progress(self.progressed.emit)
        self.is_finished = False
        self.result: Any = None
        self.error: BaseException | None = None
        self._value: Any = None
        self._exc: BaseException | None = None
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self._on_cancelled = on_cancelled
        self.progressed.connect(self._progress)
        self.ended.connect(self._ended)

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self.progress._cancel.set()

    def _execute(self) -> None:
        try:
            self._value = self._work(self.progress)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
            self._exc = exc
        try:
            self.ended.emit()
        except RuntimeError:
            # The job's Qt side is gone (the application is quitting): nobody is left to tell.
            log.info("background job ended after its signals were deleted")

    def _ended(self) -> None:
        if self._exc is not None:
            self._fail(self._exc)
        else:
            self._finish(self._value)

    def _owner_alive(self) -> bool:
        import shiboken6

        return self._owner is None or shiboken6.isValid(self._owner)

    def _progress(self, done: int, total: int, text: str) -> None:
        if self._on_progress is not None and self._owner_alive():
            self._on_progress(done, total, text)

    def _finish(self, value: Any) -> None:
        self.is_finished = True
        self.result = value
        _running.discard(self)
        if self._on_done is not None and self._owner_alive():
            self._on_done(value)

    def _fail(self, exc: BaseException) -> None:
        callback = self._on_error
        self.is_finished = True
        self.error = exc
        _running.discard(self)
        if not self._owner_alive():
            if not isinstance(exc, Cancelled):
                log.error("background job failed after its window closed", exc_info=exc)
            return
        if isinstance(exc, Cancelled):
            if self._on_cancelled is not None:
                self._on_cancelled()
            return
        if callback is not None:
            callback(exc)
        else:
            log.error("background job failed", exc_info=exc)


def run_in_background(
    work: Callable[[Progress], Any],
    *,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    owner: QObject | None = None,
    cancel_with_owner: bool = True,
) -> Job:
    """Start `work(progress)` on the thread pool; callbacks run on the GUI thread. Returns the Job.

    With `cancel_with_owner=False` the work goes on after the owner is deleted (only its callbacks are
    dropped): an import the person started must still store every file.
    """
    job = Job(work, on_done, on_error, on_progress, on_cancelled, owner, cancel_with_owner)
    _running.add(job)
    if _synchronous:
        job._execute()
    else:
        QThreadPool.globalInstance().start(_Runnable(job))
    return job


def cancel_all_and_wait(timeout_ms: int = 30_000) -> bool:
    """Ask every running job to stop and wait for the threads (on quit, before the lock is released)."""
    for job in list(_running):
        job.cancel()
    return bool(QThreadPool.globalInstance().waitForDone(timeout_ms))
