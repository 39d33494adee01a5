"""`attach` with many files: output in the given order, duplicates within one batch caught, bad files refused."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from desktop_app.cli import main


def test_batch_keeps_order_and_catches_duplicates_within_it(
    capsys, services, demo_app: int, tmp_path: Path
) -> None:
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


def test_reading_ahead_holds_a_bounded_number_of_bytes(
    services, demo_app: int, tmp_path: Path, monkeypatch
) -> None:
    import threading

    from desktop_app.usecases import scans
    from desktop_app.usecases.scans import STORED, attach_files, resolve_target

    files = []
    for index in range(6):
        path = tmp_path / f"学位证书{index}.png"
        Image.effect_noise((300, 300), 50 + index).convert("RGB").save(path)  # noise: ~270 KB each
        files.append(path)
    size = max(p.stat().st_size for p in files)
    monkeypatch.setattr(scans, "LOOKAHEAD_BYTES", size * 2)  # room for two files at once, not six
    in_memory: list[int] = []
    most = [0]
    lock = threading.Lock()
    real = scans._read_and_examine

    def counting(services_, path, password, store, *rest):  # type: ignore[no-untyped-def]
        with lock:
            in_memory.append(1)
            most[0] = max(most[0], len(in_memory))
        return real(services_, path, password, store, *rest)

    original_attach = scans.attach_bytes

    def attached(*args, **kwargs):  # type: ignore[no-untyped-def]
        with lock:
            in_memory.pop()  # the file being attached is the last moment its bytes are needed
        return original_attach(*args, **kwargs)

    monkeypatch.setattr(scans, "_read_and_examine", counting)
    monkeypatch.setattr(scans, "attach_bytes", attached)
    target = resolve_target(services, demo_app, "education[1]")
    outcomes = list(attach_files(services, demo_app, target, files))
    assert [o.status for o in outcomes] == [STORED] * 6
    assert most[0] <= 2


def test_pictures_decoded_together_stay_within_the_pixel_budget() -> None:
    import threading

    from desktop_app.usecases.packet import PixelBudget

    budget = PixelBudget(100)
    first_holds, second_in, release_first = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with budget.hold(80):
            first_holds.set()
            release_first.wait(30)

    def second() -> None:
        with budget.hold(50):
            second_in.set()

    a = threading.Thread(target=first)
    a.start()
    assert first_holds.wait(30)
    b = threading.Thread(target=second)
    b.start()
    assert not second_in.wait(0.3)  # 80 + 50 > 100: the second picture waits
    release_first.set()
    assert second_in.wait(30)  # and goes as soon as the first is done
    a.join(30)
    b.join(30)
    with budget.hold(10_000):  # larger than the whole budget: allowed once it is alone
        pass
