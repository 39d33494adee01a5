"""A full demo run leaves neither the demo's full ID number nor its full mobile number in any log file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from desktop_app.cli import main
from tests.ship.conftest import masked_id, masked_mobile


def _all_logs(home: Path) -> str:
    files = sorted((home / "logs").rglob("*"))
    return "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files if f.is_file())


@pytest.mark.no_qt_log  # our own Qt message handler must receive the warnings, not pytest-qt's
def test_full_demo_run_logs_no_full_id_or_mobile(
    qtbot, synchronous_jobs, zhicheng_home: Path, fresh_log: Path, personal_numbers, capsys, tmp_path: Path
) -> None:
    id_number, mobile = personal_numbers
    from desktop_app.logging_setup import install_qt_message_handler, shutdown_logging

    install_qt_message_handler()
    logging.getLogger().setLevel(logging.DEBUG)  # everything any module logs, not just INFO and up

    assert main(["demo", "--year", "2026"]) == 0
    app_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["check", app_id]) == 0
    # Typing mistakes with the numbers in them (they end up in error messages).
    assert main(["set", app_id, "basic.mobile", mobile[:-1]]) == 2
    assert main(["set", app_id, "basic.id_number", id_number[:-1] + "0"]) == 2
    assert main(["get", app_id]) == 0
    assert id_number in capsys.readouterr().out  # the run really handled the numbers

    packet = tmp_path / "packet.pdf"
    assert main(["packet", app_id, "--out", str(packet)]) == 0
    assert packet.read_bytes().startswith(b"%PDF-")

    from desktop_app.services import Services
    from desktop_app.ui.main_window import MainWindow

    services = Services()
    try:
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.show()
        window.open_application(int(app_id))
        qtbot.wait(50)
        window.close()
    finally:
        services.close()

    # An unexpected error whose message carries the numbers, and a Qt warning that does.
    try:
        raise ValueError(f"无法保存 {id_number} {mobile}")
    except ValueError:
        logging.getLogger("desktop_app.test").exception("unexpected error")
    from PySide6.QtCore import qWarning

    qWarning(f"QLineEdit text {id_number} / {mobile}")
    shutdown_logging()  # flush and close before reading

    logs = _all_logs(zhicheng_home)
    assert "unexpected error" in logs and "Traceback" in logs
    assert "QLineEdit text" in logs
    assert logs.count(masked_id(id_number)) >= 2
    assert logs.count(masked_mobile(mobile)) >= 2
    assert id_number not in logs
    assert mobile not in logs


def test_mask_handles_lowercase_x_and_leaves_other_numbers() -> None:
    from desktop_app.logging_setup import mask_personal

    assert mask_personal("身份证 53010219900101002x") == "身份证 530102********002x"
    assert mask_personal("tel 13812345678,") == "tel 138****5678,"
    # An application id, a year and a 12-digit patent number are not personal data.
    assert mask_personal("申报 12 年度 2026 专利 201920123456") == "申报 12 年度 2026 专利 201920123456"
