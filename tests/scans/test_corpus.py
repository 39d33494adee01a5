"""Every file of the shared corpus is imported correctly or refused with a Chinese message, in bounded time and memory."""

from __future__ import annotations

import re
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from desktop_app.scans.errors import PasswordRequired, ScanRefused, Unsupported
from desktop_app.scans.intake import REPAIRED, examine, read_file

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FILES = sorted(
    p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() not in (".tsv", ".md", ".txt")
)
CJK = re.compile(r"[\u4e00-\u9fff]")

TIME_LIMIT_S = 5.0
MEMORY_LIMIT = 300 * 1024 * 1024

# What a person must see for the files whose outcome matters most (pages for accepted files, message for refused).
EXPECTED: dict[str, tuple[str, object]] = {
    "images/hopper.jpg": ("ok", 1),
    "images/truncated_jpeg.jpg": ("refused", "文件不完整"),
    "images/truncated_image.png": ("refused", "文件不完整"),
    "images/bmp/b/shortfile.bmp": ("refused", "文件不完整"),
    "images/decompression_bomb.gif": ("refused", "图片尺寸过大"),
    "images/bmp/b/reallybig.bmp": ("refused", "图片尺寸过大"),
    "images/multipage.tiff": ("ok", 3),
    "images/g4-multi.tiff": ("ok", 3),
    "images/pil_sample_cmyk.jpg": ("ok", 1),
    "images/avif/hopper.heif": ("ok", 1),
    "images/iss634.gif": ("ok", 1),
    "images/iss634.webp": ("ok", 1),
    "images/junk_jpeg_header.jpg": ("ok", 1),
    "pdfs/crazyones.pdf": ("ok", 1),
    "pdfs/encrypted_aes256_empty_user_pw.pdf": ("ok", 1),
    "pdfs/encrypted_rc4_128_owner_only.pdf": ("ok", 1),
    "pdfs/encrypted_no_id_array.pdf": ("ok", 3),
    "pdfs/indirect_rotation.pdf": ("ok", 5),
    "pdfs/encrypted_aes256_user_pw_foo.pdf": ("password", "密码"),
    "pdfs/encrypted_rc4_40bit_user_pw.pdf": ("password", "密码"),
    "pdfs/broken_xref_issue297.pdf": ("ok", 1),
    "pdfs/trailer_prev_loop.pdf": ("refused", "PDF 文件已损坏"),
}


def _peak_rss_bytes() -> int | None:
    try:
        import resource
    except ImportError:  # Windows: tracemalloc still bounds the Python side (pypdf is pure Python)
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def test_corpus_is_present() -> None:
    assert len(FILES) >= 60, f"corpus at {CORPUS} looks incomplete: {len(FILES)} files"
    assert set(EXPECTED) <= {p.relative_to(CORPUS).as_posix() for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_corpus_file_is_imported_or_refused_clearly(path: Path) -> None:
    rel = path.relative_to(CORPUS).as_posix()
    rss_before = _peak_rss_bytes()
    tracemalloc.start()
    started = time.perf_counter()
    outcome: tuple[str, object]
    try:
        examined = examine(read_file(path))
        outcome = ("ok", examined.pages)
        assert examined.pages >= 1
    except PasswordRequired as exc:
        outcome = ("password", exc.message)
    except (ScanRefused, Unsupported) as exc:
        outcome = ("refused", exc.message)
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < TIME_LIMIT_S, f"{rel} took {elapsed:.1f} s"
    assert peak < MEMORY_LIMIT, f"{rel} allocated {peak / 1e6:.0f} MB in Python"
    rss_after = _peak_rss_bytes()
    if rss_before is not None and rss_after is not None:
        assert rss_after - rss_before < MEMORY_LIMIT, (
            f"{rel} raised peak memory by {(rss_after - rss_before) / 1e6:.0f} MB"
        )
    if outcome[0] != "ok":
        message = str(outcome[1])
        assert CJK.search(message) and "Error" not in message and "Traceback" not in message, message
    if rel in EXPECTED:
        status, detail = EXPECTED[rel]
        assert outcome[0] == status, f"{rel}: {outcome}"
        if status == "ok":
            assert outcome[1] == detail
        else:
            assert str(detail) in str(outcome[1])


def test_password_protected_pdf_opens_with_its_password() -> None:
    data = (CORPUS / "pdfs" / "encrypted_aes256_user_pw_foo.pdf").read_bytes()
    assert examine(data, password="foo").pages == 1
    with pytest.raises(PasswordRequired, match="密码不正确"):
        examine(data, password="wrong")


def test_broken_xref_is_repaired_with_a_notice() -> None:
    examined = examine((CORPUS / "pdfs" / "broken_xref_issue297.pdf").read_bytes())
    assert REPAIRED in examined.notices


def test_animated_image_takes_first_frame_and_says_so() -> None:
    examined = examine((CORPUS / "images" / "iss634.gif").read_bytes())
    assert examined.pages == 1
    assert any("第一帧" in n for n in examined.notices)


def _outcome(data: bytes, check: object = None) -> tuple[str, object]:
    try:
        return ("ok", examine(data, check_page=check).pages)  # type: ignore[arg-type]
    except PasswordRequired as exc:
        return ("password", exc.message)
    except (ScanRefused, Unsupported) as exc:
        return ("refused", exc.message)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_import_that_prepares_print_pages_decides_like_the_plain_check(path: Path, tmp_path: Path) -> None:
    """The import's decode check also writes print pages (issue 5); it must accept and refuse the same files."""
    import hashlib
    from types import SimpleNamespace

    from PIL import Image

    from desktop_app.usecases.packet import import_page_check

    data = path.read_bytes()
    check = import_page_check(SimpleNamespace(home=tmp_path), hashlib.sha256(data).hexdigest())
    assert _outcome(data, check) == _outcome(data)
    for page in (tmp_path / "cache" / "pages").glob("*"):
        with Image.open(page) as prepared:
            prepared.load()  # every cached print page is a whole JPEG
            assert prepared.format == "JPEG" and prepared.mode in ("RGB", "L")
