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
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image

from desktop_app.scans import normalise, pixels
from desktop_app.scans.photos import (
    KNOWN_ASPECTS,
    NOT_A_PHOTO,
    NOT_FOUND,
    PageFinding,
    photo_evidence,
)

# Width of the picture the page is looked for in: enough for corners within 1 % of the diagonal (on 72
# generated photos, a quarter of a 2016-pixel decode: worst corner 0.41 %, median 0.26 % of the diagonal).
DETECT_SIDE = 504
MIN_AREA = 0.15
MAX_AREA = 0.97
MIN_CONFIDENCE = 0.6
SNAP = 0.05
# Pixels lost at each border of the flattened page, so a corner a pixel off never shows a sliver of desk.
INSET = 0.006
# Rows of the flattened page warped and levelled at a time (a strip of a few hundred kB stays in the cache).
STRIP_ROWS = 64
# After the light is divided out: paper a little below white becomes white; darker tones are stretched.
_LEVELS = np.clip((np.arange(256, dtype=np.float64) - 10) * 255.0 / 225.0, 0, 255).astype(np.uint8)

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


def _percentile(values: np.ndarray, q: float) -> float:
    """np.percentile's value (linear interpolation) from a partial sort. np.percentile's first call in a process
    imports more of numpy (np.unique's lazy submodules): ~15 ms of every `attach` that looks for a page."""
    flat = values.ravel()
    position = q / 100 * (flat.size - 1)
    low = math.floor(position)
    high = min(low + 1, flat.size - 1)
    ordered = np.partition(flat, (low, high))
    return float(ordered[low] + (position - low) * (ordered[high] - ordered[low]))


def _median(gray: np.ndarray, mask: np.ndarray) -> float:
    counts = cv2.calcHist([gray], [0], mask, [256], [0, 256]).ravel().cumsum()
    return float(np.searchsorted(counts, counts[-1] / 2))


def _masks(small: np.ndarray, gray: np.ndarray) -> Iterator[np.ndarray]:
    """Binary pictures in which the page may stand out as one blob, the likeliest first (made one at a time:
    a clear page is usually settled by the first)."""
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


@dataclass(frozen=True)
class Reduced:
    """A picture as stored, averaged over factor × factor blocks: turned upright, what the page is looked for
    in; as it is, what the paper's light is estimated on when the page is flattened."""

    picture: Image.Image
    factor: int

    def upright(self, turn: int = 1) -> Image.Image:
        """The small picture turned by an EXIF orientation (turning it is cheap; turning the photo is not)."""
        return normalise.turned(self.picture, turn)


def reduced(stored: Image.Image) -> Reduced:
    """The picture reduced to about DETECT_SIDE pixels across (whole blocks, RGB or L)."""
    factor = max(1, round(max(stored.size) / DETECT_SIDE))
    small = stored if stored.mode in ("RGB", "L") else stored.convert("RGB")
    return Reduced(small.reduce(factor) if factor > 1 else small, factor)


def _reduced_size(picture: Image.Image, small: Reduced) -> tuple[int, int]:
    """The size `picture` has after Image.reduce(small.factor) (a partial block at the edge counts)."""
    return (-(-picture.width // small.factor), -(-picture.height // small.factor))


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
    strong = _percentile(gradient[::4, ::4], 90) * 0.5 + 1.0
    edges = cv2.dilate((gradient >= strong).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    best: tuple[float, np.ndarray, float] | None = None
    for mask in _masks(small, gray):
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


def flatten(
    picture: Image.Image,
    edit: Mapping[str, Any],
    whiten: bool = True,
    turn: int = 1,
    small: Reduced | None = None,
) -> Image.Image:
    """The page of the picture straightened to its proportions (and whitened); upright and otherwise unchanged
    when the edit is unusable.

    `turn` is the EXIF orientation of `picture` not yet applied: the corners (fractions of the upright picture)
    are then mapped onto the stored pixels and the one warp both straightens and turns the page. `small`: the
    same picture reduced (`reduced`), when the caller has it already; the paper's light is estimated on it.
    """
    try:
        return _flatten(picture, edit, whiten, turn if turn in _STORED else 1, small)
    except (
        cv2.error,
        ValueError,
        ZeroDivisionError,
    ):  # a degenerate hand-made quadrilateral: keep the picture
        return normalise.turned(picture, turn)


def _flatten(
    picture: Image.Image, edit: Mapping[str, Any], whiten: bool, turn: int, small: Reduced | None
) -> Image.Image:
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
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target).astype(np.float64)
    source = picture if picture.mode in ("L", "RGB") else picture.convert("RGB")
    if not whiten:
        small = None
    elif small is None or (small.picture.mode, small.picture.size) != (
        source.mode,
        _reduced_size(source, small),
    ):
        small = reduced(source)  # none given, or not this picture reduced (the light would be someone else's)
    return _warp(source, matrix, (out_w, out_h), small)


def _warp(
    source: Image.Image, matrix: np.ndarray, size: tuple[int, int], small: Reduced | None
) -> Image.Image:
    """The page warped by `matrix` (source pixels → page pixels) into a new picture of `size`, levelled with the
    light estimated from `small` when given.

    The page is made a strip of rows at a time, read straight from the source's memory and written straight
    into the new picture's (pixels.view): warping, levelling and storing one strip stays in the processor's
    cache instead of passing the whole page through memory once per step."""
    pixels_in = pixels.as_array(source)
    light = _paper_light(small, matrix, size, pixels_in) if small is not None else None
    out_w, out_h = size
    result, view = pixels.new_picture(source.mode, size)
    if view is not None and view.shape[2:] != pixels_in.shape[2:]:
        view = None  # the source's pixels could not be viewed: bands differ, warp into an array instead
    out = view if view is not None else np.empty((out_h, out_w, *pixels_in.shape[2:]), np.uint8)
    for top in range(0, out_h, STRIP_ROWS):
        rows = min(STRIP_ROWS, out_h - top)
        strip = out[top : top + rows]
        shifted = matrix.copy()
        shifted[1] -= top * matrix[2]  # the strip's rows start at `top`: y' = y - top
        done = cv2.warpPerspective(
            pixels_in,
            shifted,
            (out_w, rows),
            dst=strip,
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )
        if done is not strip:  # OpenCV made its own array after all: the strip still gets the pixels
            strip[...] = done
        if light is not None:
            _level(strip, light, top, size)
    if view is not None:
        return result
    if out.ndim == 3 and out.shape[2] == 4:
        out = np.ascontiguousarray(out[..., :3])
    return Image.fromarray(out, source.mode)


def _paper_light(small: Reduced, matrix: np.ndarray, size: tuple[int, int], like: np.ndarray) -> np.ndarray:
    """The paper's brightness across the page, ~240 pixels across, with the bands of `like`.

    Light changes slowly across a page, so it is estimated on the small picture warped straight to a small
    page; closing with a kernel wider than any stroke removes the writing and keeps the paper around it."""
    out_w, out_h = size
    step = max(1, max(out_w, out_h) // 240)
    light_w, light_h = max(1, out_w // step), max(1, out_h // step)
    sx, sy = light_w / out_w, light_h / out_h
    # Reduced pixel x covers source pixels f·x … f·x + f − 1 (centre f·x + (f − 1)/2); page → light page likewise.
    into_small_page = _scaling(sx, sy) @ matrix @ np.linalg.inv(_scaling(1 / small.factor, 1 / small.factor))
    page = cv2.warpPerspective(
        pixels.as_array(small.picture),
        into_small_page,
        (light_w, light_h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    kernel_size = max(3, (max(light_w, light_h) // 6) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (kernel_size, kernel_size))  # separable: fast
    paper = cv2.morphologyEx(page, cv2.MORPH_CLOSE, kernel)
    # Two box blurs smooth the block edges of the closing about as a Gaussian would, at a fraction of its cost.
    paper = cv2.blur(cv2.blur(paper, (kernel_size, kernel_size)), (kernel_size, kernel_size))
    bands, want = paper.shape[2] if paper.ndim == 3 else 1, like.shape[2] if like.ndim == 3 else 1
    if bands != want:
        paper = cv2.cvtColor(paper, cv2.COLOR_RGBA2RGB if bands == 4 else cv2.COLOR_RGB2RGBA)
    return paper


def _scaling(sx: float, sy: float) -> np.ndarray:
    """Pixel coordinates of a picture → those of the same picture resized by (sx, sy), pixel centres as
    cv2.resize has them: x' = (x + 0.5)·sx − 0.5."""
    return np.array([[sx, 0.0, 0.5 * sx - 0.5], [0.0, sy, 0.5 * sy - 0.5], [0.0, 0.0, 1.0]])


def _level(strip: np.ndarray, light: np.ndarray, top: int, size: tuple[int, int]) -> None:
    """Divide the paper's uneven lighting (shadows, warm light) out of a strip of the page, in place: the paper
    turns white, while ink, red seals and photos keep their colour because each band is divided by the
    paper's own brightness there."""
    light_h, light_w = light.shape[:2]
    sx, sy = light_w / size[0], light_h / size[1]
    # Where each of the strip's pixels lies on the small light picture (its rows start at `top`).
    into_light = (_scaling(sx, sy) @ np.array([[1.0, 0.0, 0.0], [0.0, 1.0, top], [0.0, 0.0, 1.0]]))[:2]
    paper = cv2.warpAffine(
        light,
        into_light,
        (strip.shape[1], strip.shape[0]),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    cv2.divide(strip, paper, dst=strip, scale=255)
    cv2.LUT(strip, _LEVELS, dst=strip)


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
