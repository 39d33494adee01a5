"""`backup`, `verify` and `restore` on the command line: messages and exit codes (0 ok, 1 damaged/refused, 2 usage)."""

from __future__ import annotations

import pytest

from desktop_app.cli import main


def _only_file(folder):
    files = [p for p in folder.iterdir() if p.is_file()]
    assert len(files) == 1
    return files[0]


def test_backup_verify_restore(services, scanned_app, out_dir, capsys):
    assert main(["backup", str(scanned_app), "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert "备份完成" in out and "已校验" in out
    path = _only_file(out_dir)

    assert main(["verify", str(path)]) == 0
    assert "备份完好" in capsys.readouterr().out

    assert main(["restore", str(path)]) == 1
    err = capsys.readouterr().err
    assert "不会覆盖" in err and "--as-new" in err
    assert len(services.repo.list_applications()) == 1

    assert main(["restore", str(path), "--as-new"]) == 0
    new_id = int(capsys.readouterr().out.strip().splitlines()[-1])
    assert services.export_answers(new_id) == services.export_answers(scanned_app)

    assert main(["restore", str(path), "--replace", str(new_id)]) == 0
    newest = int(capsys.readouterr().out.strip().splitlines()[-1])
    assert not services.repo.exists(new_id) and services.repo.exists(newest)


def test_verify_lists_damaged_files_and_exits_1(services, scanned_app, out_dir, tmp_path, capsys):
    assert main(["backup", str(scanned_app), "--out", str(out_dir)]) == 0
    path = _only_file(out_dir)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(data)
    capsys.readouterr()
    assert main(["verify", str(damaged)]) == 1
    out = capsys.readouterr().out
    assert "备份已损坏" in out and "扫描件/" in out


def test_encrypted_backup_with_passphrase_from_environment(
    services, scanned_app, out_dir, monkeypatch, capsys
):
    monkeypatch.setenv("BACKUP_PASS", "云南 昆明 2026")
    assert (
        main(
            [
                "backup",
                str(scanned_app),
                "--out",
                str(out_dir),
                "--encrypt",
                "--passphrase-env",
                "BACKUP_PASS",
            ]
        )
        == 0
    )
    path = _only_file(out_dir)
    assert path.name.endswith(".zip.enc")
    assert main(["verify", str(path), "--passphrase-env", "BACKUP_PASS"]) == 0
    monkeypatch.setenv("WRONG", "not it")
    capsys.readouterr()
    assert main(["verify", str(path), "--passphrase-env", "WRONG"]) == 1
    assert "口令不正确" in capsys.readouterr().err


def test_encrypt_prompts_twice_after_the_warning(services, scanned_app, out_dir, monkeypatch, capsys):
    import getpass

    answers = iter(["口令一", "口令二"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    assert main(["backup", str(scanned_app), "--out", str(out_dir), "--encrypt"]) == 2
    err = capsys.readouterr().err
    assert "无法恢复" in err and "不一致" in err
    assert not out_dir.exists() or not any(out_dir.iterdir())

    answers = iter(["同一个口令", "同一个口令"])
    assert main(["backup", str(scanned_app), "--out", str(out_dir), "--encrypt"]) == 0
    from desktop_app.usecases.backup import encryption_acknowledged

    assert encryption_acknowledged(services)


@pytest.mark.parametrize(
    "argv",
    [
        ["backup", "abc"],
        ["verify"],
        ["restore", "/no/such/backup.zip"],
        ["backup", "1", "--passphrase-env", "X"],
    ],
)
def test_usage_errors_exit_2(services, scanned_app, argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.strip()
