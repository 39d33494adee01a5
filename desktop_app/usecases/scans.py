"""Scan use cases shared by the CLI and the UI: attach files, name them by content, export for upload.

Joins scans (pure file handling), formspec (expected kinds) and storage (blobs + attachments rows).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.domain import ApplicationData, Attachment, Entry
from desktop_app.errors import NotFoundError, UsageError
from desktop_app.formspec.model import AttachmentKind, SectionSpec
from desktop_app.scans import naming, photos
from desktop_app.scans.errors import PasswordRequired, ScanRefused
from desktop_app.scans.export import fit_jpeg
from desktop_app.scans.intake import Examined, examine, read_file
from desktop_app.scans.normalise import open_normalised, selected_pages
from desktop_app.scans.sniff import PDF, extension_for
from desktop_app.storage.repository import DuplicateAttachment

if TYPE_CHECKING:
    from desktop_app.services import Services

log = logging.getLogger(__name__)

STORED = "stored"
DUPLICATE = "duplicate"
REFUSED = "refused"
NEEDS_PASSWORD = "needs_password"

DEFAULT_MAX_KB = 2048
MIN_MAX_KB = 100
LISTING_NAME = "清单.txt"


@dataclass(frozen=True)
class Target:
    """Where a scan is attached: an entry, a section, or the whole application (section None)."""

    section: str | None
    entry_id: int | None = None
    entry_number: int | None = None


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file the person added."""

    name: str
    status: str
    message: str = ""
    attachment_id: int | None = None
    kind: str = ""
    notices: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()
    source: Path | None = None  # the file it came from (to add it again: duplicate, password)
    prepared: bool = True  # every page's print picture was cached by the import (else `packet` makes it)

    @property
    def line(self) -> str:
        """One line for the CLI: stored, duplicate, or the refusal message."""
        extra = "；".join(self.notices)
        if self.status == STORED:
            text = f"已添加：{self.name}"
            return text + (f"（{extra}）" if extra else "")
        if self.status == DUPLICATE:
            return f"重复：{self.name} 与已添加的 {'、'.join(self.duplicates)} 内容完全相同，未再次添加"
        return f"未添加：{self.name}：{self.message}"


# Targets and kinds ------------------------------------------------------------------------------


def resolve_target(services: Services, app_id: int, text: str) -> Target:
    """Parse `education[1]`, `education` or `basic` into a target (entries are 1-based)."""
    text = text.strip()
    number: int | None = None
    key = text
    if text.endswith("]") and "[" in text:
        key, _, raw = text[:-1].partition("[")
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:  # "١" or "²" are no index (issue 13)
            raise UsageError(f"条目序号“{raw}”不对", "序号从 1 开始，例如 education[1]")
        number = int(raw)
    if not services.forms.has_section(key):
        raise UsageError(f"没有名为“{key}”的分节", "可用的分节：" + "、".join(services.forms.keys))
    section = services.forms.section(key)
    if not section.repeatable:
        return Target(key, services.repo.single_entry_id(app_id, key), None)
    if number is None:
        return Target(key)
    ids = services.repo.entry_ids(app_id, key)
    if number > len(ids):
        raise NotFoundError(f"{section.title}没有第 {number} 条", f"目前有 {len(ids)} 条")
    return Target(key, ids[number - 1], number)


def other_kinds(forms: Any, section_key: str | None) -> list[tuple[str, AttachmentKind]]:
    """(section title, kind) of every other section, to flag names describing their material."""
    return [(s.title, k) for s in forms if s.key != section_key for k in s.attachments]


def _application_kinds(forms: Any) -> list[tuple[SectionSpec, AttachmentKind]]:
    return [(s, k) for s in forms for k in s.attachments if k.per == "application"]


def guess_kind(section: SectionSpec, name: str) -> str:
    """The kind a file name describes among the section's kinds ("" when it cannot be told)."""
    if len(section.attachments) == 1:
        return section.attachments[0].key
    matched = naming.match_kind(naming.split_name(name)[0], section.attachments)
    return matched.key if matched else ""


def _placement(services: Services, target: Target, kind: str) -> tuple[str | None, int | None]:
    """Application-level kinds (承诺书) hang on the application; section-level ones on the section."""
    if target.section is None:
        return None, None
    section = services.forms.section(target.section)
    spec = next((k for k in section.attachments if k.key == kind), None)
    if spec is not None and spec.per == "application":
        return None, None
    if spec is not None and spec.per == "section" and section.repeatable:
        return target.section, None
    return target.section, target.entry_id


# Import ---------------------------------------------------------------------------------------


def _where(services: Services, app: ApplicationData, attachment: Attachment) -> str:
    if attachment.section is None:
        return f"申报材料“{attachment.display_name}”"
    section = services.forms.section(attachment.section)
    entry = next((e for e in app.section(section.key).entries if e.id == attachment.entry_id), None)
    place = section.title + (f" 第{entry.position + 1}条" if entry is not None and section.repeatable else "")
    return f"{place}“{attachment.display_name}”"


def duplicates_of(services: Services, app_id: int, sha256: str) -> list[str]:
    """Where the same bytes are already attached in this application (empty when nowhere)."""
    if not any(owner == app_id for owner, _ in services.repo.attachments_with_blob(sha256)):
        return []  # the usual case, answered by one query instead of loading the whole application
    app = services.load(app_id)
    return [_where(services, app, a) for a in app.attachments if a.sha256 == sha256]


def attach_bytes(
    services: Services,
    app_id: int,
    target: Target,
    data: bytes,
    name: str,
    *,
    kind: str | None = None,
    password: str = "",
    allow_duplicate: bool = False,
    pages: str = "",
    examined: Examined | None = None,
    sha256: str | None = None,
    flatten: bool = True,
    finding: Any = None,
) -> ImportOutcome:
    """Check a file by its content, store its exact bytes and attach them; never raises for bad files.

    `pages` ("1,3-4") keeps only those pages of a PDF or multi-page TIFF (stored as an edit);
    `examined` is the result of `examine(data, password)` and `sha256` the bytes' hash when the caller
    already has them. A phone photo of a document is flattened into a scan (an edit, issue 17) unless
    `flatten` is False; `finding` is what the import's decode found already (see `flatten.look_for_page`).
    """
    sha = sha256 or hashlib.sha256(data).hexdigest()
    if examined is None:
        try:
            examined = examine(data, password)
        except PasswordRequired as exc:
            return ImportOutcome(name, NEEDS_PASSWORD, exc.message)
        except ScanRefused as exc:
            return ImportOutcome(name, REFUSED, exc.message)
    section = services.forms.section(target.section) if target.section else None
    if kind is None:
        kind = guess_kind(section, name) if section is not None else ""
    elif section is not None and kind and kind not in {k.key for k in section.attachments}:
        choices = "、".join(f"{k.key}（{k.label}）" for k in section.attachments)
        raise UsageError(f"{section.title}没有“{kind}”这种材料", f"可选：{choices}")
    existing = duplicates_of(services, app_id, sha)
    if existing and not allow_duplicate:
        return ImportOutcome(name, DUPLICATE, "", None, kind, examined.notices, tuple(existing))
    services.blobs.put_bytes(data, sha)
    section_key, entry_id = _placement(services, target, kind)
    edits: dict[str, Any] = {"pdf_password": password} if password and examined.is_pdf else {}
    if pages:
        try:
            edits["pages"] = parse_pages(pages, examined.pages)
        except UsageError as exc:
            return ImportOutcome(name, REFUSED, str(exc))
    flattening = _flattening(data, examined, flatten, finding, is_card=kind in ID_CARD_KINDS)
    if isinstance(flattening, Mapping):
        edits["flatten"] = dict(flattening)
    else:
        if flattening == photos.NOT_FOUND:
            edits["flatten_missed"] = True  # the scans widget offers the four-corner editor
    try:
        attachment_id = services.repo.add_attachment(
            app_id,
            sha256=sha,
            original_name=name,
            display_name=naming.safe_filename(name),
            kind=kind,
            section=section_key,
            entry_id=entry_id,
            edits=edits,
            blob=(len(data), examined.media_type),
            refuse_duplicate=not allow_duplicate,
        )
    except DuplicateAttachment:  # attached meanwhile by a parallel import (checked in the write transaction)
        return ImportOutcome(
            name, DUPLICATE, "", None, kind, examined.notices, tuple(duplicates_of(services, app_id, sha))
        )
    notices = [_flatten_notice(flattening), *examined.notices]
    if examined.pages > 1:
        notices.append(f"共 {examined.pages} 页")
    if section is not None and not kind and section.attachments:
        labels = "、".join(f"{k.key}（{k.label}）" for k in section.attachments)
        notices.append(f"未能从文件名判断是哪种材料，请指定材料类型：{labels}")
    return ImportOutcome(name, STORED, "", attachment_id, kind, tuple(notices), tuple(existing))


ID_CARD_KINDS = ("id_card_front", "id_card_back")


def _flattening(
    data: bytes, examined: Examined, wanted: bool, finding: Any, is_card: bool = False
) -> Mapping[str, Any] | str:
    """The flatten edit of a new attachment, or why it is kept as taken (a notice text or photos.NOT_FOUND)."""
    if examined.is_pdf:
        return photos.NOT_AN_IMAGE
    if examined.pages > 1:
        return photos.SEVERAL_PAGES
    if not wanted:
        return photos.KEPT_ON_REQUEST
    if finding is None:
        from desktop_app.scans import flatten  # OpenCV loads only when a page is looked for

        try:
            finding = flatten.look_in_bytes(data)
        except ScanRefused:
            # The decode check accepted it; a page search that fails keeps it as is.
            finding = photos.NOT_A_PHOTO
    if isinstance(finding, photos.PageFinding):
        return (finding.as_card() if is_card else finding).as_edit()
    return str(finding)


def _flatten_notice(flattening: Mapping[str, Any] | str) -> str:
    if isinstance(flattening, Mapping):
        return photos.DONE
    return photos.NOT_FOUND_NOTICE if flattening == photos.NOT_FOUND else flattening


def set_flattening(
    services: Services,
    attachment: Attachment,
    on: bool,
    corners: Any = None,
    size: tuple[int, int] | None = None,
) -> Mapping[str, Any]:
    """Undo or redo the flattening of a photo (one click), or flatten it to hand-placed corners; returns the edits.

    Undoing keeps the corners aside (`flatten_undone`) so doing it again needs no new search. `size`: the
    upright picture's size at any scale, when the caller has it (the corner editor): nothing is read then.
    """
    from desktop_app.scans import flatten

    edits = dict(attachment.edits)
    if corners is not None:
        finding = flatten.finding_from_corners(corners, size or _upright_size(services, attachment))
        if attachment.kind in ID_CARD_KINDS:
            finding = finding.as_card()
        edits["flatten"] = finding.as_edit(auto=False)
        edits.pop("flatten_undone", None)
        edits.pop("flatten_missed", None)
    elif on and "flatten" not in edits and isinstance(edits.get("flatten_undone"), Mapping):
        edits["flatten"] = edits.pop("flatten_undone")
    elif not on and "flatten" in edits:
        edits["flatten_undone"] = edits.pop("flatten")
    changes = {key: edits.get(key) for key in ("flatten", "flatten_undone", "flatten_missed")}
    # The crop was drawn on the other picture: it no longer fits.
    changes["crop"] = None
    stored: Mapping[str, Any] = services.repo.merge_edits(attachment.id, changes)
    return stored


def _upright_size(services: Services, attachment: Attachment) -> tuple[int, int]:
    from desktop_app.scans.normalise import exif_in_header, open_page

    header = open_page(services.blobs.path(attachment.sha256))
    width, height = header.size
    try:
        turned = exif_in_header(header).get(0x0112, 1) in (5, 6, 7, 8)
    except Exception:  # noqa: BLE001 - unreadable EXIF: the pixels are shown as stored
        turned = False
    return (height, width) if turned else (width, height)


def parse_pages(text: str, count: int) -> list[int]:
    """1-based page numbers from "1,3-5" (each within 1..count); UsageError with a Chinese message otherwise."""
    chosen: list[int] = []
    for part in text.replace("，", ",").replace("－", "-").split(","):
        part = part.strip()
        if not part:
            continue
        first, _, last = part.partition("-")
        if not first.strip().isdigit() or (last and not last.strip().isdigit()):
            raise UsageError(f"页码“{part}”看不懂", "请写成 1,3-5 这样的形式")
        low, high = int(first), int(last or first)
        if not 1 <= low <= high <= count:
            raise UsageError(f"页码“{part}”超出范围", f"这个文件共 {count} 页")
        chosen.extend(p for p in range(low, high + 1) if p not in chosen)
    if not chosen:
        raise UsageError("没有选择任何页面", "请写成 1,3-5 这样的形式")
    return chosen


def page_count(services: Services, attachment: Attachment) -> int:
    """All pages of a stored scan (PDF pages, TIFF pages, 1 for other images)."""
    from desktop_app.scans.normalise import image_page_count, pdf_page_count

    if attachment.media_type not in (PDF, "image/tiff"):
        return 1  # a single-page format: nothing to read
    data = services.blobs.read(attachment.sha256)
    if attachment.media_type == PDF:
        return pdf_page_count(data, str(attachment.edits.get("pdf_password", "") or ""))
    return image_page_count(data)


def choose_pages(
    services: Services, attachment: Attachment, text: str, count: int | None = None
) -> list[int]:
    """Keep only the pages in `text` ("1,3-4"; empty for all) as an edit; returns the 1-based pages kept.

    `count` is the file's page count when the caller has it already (counting reads the whole file)."""
    count = page_count(services, attachment) if count is None else count
    pages = parse_pages(text, count) if text.strip() else None
    # Only "pages" changes: a turn made meanwhile (counting reads the whole file) is kept.
    services.repo.merge_edits(attachment.id, {"pages": pages})
    return list(pages or range(1, count + 1))


def attach_file(services: Services, app_id: int, target: Target, path: Path, **options: Any) -> ImportOutcome:
    """Attach one file from disk (only read, never modified or moved)."""
    try:
        data = read_file(path)
    except ScanRefused as exc:
        return ImportOutcome(path.name, REFUSED, exc.message, source=path)
    return replace(attach_bytes(services, app_id, target, data, path.name, **options), source=path)


@dataclass(frozen=True)
class _Checked:
    """A file read and examined ahead of storing it (or the outcome that refuses it)."""

    data: bytes | None = None
    sha256: str = ""
    examined: Examined | None = None
    refused: ImportOutcome | None = None
    finding: Any = None  # what the decode found about a page in the photo (issue 17)
    prepared: bool = True  # every page's print picture is in the cache
    stored: Future[Any] | None = None  # the bytes being written into the blob store


# Files read and checked ahead of the one being attached, and how many bytes they may hold together
# (a few phone photos, or one 200 MB file alone).
LOOKAHEAD = 6
LOOKAHEAD_BYTES = 256 * 1024 * 1024
# Decoding uses the CPU, storing mostly waits for the disk (fsync): separate threads keep both busy.
# One decoding thread more than cores covers the moments a decoder waits for a read or a write
# (measured on 2 cores: 2 threads 8.0 s, 3 threads 6.9 s, 4 threads 6.9–7.6 s and 60 MB more memory).
DECODE_THREADS = min(4, (os.cpu_count() or 2) + 1)
STORE_THREADS = 2


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it will say what is wrong


def _store_ahead(services: Services, data: bytes, sha: str, path: Path) -> None:
    try:
        services.blobs.put_bytes(data, sha, copy_of=path)
    except OSError:
        log.warning("storing a scan ahead failed; storing it again reports the problem", exc_info=True)


def _read_and_examine(
    services: Services, path: Path, password: str, store: Executor, flatten: bool, card: bool
) -> _Checked:
    from desktop_app.usecases.prepare import import_page_check

    findings: dict[int, Any] = {}
    missed: list[int] = []
    try:
        data = read_file(path)
        sha = hashlib.sha256(data).hexdigest()
        # The decode check also writes the scan's print page (issue 5), so each page is decoded once; a
        # photo is flattened in the same step (issue 17).
        check = import_page_check(services, sha, findings if flatten else None, card=card, missed=missed)
        examined = examine(data, password, check)
    except PasswordRequired as exc:
        return _Checked(refused=ImportOutcome(path.name, NEEDS_PASSWORD, exc.message))
    except ScanRefused as exc:
        return _Checked(refused=ImportOutcome(path.name, REFUSED, exc.message))
    # The content-addressed store makes writing ahead idempotent; if the file is then not attached
    # (cancelled, refused page choice) its blob stays unreferenced: disk space, nothing else.
    return _Checked(
        data,
        sha,
        examined,
        stored=store.submit(_store_ahead, services, data, sha, path),
        finding=findings.get(0),
        prepared=not missed,
    )


def _is_card(services: Services, target: Target, name: str, kind: str | None) -> bool:
    """Whether the file will be attached as a side of the ID card (the kind given, or guessed from its name)."""
    if kind is None and target.section:
        kind = guess_kind(services.forms.section(target.section), name)
    return kind in ID_CARD_KINDS


def _load_flatten() -> None:
    try:
        import desktop_app.scans.flatten  # noqa: F401 - loaded for the decoding threads
    except Exception:  # the decoding thread that needs it reports the failure
        log.warning("could not load the page flattening ahead", exc_info=True)


def attach_files(
    services: Services,
    app_id: int,
    target: Target,
    paths: list[Path],
    *,
    password: str = "",
    flatten: bool = True,
    **options: Any,
) -> Generator[ImportOutcome, None, None]:
    """Attach many files in order; reading, hashing, decoding and writing run ahead on other threads.

    The decode check of each page is the decode that prepares its print page (cached for the packet).
    Pillow, zlib and hashlib release the GIL, so the decoding threads use both cores while the store
    threads wait for the disk and this one records; recording stays sequential so duplicates within
    the batch are caught. At most LOOKAHEAD + 1 files (LOOKAHEAD_BYTES, or one larger file) are held in
    memory at once, and IMPORT_PIXELS bounds the pictures decoded together. Closing the generator early
    (cancel) waits only for the files in flight.
    """
    if flatten:
        # OpenCV takes ~0.1 s to load: loading it beside the first files' decoding hides it (issue 16).
        threading.Thread(target=_load_flatten, name="load-opencv").start()
    with (
        ThreadPoolExecutor(DECODE_THREADS, "examine") as pool,
        ThreadPoolExecutor(STORE_THREADS, "store") as store,
    ):
        pending: list[tuple[Future[_Checked], int]] = []  # in the order of `paths`, with each file's size
        queued = 0

        def read_ahead() -> None:
            nonlocal queued
            while queued < len(paths) and len(pending) < LOOKAHEAD:
                size = _size(paths[queued])
                if pending and sum(held for _, held in pending) + size > LOOKAHEAD_BYTES:
                    break
                card = _is_card(services, target, paths[queued].name, options.get("kind"))
                job = pool.submit(_read_and_examine, services, paths[queued], password, store, flatten, card)
                pending.append((job, size))
                queued += 1

        try:
            for path in paths:
                read_ahead()
                checked = pending.pop(0)[0].result()
                if checked.refused is not None or checked.data is None:
                    yield replace(checked.refused or ImportOutcome(path.name, REFUSED, ""), source=path)
                    continue
                if checked.stored is not None:
                    checked.stored.result()  # durable before the attachment row refers to it
                outcome = attach_bytes(
                    services,
                    app_id,
                    target,
                    checked.data,
                    path.name,
                    password=password,
                    examined=checked.examined,
                    sha256=checked.sha256,
                    flatten=flatten,
                    finding=checked.finding,
                    **options,
                )
                yield replace(outcome, source=path, prepared=checked.prepared)
        finally:
            for future, _size_held in pending:
                future.cancel()


# Names ----------------------------------------------------------------------------------------

_QUALIFIER_MAX = 30


def _short_level(level: str) -> str:
    return {
        "大学本科": "本科",
        "大学专科": "专科",
        "硕士研究生": "硕士研究生",
        "博士研究生": "博士研究生",
    }.get(level, level)


def _material(
    section: SectionSpec, kind: AttachmentKind | None, entry: Entry | None, attachment: Attachment
) -> str:
    if kind is None:
        text = naming.description(naming.split_name(attachment.display_name)[0]).replace(" ", "")
        return text or "材料"
    answers = entry.answers if entry is not None else {}
    if section.key == "education" and kind.key == "diploma" and answers.get("education_level"):
        return _short_level(str(answers["education_level"])) + kind.label
    if section.key == "education" and kind.key == "degree_certificate" and answers.get("degree"):
        return f"{answers['degree']}{kind.label}"
    # "获奖证书或表彰文件" reads badly in a file name: name the usual material instead.
    return kind.keywords[0] if "或" in kind.label and kind.keywords else kind.label


def _qualifier(section: SectionSpec, entry: Entry | None) -> str:
    if entry is None:
        return ""
    answers = entry.answers
    if section.key == "annual_review" and answers.get("year"):
        return f"{answers['year']}年度"
    field_key = section.name_field  # declared in forms/
    value = str(answers.get(field_key) or "") if field_key else ""
    return value[:_QUALIFIER_MAX]


def _section_for(services: Services, attachment: Attachment) -> SectionSpec:
    forms = services.forms
    if attachment.section is not None:
        found: SectionSpec = forms.section(attachment.section)
        return found
    for section, kind in _application_kinds(forms):
        if kind.key == attachment.kind:
            return section
    cover: SectionSpec = forms.section("cover")
    return cover


def proposed_names(services: Services, app: ApplicationData, extension: str | None = None) -> dict[int, str]:
    """The content name the rule gives each attachment (several of one material get _1, _2 …)."""
    groups: dict[tuple[Any, ...], list[Attachment]] = defaultdict(list)
    for attachment in app.attachments:
        groups[(attachment.section, attachment.entry_id, attachment.kind or attachment.display_name)].append(
            attachment
        )
    out: dict[int, str] = {}
    for members in groups.values():
        for index, attachment in enumerate(sorted(members, key=lambda a: (a.position, a.id)), start=1):
            section = _section_for(services, attachment)
            kind = next((k for k in section.attachments if k.key == attachment.kind), None)
            entry = next((e for e in app.section(section.key).entries if e.id == attachment.entry_id), None)
            number = entry.position + 1 if entry is not None and section.repeatable else None
            ext = extension or extension_for(attachment.media_type)
            out[attachment.id] = naming.propose_name(
                section.number,
                number,
                section.title,
                _material(section, kind, entry, attachment),
                _qualifier(section, entry),
                ext,
                part=str(index) if len(members) > 1 else "",
            )
    return out


def name_verdicts(services: Services, app: ApplicationData) -> dict[int, naming.NameVerdict]:
    """The naming verdict on every attachment's display name, duplicates across the packet flagged."""
    proposals = proposed_names(services, app)
    dupes = naming.duplicate_names(a.display_name for a in app.attachments)
    out: dict[int, naming.NameVerdict] = {}
    for attachment in app.attachments:
        section = _section_for(services, attachment)
        verdict = naming.check_name(
            attachment.display_name,
            section.attachments,
            others=other_kinds(services.forms, section.key),
            kind=attachment.kind or None,
            proposed=proposals[attachment.id],
            section_title=section.title,
        )
        if naming.normalise_key(attachment.display_name) in dupes:
            verdict = naming.with_problem(verdict, naming.FAIL, naming.DUPLICATE_PROBLEM)
        out[attachment.id] = verdict
    return out


def apply_proposed_names(services: Services, app_id: int, attachment_ids: Iterable[int] | None = None) -> int:
    """一键规范命名: set display names to the proposed ones (original files untouched); returns how many changed."""
    app = services.load(app_id)
    wanted = set(attachment_ids) if attachment_ids is not None else None
    proposals = proposed_names(services, app)
    changed = 0
    for attachment in app.attachments:
        if wanted is not None and attachment.id not in wanted:
            continue
        name = proposals[attachment.id]
        if name != attachment.display_name:
            services.repo.update_attachment(attachment.id, display_name=name)
            changed += 1
    return changed


# Upload-ready export ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedFile:
    """One JPEG written for the online system."""

    folder: str
    name: str
    size: int
    section_title: str
    entry_label: str


@dataclass
class ExportResult:
    """Everything written by an upload-ready export."""

    out_dir: Path
    files: list[ExportedFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _pages(services: Services, attachment: Attachment) -> tuple[int, Generator[Any, None, None]]:
    """How many pages an attachment exports, and those pages as upright pictures made one at a time.

    The count comes first (the file names depend on it); raises ScanRefused when the file cannot be read at all.
    """
    data = services.blobs.read(attachment.sha256)
    edits = attachment.edits
    if attachment.media_type == PDF:
        from desktop_app.scans.normalise import pdf_page_count
        from desktop_app.scans.pdfrender import iter_pdf_pages

        password = str(edits.get("pdf_password", "") or "")
        chosen = selected_pages(edits, pdf_page_count(data, password))
        return len(chosen), iter_pdf_pages(data, edits, pages=chosen)
    from desktop_app.scans.normalise import image_page_count

    chosen = selected_pages(edits, image_page_count(data))
    return len(chosen), (open_normalised(data, edits, page=p) for p in chosen)


def _entry_label(section: SectionSpec, app: ApplicationData, attachment: Attachment) -> str:
    entry = next((e for e in app.section(section.key).entries if e.id == attachment.entry_id), None)
    if entry is None or not section.repeatable:
        return "—"
    qualifier = _qualifier(section, entry)
    return f"第{entry.position + 1}条" + (f" {qualifier}" if qualifier else "")


def upload_export(
    services: Services,
    app_id: int,
    out_dir: Path,
    max_kb: int = DEFAULT_MAX_KB,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write a folder per section in menu order, each page a JPEG ≤ max_kb named by the rule, plus 清单.txt."""
    if max_kb < MIN_MAX_KB:
        raise UsageError(f"单个文件大小上限 {max_kb} KB 太小", f"请设为 {MIN_MAX_KB} KB 以上")
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise UsageError(
            f"输出文件夹 {out_dir} 已存在且不是空的", "请选择一个新的或空的文件夹，以免覆盖已有文件"
        )
    app = services.load(app_id)
    proposals = proposed_names(services, app, extension=".jpg")
    order = {s.key: i for i, s in enumerate(services.forms)}
    ordered = sorted(
        app.attachments,
        key=lambda a: (
            order.get(_section_for(services, a).key, 99),
            a.section is None,
            _entry_position(app, a),
            a.position,
            a.id,
        ),
    )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".upload-", dir=out_dir.parent))
    result = ExportResult(out_dir)
    try:
        for done, attachment in enumerate(ordered):
            if progress:
                progress(done, len(ordered))
            section = _section_for(services, attachment)
            # 基本信息 and the cover are both 00 (they precede the 13 numbered sections) and sort by title.
            folder = naming.section_folder(section.number, section.title)
            entry_label = _entry_label(section, app, attachment)
            written = len(result.files)
            try:
                for name, size in _write_pages(
                    services, attachment, work / folder, proposals[attachment.id], max_kb
                ):
                    result.files.append(ExportedFile(folder, name, size, section.title, entry_label))
            except ScanRefused as exc:
                # A page that fails halfway drops the whole file, as if it had failed before the first page.
                for item in result.files[written:]:
                    (work / folder / item.name).unlink(missing_ok=True)
                del result.files[written:]
                result.problems.append(f"{_where(services, app, attachment)}：{exc.message}")
                continue
        _write_listing(work / LISTING_NAME, app, result, max_kb)
        if out_dir.exists():
            for child in work.iterdir():
                os.replace(child, out_dir / child.name)
            work.rmdir()
        else:
            os.replace(work, out_dir)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    if progress:
        progress(len(ordered), len(ordered))
    return result


def _write_pages(
    services: Services, attachment: Attachment, folder: Path, proposal: str, max_kb: int
) -> Iterator[tuple[str, int]]:
    """Render, fit and write one page at a time (memory holds a single page); yields each file's name and size."""
    count, pages = _pages(services, attachment)
    stem, ext = naming.split_name(proposal)
    index = 0
    with closing(pages):  # a page that fails closes the PDF here, on this thread, not whenever GC gets to it
        # No enumerate(): it keeps its last (index, page) tuple, so the previous page would live through the
        # next one's rendering; the loop name would too, hence the del.
        for page in pages:
            index += 1
            name = naming.safe_filename(f"{stem}_第{index}页{ext}" if count > 1 else f"{stem}{ext}")
            data = fit_jpeg(page, max_kb * 1024)
            del page
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            yield name, len(data)


def write_upload_pages(
    services: Services, attachment: Attachment, folder: Path, proposal: str, max_kb: int = DEFAULT_MAX_KB
) -> list[str]:
    """Write one scan's upload-ready pages into `folder` as the export names them (the 填报助手 uses it)."""
    return [name for name, _size in _write_pages(services, attachment, folder, proposal, max_kb)]


def _entry_position(app: ApplicationData, attachment: Attachment) -> int:
    if attachment.section is None or attachment.entry_id is None:
        return -1
    entry = next((e for e in app.section(attachment.section).entries if e.id == attachment.entry_id), None)
    return entry.position if entry is not None else -1


def _write_listing(path: Path, app: ApplicationData, result: ExportResult, max_kb: int) -> None:
    lines = [
        f"上传材料清单：{app.person_name} {app.year} 年度职称申报",
        f"共 {len(result.files)} 个文件，每个文件不超过 {max_kb} KB，均为 JPG 图片，已按材料内容命名。",
        "",
        "分节\t条目\t文件\t大小",
    ]
    for item in result.files:
        lines.append(
            f"{item.section_title}\t{item.entry_label}\t{item.folder}/{item.name}\t{_size_text(item.size)}"
        )
    if result.problems:
        lines += ["", "以下材料未能导出："] + result.problems
    # Notepad on older Windows needs the BOM to read UTF-8; CRLF so it shows line breaks.
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")


def _size_text(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def _first_page_picture(
    data: bytes, media_type: str, edits: Mapping[str, Any], side: int, pdf_dpi: int
) -> Any:
    """The first chosen page of a scan as an upright RGB picture no larger than `side`; raises ScanRefused."""
    from desktop_app.scans.normalise import apply_edits, pdf_page_count

    if media_type == PDF:
        from desktop_app.scans.pdfrender import render_pdf_page

        password = str(edits.get("pdf_password", "") or "")
        pages = selected_pages(edits, pdf_page_count(data, password)) or [0]
        picture = apply_edits(render_pdf_page(data, pages[0], dpi=pdf_dpi, password=password), edits)
        picture.thumbnail((side, side))
        return picture.convert("RGB")
    # Image pages are 1-based in the edits; only the first chosen one is needed.
    first = int((edits.get("pages") or [1])[0]) - 1
    return open_normalised(data, edits, page=first, max_side=side).convert("RGB")


def thumbnail_picture(blob_path: Path, media_type: str, edits: Mapping[str, Any], side: int) -> Any:
    """A small upright RGB picture of the first chosen page of a stored scan (None when unreadable)."""
    try:
        return _first_page_picture(blob_path.read_bytes(), media_type, edits, side, pdf_dpi=24)
    except (ScanRefused, OSError):
        return None


def content_check(services: Services, app: ApplicationData, attachment: Attachment) -> Any:
    """Optional OCR: read the first chosen page and compare its text with the name (None without the extra)."""
    from desktop_app.scans import ocr

    if not ocr.is_available():
        return None
    data = services.blobs.read(attachment.sha256)
    picture = _first_page_picture(data, attachment.media_type, attachment.edits, ocr.MAX_SIDE, pdf_dpi=150)
    section = _section_for(services, attachment)
    text = ocr.read_text(picture)
    return ocr.compare(
        attachment.display_name, text, section.attachments, other_kinds(services.forms, section.key)
    )


def attachments_for(app: ApplicationData, section_key: str | None, entry_id: int | None) -> list[Attachment]:
    """Attachments of one entry (or one section's section-level ones, or the application's), in order."""
    return [a for a in app.attachments if a.section == section_key and a.entry_id == entry_id]


def edits_of(app: ApplicationData, attachment_id: int) -> Mapping[str, Any]:
    """The stored edits of an attachment."""
    for attachment in app.attachments:
        if attachment.id == attachment_id:
            return attachment.edits
    raise NotFoundError(f"没有编号为 {attachment_id} 的附件")
