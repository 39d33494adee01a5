"""Regenerate docs/flatten-before.png and docs/flatten-after.png: a phone photo of a certificate on a desk,
and what the app makes of it at import (issue 17). Run: .venv/bin/python scripts/flatten_example.py"""

from __future__ import annotations

from pathlib import Path

from desktop_app.scans import flatten, samples
from desktop_app.scans.normalise import open_normalised

DOCS = Path(__file__).resolve().parents[1] / "docs"
SIDE = 420


def main() -> None:
    """Draw the certificate, photograph it on a desk, flatten it the way `attach` does, save both small."""
    page = samples.render_certificate(
        "毕业证书",
        [
            "学生 李明远，性别男，于 2000年9月 至 2004年7月",
            "在本校 水利水电工程 专业四年制本科学习，",
            "修完教学计划规定的全部课程，成绩合格，准予毕业。",
        ],
        size=(1600, 1130),
        issuer="昆明理工大学",
        number="106741200405001234",
        seed=6,
    )
    photo = samples.photo_on_desk(page, frame=(1600, 1200), seed=4, tilt=14, shadow=0.4)
    finding = flatten.look_in_bytes(photo.data)
    assert isinstance(finding, flatten.PageFinding), finding
    before = open_normalised(photo.data)
    after = open_normalised(photo.data, {"flatten": finding.as_edit()})
    for picture, name in ((before, "flatten-before.png"), (after, "flatten-after.png")):
        picture.thumbnail((SIDE, SIDE))
        picture.save(DOCS / name, optimize=True)


if __name__ == "__main__":
    main()
