"""Phone photos become scans: find the page, straighten it to its real proportions, whiten the paper.

OpenCV's headless build does the pixel work. Everything here works on an upright picture (EXIF already
applied); the page's corners are kept as fractions of that picture, so one finding serves every
resolution (thumbnail, print page, upload export) and is stored as an edit of the attachment:

    edits["flatten"] = {"corners": [[x, y] × 4: top-left, top-right, bottom-right, bottom-left],
                        "aspect": height / width of the flattened page, "auto": found by the app or not}

When is a picture a photo (and worth looking for a page in)? See `photo_evidence`: a camera's EXIF
(make/model or exposure data) says yes; a scanner's resolution tag (≥ 150 dpi) without camera data says
no; otherwise a camera's frame shape (4:3, 3:2, 16:9, 1:1, either way up) of at least 1 megapixel says
yes. Even then the page is used only when it is found with confidence (`find_page`): a convex
quadrilateral covering 15–97 % of the picture, with right-ish angles, a clearly brighter inside than
outside, and its four edges visible as edges in the picture.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import cv2
import numpy as np
from PIL import Image

from desktop_app.scans import normalise
from desktop_app.scans.photos import (
    KNOWN_ASPECTS,
    NOT_A_PHOTO,
    NOT_FOUND,
    PageFinding,
    photo_evidence,
)

# Width of the picture the page is looked for in: enough for corners within 1 % of the diagonal.
DETECT_SIDE = 720
MIN_AREA = 0.15
MAX_AREA = 0.97
MIN_CONFIDENCE = 0.6
SNAP = 0.05
# Pixels lost at each border of the flattened page, so a corner a pixel off never shows a sliver of desk.
INSET = 0.006

# The import's worker threads already use every core; OpenCV's own threads would only compete with them.
cv2.setNumThreads(1)


# Finding the page ---------------------------------------------------------------------------------


def _order(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left."""
    pts = points.reshape(4, 2).astype(np.float64)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen, starting somewhere on the left/top
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)


def _quad_from_contour(contour: np.ndarray) -> np.ndarray | None:
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.04, 0.06):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            return _order(approx)
        if len(approx) < 4:
            return None
    return None


def _refine(quad: np.ndarray, contour: np.ndarray) -> np.ndarray:
    """Fit a straight line to the contour points along each side and intersect neighbours."""
    points = contour.reshape(-1, 2).astype(np.float64)
    diag = float(np.hypot(*(quad.max(axis=0) - quad.min(axis=0))))
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        direction = (b - a) / max(1e-9, float(np.hypot(*(b - a))))
        normal = np.array([-direction[1], direction[0]])
        along = (points - a) @ direction
        across = np.abs((points - a) @ normal)
        length = float(np.hypot(*(b - a)))
        near = points[(across < 0.02 * diag) & (along > 0.1 * length) & (along < 0.9 * length)]
        if len(near) < 8:
            return quad
        # Least squares: the band above already keeps only points near the side (Huber cost 4 ms a photo more).
        vx, vy, x0, y0 = cv2.fitLine(near.astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64)))
    refined = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        matrix = np.array([d1, -d2]).T
        if abs(np.linalg.det(matrix)) < 1e-6:
            return quad
        t = np.linalg.solve(matrix, p2 - p1)
        refined.append(p1 + t[0] * d1)
    out = np.array(refined)
    return out if float(np.abs(out - quad).max()) < 0.03 * diag else quad


def _angles_ok(quad: np.ndarray) -> bool:
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(u @ v) / max(1e-9, float(np.hypot(*u) * np.hypot(*v)))
        if abs(cos) > math.cos(math.radians(55)):
            return False
    return True


_ALONG = np.linspace(0.05, 0.95, 40)[:, None]


def _edge_support(quad: np.ndarray, edges: np.ndarray) -> float:
    """Share of points along the four sides that lie on an edge of the picture (`edges`: a boolean map of
    strong gradients, widened by two pixels so a side a pixel off still counts)."""
    h, w = edges.shape
    points = np.concatenate([quad[i] + _ALONG * (quad[(i + 1) % 4] - quad[i]) for i in range(4)])
    xi, yi = np.rint(points[:, 0]).astype(int), np.rint(points[:, 1]).astype(int)
    # A side running along the picture's border is no page edge: those points count as misses.
    inside = (xi >= 3) & (xi < w - 3) & (yi >= 3) & (yi < h - 3)
    hits = edges[yi[inside], xi[inside]].sum()
    return float(hits) / len(points)


def _contrast(quad: np.ndarray, gray: np.ndarray) -> float:
    """How much brighter the page is than a band just outside it (0..1 of the grey range)."""
    inside = np.zeros(gray.shape, np.uint8)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
    band = cv2.subtract(cv2.dilate(inside, np.ones((15, 15), np.uint8)), inside)
    if not cv2.countNonZero(band):
        return 0.0  # the page touches every border: nothing outside to compare with
    # Medians, not means: the page's own border lines and writing must not count as "darker outside".
    # Beside the band, everything outside must be darker too: a certificate's printed frame has paper,
    # not desk, around it (a scan filling the whole picture has no page edge to find).
    outside = cv2.bitwise_not(inside)
    page = _median(gray, inside)
    return min(page - _median(gray, band), page - _median(gray, outside)) / 255.0


def _median(gray: np.ndarray, mask: np.ndarray) -> float:
    counts = cv2.calcHist([gray], [0], mask, [256], [0, 256]).ravel().cumsum()
    return float(np.searchsorted(counts, counts[-1] / 2))


def _masks(small: np.ndarray) -> Iterator[np.ndarray]:
    """Binary pictures in which the page may stand out as one blob, the likeliest first (made one at a time:
    a clear page is usually settled by the first)."""
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    whiteness = cv2.subtract(hsv[:, :, 2], hsv[:, :, 1])
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    for channel in (whiteness, gray):
        blurred = cv2.GaussianBlur(channel, (7, 7), 0)
        _, mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        yield cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
        # A page in shade is darker than its lit part: a local threshold still separates it from the desk.
        local = cv2.adaptiveThreshold(
            blurred, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, (min(small.shape[:2]) // 4) | 1, -5
        )
        yield cv2.morphologyEx(local, cv2.MORPH_CLOSE, kernel)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 40, 120)
    yield cv2.dilate(edges, np.ones((3, 3), np.uint8))


def detection_picture(stored: Image.Image, turn: int = 1) -> Image.Image:
    """The small upright picture find_page looks in, from pixels as stored and their EXIF orientation: reduced
    first, then turned (turning a whole sideways photo would cost more than finding the page in it)."""
    factor = max(1, round(max(stored.size) / DETECT_SIDE))
    small = stored if stored.mode == "RGB" else stored.convert("RGB")
    return normalise.turned(small.reduce(factor) if factor > 1 else small, turn)


def find_page(picture: Image.Image) -> PageFinding | None:
    """The page in an upright photo, or None when it is not found with confidence."""
    factor = max(1, round(max(picture.size) / DETECT_SIDE))
    # Averaging blocks of pixels (reduce) is several times cheaper than a filtered resize, and as good here.
    small_im = picture.convert("RGB") if picture.mode != "RGB" else picture
    if factor > 1:
        small_im = small_im.reduce(factor)
    small = np.asarray(small_im)
    h, w = small.shape[:2]
    scale = w / picture.width
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    gradient = cv2.magnitude(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))
    strong = float(np.percentile(gradient[::4, ::4], 90)) * 0.5 + 1.0
    edges = cv2.dilate((gradient >= strong).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    best: tuple[float, np.ndarray, float] | None = None
    for mask in _masks(small):
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
            area = cv2.contourArea(cv2.convexHull(contour)) / (w * h)
            if not MIN_AREA <= area <= MAX_AREA:
                continue
            quad = _quad_from_contour(contour)
            if quad is None or not _angles_ok(quad):
                continue
            quad = _refine(quad, contour)
            quad_area = cv2.contourArea(quad.astype(np.float32)) / (w * h)
            if not MIN_AREA <= quad_area <= MAX_AREA:
                continue
            contrast = _contrast(quad, gray)
            support = _edge_support(quad, edges)
            confidence = min(1.0, support) * min(1.0, max(0.0, contrast) / 0.12)
            score = confidence * (0.5 + quad_area)
            if confidence >= MIN_CONFIDENCE and (best is None or score > best[0]):
                best = (score, quad, confidence)
            if confidence >= 0.95:
                break  # contours come largest first: the page itself, not a frame printed inside it
        if best is not None and best[2] >= 0.95:
            break  # a page this clear will not be bettered by the other ways of looking
    if best is None:
        return None
    quad = best[1]
    corners = tuple((float(x) / w, float(y) / h) for x, y in quad)
    aspect = page_aspect(quad / scale, picture.size)
    return PageFinding(corners, aspect, round(best[2], 3))


def page_aspect(quad: np.ndarray, size: tuple[int, int]) -> float:
    """Height/width of the real rectangle photographed as `quad` (pixels), snapped to A4 or an ID card.

    Zhang & He, "Whiteboard scanning and image enhancement" (2007): the focal length follows from the
    quadrilateral, then the ratio of the rectangle's sides; a nearly frontal photo falls back to the sides.
    """
    u0, v0 = size[0] / 2, size[1] / 2
    m1, m2, m4, m3 = (np.array([x, y, 1.0]) for x, y in quad)  # TL, TR, BR, BL as the paper names them
    k2 = float(np.cross(m1, m4) @ m3) / float(np.cross(m2, m4) @ m3)
    k3 = float(np.cross(m1, m4) @ m2) / float(np.cross(m3, m4) @ m2)
    n2, n3 = k2 * m2 - m1, k3 * m3 - m1
    width = height = 0.0
    if abs(n2[2]) > 1e-9 and abs(n3[2]) > 1e-9:
        f2 = -(
            (n2[0] * n3[0] - (n2[0] * n3[2] + n2[2] * n3[0]) * u0 + n2[2] * n3[2] * u0 * u0)
            + (n2[1] * n3[1] - (n2[1] * n3[2] + n2[2] * n3[1]) * v0 + n2[2] * n3[2] * v0 * v0)
        ) / (n2[2] * n3[2])
        if f2 > 0:
            f = math.sqrt(f2)
            a_inv = np.linalg.inv(np.array([[f, 0, u0], [0, f, v0], [0, 0, 1.0]]))
            width = float(np.linalg.norm(a_inv @ n2))
            height = float(np.linalg.norm(a_inv @ n3))
    if not (width > 0 and height > 0):
        width = (np.hypot(*(quad[1] - quad[0])) + np.hypot(*(quad[2] - quad[3]))) / 2
        height = (np.hypot(*(quad[3] - quad[0])) + np.hypot(*(quad[2] - quad[1]))) / 2
    ratio = float(height / width)
    long_short = max(ratio, 1 / ratio)
    for known in KNOWN_ASPECTS:
        if abs(long_short - known) / known < SNAP:
            return known if ratio >= 1 else 1 / known
    return ratio


# Flattening -------------------------------------------------------------------------------------


def _corners(edit: Mapping[str, Any]) -> np.ndarray | None:
    try:
        corners = np.array(edit["corners"], dtype=np.float64).reshape(4, 2)
    except (KeyError, TypeError, ValueError):
        return None
    if not np.isfinite(corners).all() or (corners < -0.5).any() or (corners > 1.5).any():
        return None
    return corners


# Where a point (x, y) of the upright picture, sized (w, h), lies in the stored pixels, per EXIF orientation
# (the inverse of the transposition normalise.turned applies; pixel centres at whole coordinates, as OpenCV has them).
_STORED = {
    1: lambda x, y, w, h: (x, y),
    2: lambda x, y, w, h: (w - 1 - x, y),
    3: lambda x, y, w, h: (w - 1 - x, h - 1 - y),
    4: lambda x, y, w, h: (x, h - 1 - y),
    5: lambda x, y, w, h: (y, x),
    6: lambda x, y, w, h: (y, w - 1 - x),
    7: lambda x, y, w, h: (h - 1 - y, w - 1 - x),
    8: lambda x, y, w, h: (h - 1 - y, x),
}


def flatten(picture: Image.Image, edit: Mapping[str, Any], whiten: bool = True, turn: int = 1) -> Image.Image:
    """The page of the picture straightened to its proportions (and whitened); upright and otherwise unchanged
    when the edit is unusable.

    `turn` is the EXIF orientation of `picture` not yet applied: the corners (fractions of the upright picture)
    are then mapped onto the stored pixels and the one warp both straightens and turns the page.
    """
    try:
        return _flatten(picture, edit, whiten, turn if turn in _STORED else 1)
    except (
        cv2.error,
        ValueError,
        ZeroDivisionError,
    ):  # a degenerate hand-made quadrilateral: keep the picture
        return normalise.turned(picture, turn)


def _flatten(picture: Image.Image, edit: Mapping[str, Any], whiten: bool, turn: int) -> Image.Image:
    corners = _corners(edit)
    if corners is None:
        return normalise.turned(picture, turn)
    w, h = picture.size if turn < 5 else picture.size[::-1]  # the upright picture's size
    quad = np.array([_STORED[turn](u * w, v * h, w, h) for u, v in corners], dtype=np.float64)
    try:
        aspect = float(edit.get("aspect") or 0)
    except (TypeError, ValueError):
        aspect = 0.0
    top = np.hypot(*(quad[1] - quad[0]))
    bottom = np.hypot(*(quad[2] - quad[3]))
    left = np.hypot(*(quad[3] - quad[0]))
    right = np.hypot(*(quad[2] - quad[1]))
    if not 0.1 < aspect < 10:
        aspect = float((left + right) / max(1e-9, top + bottom))
    # As many pixels as the page had in the photo: no enlargement beyond what was there.
    area = max(1.0, float(cv2.contourArea(quad.astype(np.float32))))
    out_w = max(8, round(math.sqrt(area / aspect)))
    out_h = max(8, round(out_w * aspect))
    inset_x, inset_y = INSET * out_w, INSET * out_h
    target = np.array(
        [
            [-inset_x, -inset_y],
            [out_w - 1 + inset_x, -inset_y],
            [out_w - 1 + inset_x, out_h - 1 + inset_y],
            [-inset_x, out_h - 1 + inset_y],
        ],
        np.float32,
    )
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    source = picture if picture.mode in ("L", "RGB") else picture.convert("RGB")
    warped = cv2.warpPerspective(
        np.asarray(source), matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    if whiten:
        warped = level_lighting(warped)
    return Image.fromarray(warped, source.mode)


def level_lighting(pixels: np.ndarray) -> np.ndarray:
    """Divide out the paper's uneven lighting (shadows, warm light) so the paper turns white; ink, red seals
    and photos keep their colour because each channel is divided by the paper's own brightness there."""
    h, w = pixels.shape[:2]
    # Light changes slowly across a page: it is estimated on a picture ~240 pixels across.
    step = max(1, max(h, w) // 240)
    # Averaging whole step × step blocks (the page cut to a multiple of the step: a view, no copy) takes
    # OpenCV's integer fast path, 2.5× quicker than a fractional area resize; the few pixels left out do not
    # change the light.
    whole = pixels[: max(1, h // step) * step, : max(1, w // step) * step]
    small = cv2.resize(whole, (max(1, w // step), max(1, h // step)), interpolation=cv2.INTER_AREA)
    # Closing with a kernel wider than any stroke removes the writing and keeps the paper around it.
    size = max(3, (max(small.shape[:2]) // 6) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))  # separable: fast even when large
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    # Two box blurs smooth the block edges of the closing about as a Gaussian would, at a fraction of its cost.
    paper = cv2.blur(cv2.blur(paper, (size, size)), (size, size))
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    levelled = cv2.divide(pixels, paper, scale=255)
    # Paper a little below white becomes white; darker tones are stretched, not clipped.
    lut = np.clip((np.arange(256, dtype=np.float64) - 10) * 255.0 / 225.0, 0, 255).astype(np.uint8)
    return cv2.LUT(levelled, lut)


def finding_from_corners(corners: Any, size: tuple[int, int]) -> PageFinding:
    """A page placed by hand: four corners (fractions of the upright picture of `size`), in any order."""
    points = np.array(corners, dtype=np.float64).reshape(4, 2)
    quad = _order(points * np.array(size, dtype=np.float64))
    fractions = tuple((float(x) / size[0], float(y) / size[1]) for x, y in quad)
    return PageFinding(fractions, page_aspect(quad, size), 1.0)


def look_for_page(is_photo: bool, picture: Image.Image) -> PageFinding | str:
    """The page in an upright picture when it is a photo and the page is found with confidence, else why not."""
    if not is_photo:
        return NOT_A_PHOTO
    found = find_page(picture)
    return found if found is not None else NOT_FOUND


def look_in_bytes(data: bytes) -> PageFinding | str:
    """`look_for_page` for image bytes that were not decoded for print (a small decode is enough to find a page)."""
    header = normalise.open_page(data)
    is_photo = photo_evidence(header)
    header.close()
    if not is_photo:
        return NOT_A_PHOTO
    return look_for_page(True, normalise.open_normalised(data, max_side=DETECT_SIDE * 2))
