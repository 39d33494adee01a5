"""assemble_packet: plan → render forms → prepare scans → stamp → merge → sanitize → verify → atomic rename.

Everything is written into a work folder beside the target; the finished file replaces the previous
packet only after it was read back and checked, so a failed or cancelled run leaves the last good one.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop_app.domain import Attachment
from desktop_app.errors import Cancelled, UserError
from desktop_app.formspec.types import format_value
from desktop_app.os_errors import StorageProblem, from_os_error, replace_file, to_user_error
from desktop_app.packet import evidence as ev
from desktop_app.packet.flow import Flow
from desktop_app.packet.fonts import missing_characters
from desktop_app.packet.form_pages import (
    commitment_placeholder,
    cover_part,
    declaration_part,
    fill_toc,
    photo_box,
    summary_part,
    toc_entries,
    toc_placeholder,
)
from desktop_app.packet.layout import Text
from desktop_app.packet.merge import merge, trial_merge
from desktop_app.packet.plan import ImageSlot, PageMap, Part, PlannedPage, build_page_map
from desktop_app.packet.render import render_pages
from desktop_app.packet.sanitize import placeable_copy, sanitize_writer
from desktop_app.packet.scan_pages import (
    PrepareCancelled,
    PreparedImage,
    PrepareJob,
    cached,
    freeze_edits,
    prepare_many,
    save_prepared,
)
from desktop_app.packet.source import (
    RASTER_MAX_SIDE,
    MaterialError,
    OpenItem,
    PacketOptions,
    PacketSource,
    ScanAccess,
    image_jobs,
    material_jobs,
)
from desktop_app.packet.tier_pages import (
    ChainUnknownError,
    chain_for,
    organisation,
    publicity_part,
    tiers_part,
    unit_seals,
)
from desktop_app.packet.verify import page_unembedded_fonts, verify_packet

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
PDF_TYPE = "application/pdf"


class PacketCancelled(Cancelled):
    """The person cancelled; the previous packet is untouched."""

    def __init__(self) -> None:
        super().__init__("已取消生成打印材料", "原有的打印材料没有改动")


class MissingCharactersError(UserError):
    """Some text uses characters the embedded font lacks (they would print as empty boxes)."""


class OutputError(UserError):
    """The target file cannot be written."""


class IncompletePacketError(UserError):
    """The completeness check has open items: only a draft may be written."""


SHOWN_OPEN_ITEMS = 5


def refuse_final(items: Sequence[OpenItem]) -> None:
    """Raise the “尚有 N 项未完善” error naming the first open items (nothing is written)."""
    first = "；".join(item.text for item in items[:SHOWN_OPEN_ITEMS])
    more = "等" if len(items) > SHOWN_OPEN_ITEMS else ""
    raise IncompletePacketError(
        f"尚有 {len(items)} 项未完善，不能生成正式打印材料：{first}{more}",
        "请先完善这些项目，全部项目可用 check 命令或“检查与导出”页查看；需要先看排版时可以生成草稿（--draft）",
    )


@dataclass(frozen=True)
class PacketResult:
    """What was written, and what the person should check on paper (`notices`, in Chinese)."""

    path: Path
    pages: int
    marks: tuple[tuple[str, ...], ...]
    seconds: float
    notices: tuple[str, ...] = ()
    open_items: int = 0  # how many open items a draft lists (0 for a final packet)


@dataclass
class _Run:
    progress: Progress
    is_cancelled: Callable[[], bool]
    notices: list[str] = field(default_factory=list)

    def step(self, done: int, text: str) -> None:
        if self.is_cancelled():
            raise PacketCancelled()
        self.progress(done, 100, text)


def assemble_packet(
    source: PacketSource,
    out: Path,
    options: PacketOptions | None = None,
    progress: Progress = lambda done, total, text: None,
    is_cancelled: Callable[[], bool] = lambda: False,
) -> PacketResult:
    """Build the print packet into `out`, replacing it only when the new one was verified."""
    started = time.perf_counter()
    options = options or PacketOptions()
    run = _Run(progress, is_cancelled)
    out = Path(out)
    run.step(0, "检查内容")
    if source.open_items and not options.draft:
        refuse_final(source.open_items)
    if options.draft and not source.open_items:
        options = replace(options, draft=False)  # nothing open: the draft asked for is the final packet
    check_characters(source)
    work = make_work_folder(out)
    try:
        run.step(2, "准备证明材料图片")
        commitment, materials = prepare_scans(source, options, run)
        run.step(60, "排版申报表和审核页")
        page_map = plan_pages(source, commitment, materials, options)
        check_planned_characters(page_map)
        run.step(65, "生成页面")
        rendered = work / "pages.pdf"
        render_forms(source, page_map, rendered, options.draft)
        run.step(75, "放入证明材料")
        writer = merge(rendered, page_map, work / "packet.pdf", metadata(source))
        run.step(88, "清除活动内容")
        sanitize_writer(writer)
        written = work / "packet.pdf"
        with open(written, "wb") as fh:
            writer.write(fh)
            fh.flush()
            del writer
            # The file reaches the disk while it is read back: both must succeed before it replaces `out`.
            # Leaving the block waits for the sync (the file stays open until it is done); when the read-back
            # failed, that failure says more than the sync's; else result() raises the sync's (a full disk may
            # only show here, with delayed allocation).
            with ThreadPoolExecutor(1, "packet-fsync") as syncing:
                synced = syncing.submit(os.fsync, fh.fileno())
                run.step(94, "核对生成的文件")
                verify_packet(written, page_map.total)
            synced.result()
        run.step(99, "保存")
        replace_file(written, out)  # a packet open in a PDF viewer on Windows: wait briefly, then say so
    except PrepareCancelled as exc:
        raise PacketCancelled() from exc
    except PermissionError as exc:
        raise OutputError(
            f"无法写入“{out}”：没有权限或文件正被其他程序打开", "请关闭正在查看该文件的程序，或换一个保存位置"
        ) from exc
    except OSError as exc:  # a full or read-only output disk, a vanished folder: said as it is
        raise (from_os_error(exc, out.parent if not exc.filename else None) or exc) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress(100, 100, "完成")
    return PacketResult(
        out,
        page_map.total,
        tuple(m.path for m in page_map.marks),
        time.perf_counter() - started,
        tuple(run.notices),
        len(source.open_items) if options.draft else 0,
    )


# Steps ------------------------------------------------------------------------------------------


def make_work_folder(out: Path) -> Path:
    """A private folder beside the target, so the final rename stays on one file system."""
    folder = out.parent
    if not folder.is_dir():
        raise OutputError(f"保存位置“{folder}”不存在", "请选择一个已有的文件夹")
    try:
        return Path(tempfile.mkdtemp(prefix=".packet-work-", dir=folder))
    except OSError as exc:
        raise (
            from_os_error(exc, folder)
            or OutputError(f"无法在“{folder}”中写入文件", "请换一个有写入权限的保存位置")
        ) from exc


def _where_texts(source: PacketSource) -> list[tuple[str, str]]:
    """(place, text) of everything the applicant typed that will be printed, for a useful message."""
    out: list[tuple[str, str]] = []
    app = source.app
    for section in source.forms:
        for index, entry in enumerate(app.section(section.key).entries, start=1):
            place = section.title + (f"第{index}条" if section.repeatable else "")
            for spec in section.fields:
                if spec.print != "no":
                    out.append(
                        (f"{place} {spec.printed_label}", format_value(spec, entry.answers.get(spec.key)))
                    )
    for att in app.attachments:
        out.append(
            (f"证明材料“{att.display_name or att.original_name}”", att.display_name or att.original_name)
        )
    return out


def check_characters(source: PacketSource) -> None:
    """Refuse before any work when a typed character cannot be printed with the embedded font."""
    problems: dict[str, list[str]] = {}
    for place, text in _where_texts(source):
        for ch in missing_characters([text]):
            problems.setdefault(ch, []).append(place)
    if problems:
        _raise_missing(problems)


def check_planned_characters(page_map: PageMap) -> None:
    """The same check over every text actually laid out (headers, tier names, bookmarks)."""
    texts = [op.text for page in page_map.pages for op in page.ops if isinstance(op, Text)]
    texts += [page.header for page in page_map.pages] + [m.title for m in page_map.marks]
    missing = missing_characters(texts)
    if missing:
        _raise_missing({ch: [] for ch in missing})


def _raise_missing(problems: Mapping[str, list[str]]) -> None:
    shown = []
    for ch, places in list(problems.items())[:10]:
        where = f"（{'、'.join(dict.fromkeys(places))}）" if places else ""
        shown.append(f"“{ch}”{where}")
    raise MissingCharactersError(
        "以下字符本程序附带的打印字体中都没有，打印出来会是空白方框，因此没有生成打印材料："
        + "；".join(shown),
        "本程序附带的字体都没有这些字符，请核对是否为误输入的符号；姓名等必须与证件一致的内容，可在打印后手写补上",
    )


UNEMBEDDED_RASTERISED = (
    "证明材料“{name}”第 {pages} 页的字体没有嵌入文件，已转为图片放入：请核对打印出来的文字是否清楚"
)
MALFORMED_RASTERISED = (
    "证明材料“{name}”第 {pages} 页的内部结构有问题，已转为图片放入：请核对打印出来的内容是否完整"
)
UNEMBEDDED_REFUSED = "证明材料“{name}”第 {pages} 页使用了没有嵌入文件的字体，打印时可能缺字"


FONTS, STRUCTURE = "fonts", "structure"


def _needs_picture(page: Any) -> str | None:
    """Why a PDF page must be printed as a picture (FONTS: it uses fonts not in the file; STRUCTURE: it
    is too malformed for pypdf to place, and a rendered picture is the safe way to print it), or None."""
    try:
        copy = placeable_copy(page)
        if page_unembedded_fonts(copy):
            return FONTS
        trial_merge(copy)  # what the merge will do, on a blank page: malformed resources fail here
        return None
    except Exception:  # noqa: BLE001 - hostile or malformed page structure: rasterise rather than fail
        log.info("cannot place a PDF page as it is; placing it as a picture", exc_info=True)
        return STRUCTURE


def _placeable_pdf_pages(source: PacketSource, att: Attachment, path: Path, run: _Run) -> list[Any]:
    """The attachment's chosen PDF pages: as pages where possible, as pictures where fonts are missing.

    A page whose fonts are not in the file (common in PDFs from online systems: STSong-Light, the
    standard 14 fonts) would print with substitutes or empty boxes, so it is rendered once at 200 dpi
    to fit A4 (cached like a scan's print page) and placed as a picture; the person is told which pages.
    """
    edits = dict(att.edits or {})
    pages: list[Any] = list(source.scans.pdf_pages(path, edits))
    name = att.display_name or att.original_name
    reasons = {n: why for n, page in enumerate(pages) if (why := _needs_picture(page))}
    flagged = list(reasons)
    if not flagged:
        return pages
    chosen = [int(p) for p in edits.get("pages") or []]

    def numbers_of(which: list[int]) -> str:  # the page numbers of the file, not positions among the chosen
        return "、".join(str(chosen[n] if n < len(chosen) else n + 1) for n in which)

    numbers = numbers_of(flagged)
    if source.scans.pdf_raster is None:
        raise MaterialError(
            UNEMBEDDED_REFUSED.format(name=name, pages=numbers),
            "请向出具单位索取嵌入字体的 PDF，或打印后扫描成图片再添加",
        )
    # The chosen pages are part of the key: page n of another selection is another page.
    frozen = (
        *freeze_edits(edits),
        ("pages", json.dumps(edits.get("pages"))),
        ("raster", str(RASTER_MAX_SIDE)),
    )
    jobs = {n: PrepareJob(path, att.sha256, n, frozen, source.cache_dir) for n in flagged}
    missing = []
    for n, job in jobs.items():
        done = cached(job)
        if done is None:
            missing.append(n)
        else:
            pages[n] = done
    if missing:
        pictures = source.scans.pdf_raster(path, edits, missing)
        try:
            for n, picture in zip(missing, pictures, strict=True):
                pages[n] = save_prepared(jobs[n], picture)
        except OSError as exc:
            raise MaterialError(f"无法保存证明材料“{name}”的打印图片", "请检查磁盘空间后重试") from exc
        finally:
            close = getattr(pictures, "close", None)
            if close is not None:
                close()  # the renderer's open document is released on this thread
    for why, template in ((FONTS, UNEMBEDDED_RASTERISED), (STRUCTURE, MALFORMED_RASTERISED)):
        these = [n for n in flagged if reasons[n] == why]
        if these:
            run.notices.append(template.format(name=name, pages=numbers_of(these)))
    return pages


def prepare_scans(
    source: PacketSource, options: PacketOptions, run: _Run
) -> tuple[list[ev.Material], list[ev.Material]]:
    """Prepared images (cached by blob hash and settings) and opened PDF pages, in menu order."""
    app = source.app
    if options.draft:  # each missing required scan gets a placeholder page where it belongs
        missing = [
            ev.placeholder_attachment(n, item.section, item.entry_id, item.kind, item.kind_label)
            for n, item in enumerate(source.open_items, start=1)
            if item.kind
        ]
        app = replace(app, attachments=(*app.attachments, *missing))
    ordered = ev.order_attachments(app, source.forms)
    materials: list[ev.Material] = []
    jobs: list[PrepareJob] = []
    owners: list[tuple[ev.Material, int]] = []
    for section, entry, att in ordered:
        name = att.display_name or att.original_name
        material = ev.Material(att, section, entry, ev.material_title(section, att))
        if att.id < 0:
            material.missing = True
            materials.append(material)
            continue
        path = source.locate(att.sha256)
        if not path.is_file():
            raise MaterialError(f"证明材料“{name}”的文件不见了", "请在证明材料中删除后重新添加该文件")
        try:
            if att.media_type == PDF_TYPE:
                material.pdf_pages = _placeable_pdf_pages(source, att, path, run)
            elif att.media_type.startswith("image/"):
                for job in image_jobs(att, path, source):
                    jobs.append(job)
                    owners.append((material, len(jobs) - 1))
            else:
                raise MaterialError(
                    f"证明材料“{name}”不是图片或 PDF，无法打印", "请删除后换成 JPG、PNG 或 PDF 文件"
                )
        except MaterialError:
            raise
        except UserError as exc:
            raise MaterialError(f"证明材料“{name}”无法放入打印材料：{exc.message}", exc.next_step) from exc
        except Exception as exc:  # a file the readers choke on: name it instead of an internal error
            log.warning("attachment %s cannot be placed", att.id, exc_info=True)
            raise MaterialError(
                f"证明材料“{name}”无法放入打印材料：文件内容无法识别",
                "请在证明材料中删除后重新添加该文件，或打印后扫描成图片再添加",
            ) from exc
        materials.append(material)

    def on_done(done: int, total: int) -> None:
        run.progress(2 + int(58 * done / max(total, 1)), 100, f"准备证明材料图片（{done}/{total}）")

    try:
        prepared: list[PreparedImage] = prepare_many(jobs, options.workers, run.is_cancelled, on_done)
    except StorageProblem:
        raise  # a full disk or a read-only folder is said as it is, not as a damaged picture
    except UserError as exc:
        raise MaterialError(f"有证明材料无法放入打印材料：{exc.message}", exc.next_step) from exc
    except (OSError, ValueError) as exc:
        mapped = to_user_error(exc)
        if mapped is not None:
            raise mapped from exc
        raise MaterialError(
            "有证明材料的图片无法读取，可能已损坏", "请在证明材料中找到该文件，删除后重新添加"
        ) from exc
    for (material, _index), image in zip(owners, prepared, strict=True):
        material.images.append(image)
    commitment = [m for m in materials if m.attachment.kind == ev.COMMITMENT]
    rest = [m for m in materials if m.attachment.kind != ev.COMMITMENT]
    return commitment, rest


PHOTO_KIND = "photo"


def open_items_part(items: Sequence[OpenItem]) -> Part:
    """A draft's first pages: every open item of the completeness check, in its words."""
    flow = Flow(continued_title="尚未完善的项目")
    flow.title("尚未完善的项目")
    flow.paragraph(
        f"本材料是草稿：尚有 {len(items)} 项未完善，不能作为正式申报材料提交。"
        "完善以下各项后，再生成正式打印材料。",
        size=11,
        leading=19,
    )
    flow.skip(8)
    for n, item in enumerate(items, start=1):
        flow.paragraph(f"{n}. {item.text}", size=10, leading=16)
    return Part("open_items", "尚未完善的项目", [PlannedPage(ops=s.ops) for s in flow.sheets])


def _note_page(title: str, text: str) -> PlannedPage:
    flow = Flow()
    flow.title(title)
    flow.paragraph(text, size=12, leading=22)
    return PlannedPage(ops=flow.sheets[0].ops)


def plan_pages(
    source: PacketSource,
    commitment: Sequence[ev.Material],
    materials: Sequence[ev.Material],
    options: PacketOptions,
) -> PageMap:
    """Lay out every part, then number them once (目录, bookmarks and footers all read this map)."""
    app, forms = source.app, source.forms
    try:
        chain_for(app)  # fail early with the Chinese message when the chain cannot be decided
        tiers, publicity = tiers_part(app, source.reference), publicity_part(app, source.reference)
    except ChainUnknownError as exc:
        if not options.draft:
            raise
        # A draft of a new application: say where the tier pages will go.
        tiers = Part(
            "tiers",
            "审核推荐意见",
            [_note_page("审核推荐意见", f"此处应附：各级审核推荐意见页（{exc.message}）")],
        )
        publicity = Part(
            "publicity",
            "公示情况",
            [_note_page("公示情况", "此处应附：公示情况页（尚未确定逐级审核的顺序）")],
        )
    photo = next((m for m in materials if m.attachment.kind == PHOTO_KIND and m.images), None)
    evidence = [m for m in materials if m is not photo]
    declaration = declaration_part(app, forms, has_photo=photo is not None)
    if photo is not None:  # the 证件照 sits in the 申报表's photo box instead of among the evidence
        image = photo.images[0]
        box = photo_box()
        declaration.pages[0].slots.append(
            ImageSlot(
                image.path, image.width, image.height, image.gray, ev.fit(image.width, image.height, box)
            )
        )
    parts: list[Part] = [
        open_items_part(source.open_items)
        if options.draft and source.open_items
        else Part("open_items", "", []),
        cover_part(app, forms),
        toc_placeholder([]),
        ev.commitment_part(
            commitment, lambda: commitment_placeholder(source.reference.procedure.commitment_note)
        ),
        declaration,
        tiers,
        publicity,
        summary_part(app, forms),
        ev.evidence_part(evidence, unit_seals(source.app) if options.verify_strip else ()),
    ]
    parts[2] = toc_placeholder(toc_entries(parts))
    page_map = build_page_map(parts, options.duplex)
    fill_toc(page_map)
    return page_map


def render_forms(source: PacketSource, page_map: PageMap, target: Path, draft: bool = False) -> None:
    """Draw every planned page (pictures and imported pages are added by the merge)."""
    meta = metadata(source)
    render_pages(page_map, target, meta["Title"], meta["Author"], draft=draft)


def metadata(source: PacketSource) -> dict[str, str]:
    """Title, author and subject of the PDF."""
    app = source.app
    name = str(app.single("basic").get("name") or app.person_name)
    title = str(app.single("cover").get("title_name") or "")
    return {
        "Title": f"{name} {app.year}年度职称申报材料",
        "Author": name,
        "Subject": f"申报{title}" if title else "职称申报材料",
        "Creator": "职称申报材料助手",
        "Producer": "职称申报材料助手",
    }


__all__ = [
    "MaterialError",
    "MissingCharactersError",
    "OutputError",
    "PacketCancelled",
    "PacketOptions",
    "PacketResult",
    "PacketSource",
    "ScanAccess",
    "assemble_packet",
    "material_jobs",
    "organisation",
]
