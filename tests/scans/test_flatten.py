"""Issue 17: phone photos of pages on a desk become scans — found, straightened, whitened — and photos
without a page are left as they were taken."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from desktop_app.cli import main
from desktop_app.scans import flatten, photos, samples
from desktop_app.scans.normalise import open_normalised

A4 = math.sqrt(2)
CARD = 85.6 / 54.0


def _a4_page(seed: int) -> Image.Image:
    return samples._portrait_page(
        "业绩证明", ["兹证明 张三 同志", "工作情况属实。"], "昆明市某某单位", seed=seed
    ).resize((1240, 1754))


def _certificate(seed: int) -> Image.Image:
    return samples.render_certificate(
        "荣誉证书", ["张三 同志：", "荣获一等奖。"], size=(1754, 1240), issuer="昆明市某某局", seed=seed
    )


def _id_card(seed: int) -> Image.Image:
    return samples.render_certificate(
        "居民身份证",
        ["姓名 张三", "住址 云南省昆明市"],
        size=(856, 540),
        issuer="宜良县公安局",
        accent=(30, 90, 160),
        seed=seed,
    )


# (page, upright frame, height/width of the real page)
CASES = {
    "a4-portrait": (_a4_page, (1200, 1600), A4),
    "certificate-landscape": (_certificate, (1600, 1200), 1 / A4),
    "id-card": (_id_card, (1600, 1200), 1 / CARD),
}


def _red(pixels: np.ndarray) -> int:
    r, g, b = (pixels[..., i].astype(int) for i in range(3))
    return int(((r > 140) & (r - g > 70) & (r - b > 70)).sum())


def _desk_like(pixels: np.ndarray) -> float:
    """Share of pixels with the desk's brown (warm, mid-dark, saturated)."""
    r, g, b = (pixels[..., i].astype(int) for i in range(3))
    return float(((r - b > 40) & (r < 200) & (g < 170)).mean())


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_photographed_page_is_found_straightened_and_whitened(case: str, seed: int) -> None:
    make, frame, true_aspect = CASES[case]
    page = make(seed)
    photo = samples.photo_on_desk(page, frame=frame, seed=seed * 7, tilt=14, orientation=6)
    upright = open_normalised(photo.data)  # the phone was held sideways: EXIF turns it back
    assert upright.size == frame

    found = flatten.find_page(upright)
    assert found is not None
    diagonal = math.hypot(*upright.size)
    for (fx, fy), (tx, ty) in zip(found.corners, photo.corners, strict=True):
        assert math.hypot((fx - tx) * upright.width, (fy - ty) * upright.height) <= 0.01 * diagonal

    out = flatten.flatten(upright, found.as_edit())
    assert abs(out.height / out.width - true_aspect) / true_aspect <= 0.02
    pixels = np.asarray(out.convert("RGB"))
    band = max(3, out.width // 100)
    border = np.concatenate(
        [
            pixels[:band].reshape(-1, 3),
            pixels[-band:].reshape(-1, 3),
            pixels[:, :band].reshape(-1, 3),
            pixels[:, -band:].reshape(-1, 3),
        ]
    )
    # The border is the page's own margin: paper-white, with no desk in it.
    assert _desk_like(border[None]) < 0.005
    assert np.median(border.mean(axis=1)) > 235
    # Paper inside the shadow is white too (the shadow was up to 35 % darker).
    assert np.percentile(pixels.mean(axis=2), 60) > 240
    # The red seal survives whitening: most of its red pixels are still red.
    expected = _red(np.asarray(page.convert("RGB").resize(out.size)))
    assert expected > 200
    assert _red(pixels) >= 0.5 * expected


def _landscape() -> Image.Image:
    rng = np.random.default_rng(5)
    height, width = 1200, 1600
    y = np.linspace(0, 1, height)[:, None, None]
    sky = np.array([120, 170, 235]) * (1 - y) + np.array([220, 230, 245]) * y
    pixels = np.broadcast_to(sky, (height, width, 3)).copy()
    xs = np.arange(width)
    horizon = (height * 0.55 + 60 * np.sin(xs / 180) + 30 * np.sin(xs / 47)).astype(int)
    for x in range(width):
        pixels[horizon[x] :, x] = [60, 130, 50]
    pixels += rng.normal(0, 5, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _face() -> Image.Image:
    im = Image.new("RGB", (1200, 1600), (70, 90, 120))
    draw = ImageDraw.Draw(im)
    draw.ellipse((300, 350, 900, 1150), fill=(230, 190, 160))
    draw.ellipse((420, 620, 520, 680), fill=(40, 30, 30))
    draw.ellipse((680, 620, 780, 680), fill=(40, 30, 30))
    draw.arc((480, 850, 720, 1000), 20, 160, fill=(150, 50, 50), width=12)
    draw.rectangle((250, 1150, 950, 1600), fill=(30, 30, 60))
    return im.filter(ImageFilter.GaussianBlur(3))


def _camera_jpeg(im: Image.Image) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "HUAWEI"
    exif[0x0110] = "P40"
    buffer = io.BytesIO()
    im.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize("picture", [_landscape, _face])
def test_a_photo_without_a_page_is_not_taken_for_one(picture) -> None:  # type: ignore[no-untyped-def]
    assert flatten.find_page(picture()) is None
    assert flatten.look_in_bytes(_camera_jpeg(picture())) == photos.NOT_FOUND


def test_photos_and_scans_are_told_apart_by_camera_data_resolution_and_frame_shape() -> None:
    page = _a4_page(1)
    scanned = io.BytesIO()
    page.resize((2480, 3508)).save(scanned, "JPEG", dpi=(300, 300))
    assert not photos.photo_evidence(Image.open(scanned))  # a flatbed scan records its resolution
    assert photos.photo_evidence(Image.open(io.BytesIO(_camera_jpeg(page))))  # camera make and model
    plain = io.BytesIO()
    Image.new("RGB", (4000, 3000), "white").save(plain, "JPEG")
    assert photos.photo_evidence(Image.open(plain))  # 12 MP in a camera's 4:3 frame
    small = io.BytesIO()
    page.save(small, "JPEG")
    assert not photos.photo_evidence(Image.open(small))  # a 2 MP picture in A4's shape is a scan


# The command line (the "Done when") ------------------------------------------------------


def _app(capsys) -> str:  # type: ignore[no-untyped-def]
    assert main(["new", "--name", "张三", "--year", "2026"]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def _exported(out: Path) -> Image.Image:
    files = sorted(out.rglob("*.jpg"))
    assert len(files) == 1
    return Image.open(files[0]).convert("RGB")


def test_attach_flattens_a_phone_photo_and_upload_export_gives_the_page(capsys, tmp_path: Path) -> None:
    app = _app(capsys)
    photo = samples.photo_on_desk(_a4_page(4), frame=(1200, 1600), seed=11)
    source = tmp_path / "IMG_20260101_101010.jpg"
    source.write_bytes(photo.data)
    assert main(["attach", app, "cover", str(source), "--kind", "commitment"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("已添加：IMG_20260101_101010.jpg") and "已整理为扫描件" in line
    assert source.read_bytes() == photo.data  # the original is untouched

    assert main(["upload-export", app, "--out", str(tmp_path / "up")]) == 0
    picture = _exported(tmp_path / "up")
    assert abs(picture.height / picture.width - A4) / A4 <= 0.03
    pixels = np.asarray(picture)
    border = np.concatenate(
        [
            pixels[:8].reshape(-1, 3),
            pixels[-8:].reshape(-1, 3),
            pixels[:, :8].reshape(-1, 3),
            pixels[:, -8:].reshape(-1, 3),
        ]
    )
    assert np.median(border.mean(axis=1)) > 235 and _desk_like(border[None]) < 0.005


def test_no_flatten_keeps_the_photo_as_taken(capsys, tmp_path: Path) -> None:
    app = _app(capsys)
    source = tmp_path / "承诺书.jpg"
    source.write_bytes(samples.photo_on_desk(_a4_page(5), frame=(1200, 1600), seed=12).data)
    assert main(["attach", app, "cover", str(source), "--kind", "commitment", "--no-flatten"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("已添加：承诺书.jpg") and "按要求保留原样" in line and "已整理为扫描件" not in line
    assert main(["upload-export", app, "--out", str(tmp_path / "up")]) == 0
    picture = _exported(tmp_path / "up")
    assert picture.size == (1200, 1600)
    assert _desk_like(np.asarray(picture)[:20]) > 0.5  # the desk is still there


def test_a_photo_without_a_document_is_kept_without_an_error(capsys, tmp_path: Path) -> None:
    app = _app(capsys)
    source = tmp_path / "风景.jpg"
    source.write_bytes(_camera_jpeg(_landscape()))
    assert main(["attach", app, "cover", str(source), "--kind", "commitment"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("已添加：风景.jpg") and "未能自动识别纸张边缘" in line
    assert main(["upload-export", app, "--out", str(tmp_path / "up")]) == 0
    assert _exported(tmp_path / "up").size == (1600, 1200)


def test_flattening_is_undone_and_redone_in_one_step_each(services, tmp_path: Path) -> None:
    from desktop_app.usecases.scans import Target, attach_files, set_flattening, thumbnail_picture

    app_id = services.new_application("张三", 2026)
    source = tmp_path / "承诺书.jpg"
    source.write_bytes(samples.photo_on_desk(_a4_page(6), frame=(1200, 1600), seed=13).data)
    [outcome] = list(
        attach_files(
            services,
            app_id,
            Target("cover", services.repo.single_entry_id(app_id, "cover")),
            [source],
            kind="commitment",
        )
    )
    attachment = next(a for a in services.load(app_id).attachments if a.id == outcome.attachment_id)
    blob = services.blobs.path(attachment.sha256)
    flat = thumbnail_picture(blob, attachment.media_type, attachment.edits, 400)
    assert abs(flat.height / flat.width - A4) / A4 < 0.03

    undone = set_flattening(services, attachment, False)
    assert thumbnail_picture(blob, attachment.media_type, undone, 400).size == (300, 400)  # as taken
    attachment = next(a for a in services.load(app_id).attachments if a.id == outcome.attachment_id)
    redone = set_flattening(services, attachment, True)
    assert redone["flatten"] == attachment.edits["flatten_undone"]


def test_the_print_page_is_prepared_flattened_during_the_import(services, tmp_path: Path) -> None:
    from desktop_app.usecases.packet import prepared_page_paths
    from desktop_app.usecases.scans import Target, attach_files

    app_id = services.new_application("张三", 2026)
    source = tmp_path / "承诺书.jpg"
    source.write_bytes(samples.photo_on_desk(_a4_page(7), frame=(1200, 1600), seed=14).data)
    [outcome] = list(
        attach_files(
            services,
            app_id,
            Target("cover", services.repo.single_entry_id(app_id, "cover")),
            [source],
            kind="commitment",
        )
    )
    sha = next(a.sha256 for a in services.load(app_id).attachments if a.id == outcome.attachment_id)
    [printed] = prepared_page_paths(services, app_id, sha)
    assert printed.is_file()  # the packet finds it ready: nothing to decode again
    with Image.open(printed) as page:
        assert abs(page.height / page.width - A4) / A4 < 0.02


def test_an_id_card_takes_the_cards_proportions_whatever_was_measured(services, tmp_path: Path) -> None:
    from desktop_app.usecases.scans import Target, attach_files, set_flattening

    app_id = services.new_application("张三", 2026)
    target = Target("basic", services.repo.single_entry_id(app_id, "basic"))
    source = tmp_path / "身份证人像面.jpg"
    source.write_bytes(samples.photo_on_desk(_id_card(1), frame=(1600, 1200), seed=21).data)
    [outcome] = list(attach_files(services, app_id, target, [source], kind="id_card_front"))
    attachment = next(a for a in services.load(app_id).attachments if a.id == outcome.attachment_id)
    assert abs(attachment.edits["flatten"]["aspect"] - 54 / 85.6) < 1e-4
    # The import cached the card's print page: the packet decodes nothing again.
    from desktop_app.usecases.packet import prepared_page_paths

    assert outcome.prepared and all(
        p.is_file() for p in prepared_page_paths(services, app_id, attachment.sha256)
    )
    # Corners placed by hand a little off the card's shape still give a card.
    edits = set_flattening(
        services, attachment, True, corners=[[0.2, 0.2], [0.8, 0.2], [0.8, 0.62], [0.2, 0.62]]
    )
    assert abs(edits["flatten"]["aspect"] - 54 / 85.6) < 1e-4 and edits["flatten"]["auto"] is False


def test_a_photo_on_the_document_survives_whitening() -> None:
    # A portrait a fifth of the page wide (a 个人信息表, a certificate with the holder's photo).
    page = _a4_page(8)
    draw = ImageDraw.Draw(page)
    box = (850, 250, 1098, 572)
    draw.rectangle(box, fill=(90, 120, 170))
    draw.ellipse((box[0] + 30, box[1] + 40, box[2] - 30, box[3] - 20), fill=(200, 160, 130))
    photo = samples.photo_on_desk(page, frame=(1200, 1600), seed=5, orientation=None)
    upright = open_normalised(photo.data)
    found = flatten.find_page(upright)
    assert found is not None
    out = np.asarray(flatten.flatten(upright, found.as_edit()).resize(page.size)).astype(int)
    x0, y0, x1, y1 = box
    face = out[(y0 + y1) // 2 - 20 : (y0 + y1) // 2 + 20, (x0 + x1) // 2 - 20 : (x0 + x1) // 2 + 20].mean(
        axis=(0, 1)
    )
    background = out[y0 + 10 : y1 - 10, x0 + 5 : x0 + 20].mean(axis=(0, 1))
    assert np.abs(face - (200, 160, 130)).max() < 35  # skin stays skin, not paper-white
    assert np.abs(background - (90, 120, 170)).max() < 35


@pytest.mark.parametrize("seed", [1, 2])
def test_a_scan_filling_the_whole_picture_has_no_page_to_find(seed: int) -> None:
    # The certificate's own printed border must not be taken for the paper's edge.
    assert flatten.find_page(_a4_page(seed).resize((1200, 1600))) is None


def test_the_demos_phone_photos_are_flattened_in_its_packet(services, demo_app: int) -> None:
    from desktop_app.usecases.packet import prepare_attachment_pages, prepared_page_paths

    photos = [a for a in services.load(demo_app).attachments if a.original_name.startswith("IMG_")]
    assert len(photos) >= 5 and all("flatten" in a.edits for a in photos)
    prepare_attachment_pages(services, demo_app)
    for attachment in photos:
        [printed] = prepared_page_paths(services, demo_app, attachment.sha256)
        with Image.open(printed) as page:
            shape = max(page.size) / min(page.size)
        assert abs(shape - 4 / 3) > 0.04  # not the camera's frame: the page's own proportions
        assert min(abs(shape - known) / known for known in (A4, CARD, 1100 / 780)) < 0.03


def test_the_content_check_reads_the_flattened_page(services, tmp_path: Path) -> None:
    from desktop_app.usecases.scans import _first_page_picture

    photo = samples.photo_on_desk(_a4_page(9), frame=(1200, 1600), seed=15)
    finding = flatten.look_in_bytes(photo.data)
    assert isinstance(finding, photos.PageFinding)
    picture = _first_page_picture(photo.data, "image/jpeg", {"flatten": finding.as_edit()}, 1000, pdf_dpi=150)
    assert abs(picture.height / picture.width - A4) / A4 < 0.03


@pytest.mark.parametrize("turn", [2, 3, 4, 5, 6, 7, 8])
def test_a_sideways_photo_is_flattened_straight_from_its_stored_pixels(turn: int) -> None:
    # Issue 16: a phone stores a portrait photo sideways with an EXIF orientation; the page is warped straight from
    # the stored pixels (no whole-picture rotation first) and must come out exactly as from the upright picture.
    from desktop_app.scans import normalise

    upright = Image.fromarray(np.random.default_rng(turn).integers(0, 255, (300, 200, 3), dtype=np.uint8))
    undo = {6: 8, 8: 6}.get(turn, turn)  # the transposition that stores the upright picture this way
    stored = normalise.turned(upright, undo)
    assert np.array_equal(np.asarray(normalise.turned(stored, turn)), np.asarray(upright))
    edit = {"corners": [[0.1, 0.12], [0.85, 0.1], [0.9, 0.8], [0.15, 0.9]], "aspect": 1.3}
    expected = np.asarray(flatten.flatten(upright, edit, whiten=False)).astype(int)
    got = np.asarray(flatten.flatten(stored, edit, whiten=False, turn=turn)).astype(int)
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() <= 1  # the same page, pixel for pixel (rounding aside)


def test_an_id_card_side_is_cached_at_import_in_the_cards_proportions(services) -> None:
    # Even when the measured shape is not a card's (here an A4 page), the side of an ID card is printed in the
    # card's proportions; the import caches exactly that page, so the packet has nothing to decode again.
    from desktop_app.packet.scan_pages import cache_path, freeze_edits
    from desktop_app.usecases.prepare import cache_dir, import_page_check

    data = samples.photo_on_desk(_a4_page(9), frame=(1200, 1600), seed=15).data
    findings: dict[int, object] = {}
    import_page_check(services, "card", findings, card=True)(data, 0)
    found = findings[0]
    assert isinstance(found, photos.PageFinding) and abs(found.aspect - A4) / A4 < 0.02
    edits = freeze_edits({"flatten": found.as_card().as_edit()})
    with Image.open(cache_path(cache_dir(services), "card", 0, edits)) as page:
        assert abs(max(page.size) / min(page.size) - 85.6 / 54) < 0.02
