"""`attach` with many files: output in the given order, duplicates within one batch caught, bad files refused."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from desktop_app.cli import main


def test_batch_keeps_order_and_catches_duplicates_within_it(capsys, services, demo_app: int, tmp_path: Path) -> None:
    files = []
    for index, colour in enumerate(("red", "green", "blue")):
        path = tmp_path / f"学位证书{index}.jpg"
        Image.new("RGB", (600, 400), colour).save(path, "JPEG")
        files.append(path)
    broken = tmp_path / "学位证书坏.jpg"
    broken.write_bytes(files[0].read_bytes()[:300])
    same = tmp_path / "学位证书重复.jpg"
    same.write_bytes(files[1].read_bytes())
    before = len(services.load(demo_app).attachments)
    code = main(["attach", str(demo_app), "education[1]", *map(str, [*files, broken, same])])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 2  # one file was refused
    assert [line.split("：")[0] for line in lines] == ["已添加", "已添加", "已添加", "未添加", "重复"]
    assert all(name.name in line for name, line in zip([*files, broken, same], lines, strict=True))
    assert len(services.load(demo_app).attachments) == before + 3
