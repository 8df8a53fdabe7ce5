"""The rules a PDF page paints, read with pypdfium2 (paths, in its forms too), and the ruled grids
they draw, found as pdfplumber's "lines" table strategy finds them: edges snapped, joined and
crossed into cells, cells grouped into tables. Used by :mod:`pipeline.ingest.pdf_layout`."""

from __future__ import annotations

import ctypes
import itertools
import re
import struct
from typing import Any, NamedTuple

FORM_DEPTH = 64  # nesting of form XObjects searched for paths; pdfium parses at most 40 levels
# pdfplumber's defaults for ruled grids, which the table thresholds above were tuned with: rules
# this close are snapped into one line and joined end to end, shorter ones are dropped
SNAP_TOLERANCE = 3.0
JOIN_TOLERANCE = 3.0
EDGE_MIN_LENGTH = 3.0
INTERSECTION_TOLERANCE = 3.0
_MATRIX = struct.Struct("6f")  # pdfium's FS_MATRIX: a, b, c, d, e, f

Box = tuple[float, float, float, float]
"""left, top, right, bottom in top-down page coordinates."""
Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]
"""a, b, c, d, e, f of a PDF transformation: (x, y) goes to (ax + cy + e, bx + dy + f)."""


class Edge(NamedTuple):
    """A horizontal ("h") or vertical ("v") stretch of a rule, as pdfplumber's table finder sees it."""

    orientation: str
    x0: float
    top: float
    x1: float
    bottom: float


class Shape(NamedTuple):
    """A painted subpath as pdfminer classifies it ("line", "rect" or "curve"), with its points."""

    kind: str
    points: tuple[Point, ...]


# -- rules: a page's paths as pdfminer and pdfplumber see them --------------------------------------

def page_shapes(page: Any, height: float) -> list[Shape]:
    """The lines, rectangles and curves a page paints, in its forms too (top-down coordinates)."""
    import pypdfium2.raw as pdfium_c

    get_object, raw = pdfium_c.FPDFPage_GetObject, page.raw
    shapes: list[Shape] = []
    _collect_shapes(pdfium_c, [get_object(raw, i) for i in range(pdfium_c.FPDFPage_CountObjects(raw))],
                    (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), height, 0, shapes)
    return shapes


def _collect_shapes(c: Any, objects: list[Any], outer: Matrix, height: float, depth: int,
                    shapes: list[Shape]) -> None:
    """Add the shapes of ``objects`` (drawn under the matrix ``outer``) and of their forms."""
    fs_matrix = c.FS_MATRIX()
    get_type, path, form = c.FPDFPageObj_GetType, c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_FORM
    for obj in objects:
        kind = get_type(obj)
        if (kind != path and kind != form) or not c.FPDFPageObj_GetMatrix(obj, fs_matrix):
            continue
        matrix = _compose(_MATRIX.unpack_from(fs_matrix), outer)
        if kind == path:
            shapes.extend(_path_shapes(c, obj, matrix, height))
        elif depth + 1 < FORM_DEPTH:
            inner = [c.FPDFFormObj_GetObject(obj, i) for i in range(c.FPDFFormObj_CountObjects(obj))]
            _collect_shapes(c, inner, matrix, height, depth + 1, shapes)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix that applies ``inner`` and then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _path_shapes(c: Any, obj: Any, matrix: Matrix, height: float) -> list[Shape]:
    """A path object's subpaths, each classified as pdfminer classifies it."""
    a, b, cc, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    get_segment, get_point = c.FPDFPath_GetPathSegment, c.FPDFPathSegment_GetPoint
    get_kind, closes = c.FPDFPathSegment_GetType, c.FPDFPathSegment_GetClose
    bezier, move = c.FPDF_SEGMENT_BEZIERTO, c.FPDF_SEGMENT_MOVETO
    ops: list[tuple[str, Point]] = []  # pdfminer's path operators with their end points
    start = (0.0, 0.0)
    curve_points = 0
    for i in range(c.FPDFPath_CountSegments(obj)):
        segment = get_segment(obj, i)
        if not segment or not get_point(segment, x, y):
            return []
        point = (a * x.value + cc * y.value + e, height - (b * x.value + d * y.value + f))
        kind = get_kind(segment)
        if kind == bezier:
            curve_points += 1  # pdfium gives both control points and then the end point
            if curve_points % 3:
                continue
            ops.append(("c", point))
        elif kind == move:
            ops.append(("m", point))
            start = point
        else:
            ops.append(("l", point))
        if closes(segment):
            ops.append(("h", start))
    return _classify(ops)


def _classify(ops: list[tuple[str, Point]]) -> list[Shape]:
    """pdfminer's reading of a painted path: a line, a rectangle or a curve per subpath."""
    shape = "".join(op for op, _ in ops)
    if shape[:1] != "m":
        return []
    if shape.count("m") > 1:
        return [s for m in re.finditer(r"m[^m]+", shape) for s in _classify(ops[m.start():m.end()])]
    points = [p for _, p in ops]
    # drop a redundant "l" on a path closed with "h"
    if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
        shape = shape[:-2] + "h"
        points.pop()
    if shape in ("mlh", "ml"):
        return [Shape("line", (points[0], points[1]))]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
        square = ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                  or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0))
        if points[0] == points[4] and square:
            return [Shape("rect", (points[0], points[2]))]
    return [Shape("curve", tuple(points))]


def shape_edges(shapes: list[Shape]) -> list[Edge]:
    """pdfplumber's edges of the shapes: a line is one (vertical unless level), a rectangle four,
    a curve one per level or upright step."""
    edges: list[Edge] = []
    for kind, points in shapes:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        if kind == "line":
            edges.append(Edge("h" if min(ys) == max(ys) else "v", min(xs), min(ys), max(xs), max(ys)))
        elif kind == "rect":
            x0, top, x1, bottom = min(xs), min(ys), max(xs), max(ys)
            edges += [Edge("h", x0, top, x1, top), Edge("h", x0, bottom, x1, bottom),
                      Edge("v", x0, top, x0, bottom), Edge("v", x1, top, x1, bottom)]
        else:
            for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
                if ax == bx or ay == by:
                    edges.append(Edge("v" if ax == bx else "h",
                                       min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
    return edges


# -- grids: pdfplumber's "lines" table strategy ---------------------------------------------------

def _length(edge: Edge) -> float:
    """How long an edge runs along its orientation."""
    return edge.bottom - edge.top if edge.orientation == "v" else edge.x1 - edge.x0


def grid_tables(edges: list[Edge]) -> list[list[Box]]:
    """The cells of each ruled grid, found as pdfplumber finds them from rules alone."""
    edges = [e for e in edges if _length(e) >= 1]
    if len({e.orientation for e in edges}) < 2:  # a grid needs rules both ways
        return []
    edges = [e for e in _merge_edges(edges) if _length(e) >= EDGE_MIN_LENGTH]
    return _cells_to_tables(_intersections_to_cells(_intersections(edges)))


def _merge_edges(edges: list[Edge]) -> list[Edge]:
    """Snap edges within SNAP_TOLERANCE of each other to their mean position, then join the
    collinear ones that come within JOIN_TOLERANCE end to end."""
    vertical = _snap([e for e in edges if e.orientation == "v"], vertical=True)
    horizontal = _snap([e for e in edges if e.orientation == "h"], vertical=False)

    def line_of(e: Edge) -> tuple[str, float]:
        return ("h", e.top) if e.orientation == "h" else ("v", e.x0)

    out: list[Edge] = []
    for (orientation, _), group in itertools.groupby(sorted(vertical + horizontal, key=line_of), key=line_of):
        along = (lambda e: e.x0) if orientation == "h" else (lambda e: e.top)
        joined: list[Edge] = []
        for e in sorted(group, key=along):
            if joined and along(e) <= _end(joined[-1]) + JOIN_TOLERANCE:
                if _end(e) > _end(joined[-1]):
                    last = joined[-1]
                    joined[-1] = (last._replace(x1=e.x1) if orientation == "h"
                                  else last._replace(bottom=e.bottom))
            else:
                joined.append(e)
        out += joined
    return out


def _end(edge: Edge) -> float:
    """Where an edge ends along its orientation."""
    return edge.x1 if edge.orientation == "h" else edge.bottom


def _snap(edges: list[Edge], *, vertical: bool) -> list[Edge]:
    """Move each cluster of edges (by x0 for vertical ones, by top for horizontal) to its mean."""
    def key(e: Edge) -> float:
        return e.x0 if vertical else e.top

    out: list[Edge] = []
    for cluster in _clusters(edges, key, SNAP_TOLERANCE):
        mean = sum(map(key, cluster)) / len(cluster)
        for e in cluster:
            shift = mean - key(e)
            out.append(e._replace(x0=e.x0 + shift, x1=e.x1 + shift) if vertical
                       else e._replace(top=e.top + shift, bottom=e.bottom + shift))
    return out


def _clusters(items: list[Edge], key: Any, tolerance: float) -> list[list[Edge]]:
    """pdfplumber's clusters: sorted distinct keys chained while each is within ``tolerance`` of
    the one before; items grouped by cluster in their given order."""
    cluster_of: dict[float, int] = {}
    previous = None
    for value in sorted({key(i) for i in items}):
        if previous is not None and value > previous + tolerance:
            cluster_of[value] = cluster_of[previous] + 1
        else:
            cluster_of[value] = cluster_of[previous] if previous is not None else 0
        previous = value
    ordered = sorted(items, key=lambda i: cluster_of[key(i)])
    return [list(g) for _, g in itertools.groupby(ordered, key=lambda i: cluster_of[key(i)])]


def _intersections(edges: list[Edge]) -> dict[Point, tuple[set[Box], set[Box]]]:
    """Where vertical and horizontal edges cross (within INTERSECTION_TOLERANCE), with the boxes
    of the vertical and of the horizontal edges that cross there."""
    tol = INTERSECTION_TOLERANCE
    vertical = sorted((e for e in edges if e.orientation == "v"), key=lambda e: (e.x0, e.top))
    horizontal = sorted((e for e in edges if e.orientation == "h"), key=lambda e: (e.top, e.x0))
    out: dict[Point, tuple[set[Box], set[Box]]] = {}
    for v in vertical:
        for h in horizontal:
            if v.top <= h.top + tol and v.bottom >= h.top - tol and h.x0 - tol <= v.x0 <= h.x1 + tol:
                vs, hs = out.setdefault((v.x0, h.top), (set(), set()))
                vs.add(v[1:])
                hs.add(h[1:])
    return out


def _intersections_to_cells(crossings: dict[Point, tuple[set[Box], set[Box]]]) -> list[Box]:
    """The smallest rectangle below and right of each crossing whose four corners are crossings
    joined by edges."""
    def connected(p: Point, q: Point) -> bool:
        return bool((p[0] == q[0] and crossings[p][0] & crossings[q][0])
                    or (p[1] == q[1] and crossings[p][1] & crossings[q][1]))

    points = sorted(crossings)
    cells = []
    for i, pt in enumerate(points[:-1]):
        rest = points[i + 1:]
        below = [p for p in rest if p[0] == pt[0]]
        right = [p for p in rest if p[1] == pt[1]]
        cell = next(((pt[0], pt[1], r[0], b[1]) for b in below if connected(pt, b) for r in right
                     if connected(pt, r) and (r[0], b[1]) in crossings
                     and connected((r[0], b[1]), r) and connected((r[0], b[1]), b)), None)
        if cell is not None:
            cells.append(cell)
    return cells


def _cells_to_tables(cells: list[Box]) -> list[list[Box]]:
    """Cells grouped into tables of cells that share corners, top to bottom, left to right;
    single cells are no table."""
    def corners(c: Box) -> set[Point]:
        return {(c[0], c[1]), (c[0], c[3]), (c[2], c[1]), (c[2], c[3])}

    remaining = list(cells)
    tables: list[list[Box]] = []
    current: list[Box] = []
    current_corners: set[Point] = set()
    while remaining:
        before = len(current)
        for cell in list(remaining):
            if not current or current_corners & corners(cell):
                current_corners |= corners(cell)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(current)
            current, current_corners = [], set()
    if current:
        tables.append(current)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def grid_rows(cells: list[Box]) -> list[list[Box | None]]:
    """A grid's rows, each with a cell (or None) for every column position."""
    xs = sorted({c[0] for c in cells})
    rows = []
    for _, row in itertools.groupby(sorted(cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1]):
        by_x = {c[0]: c for c in row}
        rows.append([by_x.get(x) for x in xs])
    return rows
