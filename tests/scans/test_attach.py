"""Attaching scans: exact bytes stored, originals untouched, duplicates recognised, required scans checked."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from desktop_app.scans.samples import render_certificate, to_jpeg
from desktop_app.usecases.scans import (
    DUPLICATE,
    NEEDS_PASSWORD,
    REFUSED,
    STORED,
    apply_proposed_names,
    attach_file,
    name_verdicts,
    resolve_target,
)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _file(tmp_path: Path, name: str, title: str = "毕业证书") -> Path:
    path = tmp_path / name
    path.write_bytes(to_jpeg(render_certificate(title, [name], size=(500, 350))))
    return path


def test_exact_bytes_are_stored_and_the_original_is_untouched(services, tmp_path: Path) -> None:
    app_id = services.new_application("张三", 2026)
    services.set_entry(app_id, "education", None, {"school": "云南大学"})
    path = _file(tmp_path, "IMG_20230512_101010.jpg")
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    outcome = attach_file(services, app_id, resolve_target(services, app_id, "education[1]"), path)
    assert outcome.status == STORED
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    attachment = services.load(app_id).attachments[0]
    assert attachment.sha256 == hashlib.sha256(before[0]).hexdigest()
    assert services.blobs.read(attachment.sha256) == before[0]
    assert attachment.media_type == "image/jpeg"
    assert attachment.original_name == "IMG_20230512_101010.jpg"


def test_type_is_sniffed_even_with_a_wrong_extension(services, tmp_path: Path) -> None:
    app_id = services.new_application("张三", 2026)
    path = tmp_path / "身份证人像面.pdf"
    path.write_bytes((CORPUS / "images" / "hopper.webp").read_bytes())
    outcome = attach_file(services, app_id, resolve_target(services, app_id, "basic"), path)
    assert outcome.status == STORED
    assert services.load(app_id).attachments[0].media_type == "image/webp"


def test_same_bytes_twice_are_a_duplicate_across_sections(services, tmp_path: Path) -> None:
    app_id = services.new_application("张三", 2026)
    services.set_entry(app_id, "awards", None, {"award_name": "昆明市科学技术进步奖"})
    path = _file(tmp_path, "荣誉证书.jpg", "荣誉证书")
    first = attach_file(services, app_id, resolve_target(services, app_id, "awards[1]"), path)
    second = attach_file(services, app_id, resolve_target(services, app_id, "basic"), path)
    assert (first.status, second.status) == (STORED, DUPLICATE)
    assert "获得表彰奖励情况 第1条" in second.duplicates[0]
    assert len(services.load(app_id).attachments) == 1
    forced = attach_file(
        services, app_id, resolve_target(services, app_id, "basic"), path, allow_duplicate=True
    )
    assert forced.status == STORED and len(services.load(app_id).attachments) == 2


def test_refused_and_password_files_store_nothing(services, tmp_path: Path) -> None:
    app_id = services.new_application("张三", 2026)
    target = resolve_target(services, app_id, "basic")
    truncated = attach_file(services, app_id, target, CORPUS / "images" / "truncated_jpeg.jpg")
    locked = attach_file(services, app_id, target, CORPUS / "pdfs" / "encrypted_aes256_user_pw_foo.pdf")
    assert truncated.status == REFUSED and "文件不完整" in truncated.message
    assert locked.status == NEEDS_PASSWORD
    assert services.load(app_id).attachments == ()
    assert services.repo.all_blob_hashes() == set()
    opened = attach_file(
        services, app_id, target, CORPUS / "pdfs" / "encrypted_aes256_user_pw_foo.pdf", password="foo"
    )
    assert opened.status == STORED
    assert services.load(app_id).attachments[0].edits["pdf_password"] == "foo"


def test_kind_is_guessed_from_the_name_and_commitment_hangs_on_the_application(
    services, tmp_path: Path
) -> None:
    app_id = services.new_application("张三", 2026)
    services.set_entry(app_id, "education", None, {"school": "云南大学"})
    degree = attach_file(
        services,
        app_id,
        resolve_target(services, app_id, "education[1]"),
        _file(tmp_path, "学士学位证书.jpg"),
    )
    commitment = attach_file(
        services,
        app_id,
        resolve_target(services, app_id, "cover"),
        _file(tmp_path, "职称申报承诺书.jpg", "承诺书"),
    )
    assert degree.kind == "degree_certificate" and commitment.kind == "commitment"
    app = services.load(app_id)
    stored = {a.kind: a for a in app.attachments}
    assert stored["commitment"].section is None and stored["commitment"].entry_id is None
    assert stored["degree_certificate"].entry_id == app.section("education").entries[0].id


def test_demo_is_complete_and_a_missing_required_scan_is_named(services, demo_app: int) -> None:
    assert services.check(demo_app).is_ready
    app = services.load(demo_app)
    diploma = next(a for a in app.attachments if a.kind == "diploma")
    services.repo.delete_attachment(diploma.id)
    errors = services.check(demo_app).errors
    assert [(f.section, f.entry, f.field_label) for f in errors] == [("education", 1, "毕业证书")]
    assert "尚未上传扫描件" in errors[0].message


def test_conditional_scan_is_required_only_when_its_condition_holds(services, demo_app: int) -> None:
    app = services.load(demo_app)
    appointment = next(a for a in app.attachments if a.kind == "appointment")
    services.repo.delete_attachment(appointment.id)
    assert [f.field_label for f in services.check(demo_app).errors] == ["聘任文件或聘书"]
    entry_id = services.load(demo_app).section("current_title").entries[0].id
    services.set_entry(
        demo_app,
        "current_title",
        entry_id,
        {"appointed": "否", "appointed_on": "", "appointing_unit": "", "appointed_post": ""},
    )
    assert "聘任文件或聘书" not in [f.field_label for f in services.check(demo_app).errors]


def test_one_click_naming_renames_display_names_only(services, tmp_path: Path) -> None:
    app_id = services.new_application("张三", 2026)
    services.set_entry(app_id, "education", None, {"school": "云南大学", "education_level": "大学本科"})
    path = _file(tmp_path, "IMG_20230512_101010.jpg")
    attach_file(services, app_id, resolve_target(services, app_id, "education[1]"), path, kind="diploma")
    app = services.load(app_id)
    assert name_verdicts(services, app)[app.attachments[0].id].level == "fail"
    assert apply_proposed_names(services, app_id) == 1
    app = services.load(app_id)
    attachment = app.attachments[0]
    assert attachment.display_name == "02-1_学历情况_本科毕业证书（云南大学）.jpg"
    assert attachment.original_name == "IMG_20230512_101010.jpg"
    assert path.name == "IMG_20230512_101010.jpg" and path.exists()
    assert name_verdicts(services, app)[attachment.id].level == "ok"


def test_demo_scans_are_all_well_named(services, demo_app: int) -> None:
    app = services.load(demo_app)
    verdicts = name_verdicts(services, app)
    assert len(verdicts) >= 30
    assert {v.level for v in verdicts.values()} == {"ok"}
    assert any(a.media_type == "application/pdf" for a in app.attachments)


def test_chosen_pages_of_a_pdf_are_kept_as_an_edit(services) -> None:
    app_id = services.new_application("张三", 2026)
    target = resolve_target(services, app_id, "basic")
    pdf = CORPUS / "pdfs" / "indirect_rotation.pdf"
    outcome = attach_file(services, app_id, target, pdf, pages="1,3-4")
    assert outcome.status == STORED
    assert services.load(app_id).attachments[0].edits == {"pages": [1, 3, 4]}
    too_far = attach_file(services, app_id, target, pdf, pages="6", allow_duplicate=True)
    assert too_far.status == REFUSED and "共 5 页" in too_far.message
