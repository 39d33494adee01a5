"""The background helper: results, errors and progress come back on the GUI thread; cancel stops the work."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from desktop_app.ui import worker


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    gui = QApplication.instance().thread()
    seen: dict[str, object] = {}
    progress: list[tuple[int, int, str]] = []

    def work(p: worker.Progress) -> int:
        seen["work_thread"] = threading.current_thread() is threading.main_thread()
        for i in range(3):
            p.update(i + 1, 3, f"第 {i + 1} 步")
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["done_on_gui"] = QThread.currentThread() is gui

    job = worker.run_in_background(work, on_done=done, on_progress=lambda *a: progress.append(a))
    qtbot.waitUntil(lambda: job.is_finished, timeout=5000)
    assert seen == {"work_thread": False, "value": 42, "done_on_gui": True}
    qtbot.waitUntil(lambda: len(progress) == 3, timeout=2000)
    assert progress[-1] == (3, 3, "第 3 步")


def test_error_is_handed_to_on_error(qtbot):
    errors: list[BaseException] = []

    def work(p: worker.Progress) -> None:
        raise ValueError("坏了")

    job = worker.run_in_background(work, on_error=errors.append)
    qtbot.waitUntil(lambda: job.is_finished, timeout=5000)
    assert [str(e) for e in errors] == ["坏了"]


def test_cancel_stops_the_work(qtbot):
    started = threading.Event()
    cancelled: list[bool] = []
    steps: list[int] = []

    def work(p: worker.Progress) -> None:
        started.set()
        for i in range(10_000):
            p.raise_if_cancelled()
            steps.append(i)
            threading.Event().wait(0.001)

    job = worker.run_in_background(
        work, on_cancelled=lambda: cancelled.append(True), on_done=lambda v: cancelled.append(False)
    )
    assert started.wait(5)
    job.cancel()
    qtbot.waitUntil(lambda: job.is_finished, timeout=5000)
    assert cancelled == [True]
    assert len(steps) < 10_000


def test_synchronous_mode_runs_at_once():
    worker.set_synchronous(True)
    try:
        results: list[int] = []
        job = worker.run_in_background(lambda p: 7, on_done=results.append)
        assert job.is_finished and results == [7]
    finally:
        worker.set_synchronous(False)


def test_callbacks_of_a_deleted_owner_are_dropped_and_the_job_cancelled(qtbot):
    import threading

    from PySide6.QtWidgets import QLabel

    from desktop_app.ui import worker

    label = QLabel("等待")
    started = threading.Event()
    release = threading.Event()
    seen: list[object] = []

    def work(progress):
        started.set()
        release.wait(10)
        progress.update(1, 2, "一半")
        return progress.cancelled

    job = worker.run_in_background(
        work,
        on_done=lambda value: label.setText(str(value)),
        on_progress=lambda *a: seen.append(a),
        owner=label,
    )
    assert started.wait(10)
    label.deleteLater()
    qtbot.waitUntil(lambda: job.progress.cancelled, timeout=3000)
    release.set()
    qtbot.waitUntil(lambda: job.is_finished, timeout=5000)
    # No "already deleted" error reached the person, and the work was told to stop.
    assert job.result is True and seen == []


def test_cancel_all_and_wait_stops_running_jobs(qtbot):
    from desktop_app.ui import worker

    def work(progress):
        for _ in range(500):
            progress.raise_if_cancelled()
            __import__("time").sleep(0.01)
        return "finished"

    job = worker.run_in_background(work)
    assert worker.cancel_all_and_wait(10_000)
    qtbot.waitUntil(lambda: job.is_finished, timeout=3000)
    assert job.result is None and isinstance(job.error, worker.Cancelled)


def test_every_feature_s_cancellation_is_a_cancellation_not_an_error():
    """One Cancelled: a packet, a print-page preparation or a backup stopped by the person ends quietly."""
    from desktop_app.backup.errors import Cancelled as BackupCancelled
    from desktop_app.packet.pipeline import PacketCancelled
    from desktop_app.packet.scan_pages import PrepareCancelled

    worker.set_synchronous(True)
    try:
        for cancelled_class in (PacketCancelled, PrepareCancelled, BackupCancelled):
            outcome: list[object] = []

            def work(p: worker.Progress, raised: type[Exception] = cancelled_class) -> None:
                raise raised()

            worker.run_in_background(
                work, on_cancelled=lambda seen=outcome: seen.append("cancelled"), on_error=outcome.append
            )
            assert outcome == ["cancelled"], cancelled_class
    finally:
        worker.set_synchronous(False)
