"""Kill a process that is saving drafts at random moments; every reopening finds an intact database
with the last acknowledged change present."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from desktop_app.storage import DB_NAME

KILLS = 200
REPO = Path(__file__).resolve().parents[2]


def _stored(db: Path, app_id: int) -> tuple[str, int | None]:
    with sqlite3.connect(db) as con:
        status = con.execute("PRAGMA integrity_check").fetchone()[0]
        row = con.execute(
            "SELECT a.value FROM answers a JOIN entries e ON e.id = a.entry_id "
            "WHERE e.application_id = ? AND e.section = 'basic' AND a.field = 'department'",
            (app_id,),
        ).fetchone()
        state = con.execute("SELECT ui_state FROM applications WHERE id = ?", (app_id,)).fetchone()[0]
    json.loads(state)  # the page and drafts stay readable JSON
    value = json.loads(row[0]) if row else None
    return status, None if value is None else int(value.removeprefix("部门"))


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and the fork server exist on POSIX only")
def test_killed_while_saving_drafts_loses_nothing_acknowledged(services, monkeypatch):
    app_id = services.new_application("韩九", 2026)
    db = services.home / DB_NAME
    services.close()
    # The fork server starts a fresh interpreter: it must find the package and this test helper.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.ui.draft_child"])
    from tests.ui.draft_child import save_forever

    rng = random.Random(20261127)
    acknowledged: int | None = None
    acks_total = 0
    for kill in range(KILLS):
        receiver, sender = ctx.Pipe(duplex=False)
        start = 0 if acknowledged is None else acknowledged + 2
        child = ctx.Process(
            target=save_forever, args=(str(services.home), app_id, start, sender), daemon=True
        )
        child.start()
        sender.close()
        # Wait for the first acknowledgement so the kill lands among writes, then a random moment.
        if receiver.poll(20):
            first = receiver.recv()
            acknowledged = first
        time.sleep(rng.uniform(0, 0.03))
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL, f"kill {kill}: child ended by itself ({child.exitcode})"
        while True:
            try:
                acknowledged = receiver.recv()
                acks_total += 1
            except (EOFError, OSError):
                break
        receiver.close()
        status, stored = _stored(db, app_id)
        assert status == "ok", f"kill {kill}: {status}"
        assert acknowledged is not None
        # The last acknowledged value is there, or the one after it (committed, killed before its ack).
        assert stored in (acknowledged, acknowledged + 1), (
            f"kill {kill}: stored {stored}, acked {acknowledged}"
        )
    assert acks_total > KILLS  # the kills really interrupted ongoing saving
