"""Country shapes for the world map, read from the SVG world map that the PyPI package
`pygal_maps_world` ships (one `<g class="xx country">` of paths per ISO 3166-1 alpha-2
code, lower case), turned into matplotlib paths. Read locally: nothing is downloaded.

Only what that file uses is parsed: path data with the commands M L H V C S Z (either
case), no transforms. Curves become two line segments each: at a page's scale a curve of
the file spans a fraction of a millimetre, and straight paths are fast to measure and
small to write; and a point closer than `DETAIL` map units (about 0.2 mm on an A4
page) to the last one kept is dropped.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ElementTree
from importlib import resources

from matplotlib.path import Path

SHAPES_PACKAGE = "pygal_maps_world"
SHAPES_FILE = "worldmap.svg"
_TOKEN = re.compile(r"[MmLlHhVvCcSsZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
DETAIL = 3.0
_ARGUMENTS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "z": 0}


@functools.cache
def country_shapes() -> tuple[tuple[float, float], dict[str, Path]]:
    """(width, height) of the map, and code (lower case) → the country's outline, in map
    units with y pointing up."""
    text = resources.files(SHAPES_PACKAGE).joinpath(SHAPES_FILE).read_text(encoding="utf-8")
    root = ElementTree.fromstring(text)
    _, _, width, height = (float(part) for part in root.get("viewBox", "").split())
    shapes: dict[str, Path] = {}
    for group in root.iter():
        classes = (group.get("class") or "").split()
        if "country" not in classes or not group.tag.endswith("g"):
            continue
        paths = [parse_path(node.get("d", "")) for node in group if node.tag.endswith("path")]
        flipped = [Path([(x, height - y) for x, y in p.vertices], p.codes) for p in paths if p]
        if flipped:
            shapes[classes[0]] = Path.make_compound_path(*flipped)
    return (width, height), shapes


def parse_path(data: str) -> Path | None:
    """SVG path data → a matplotlib Path of line segments; None if empty."""
    tokens = _TOKEN.findall(data)
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    x = y = start_x = start_y = 0.0
    control: tuple[float, float] | None = None  # last cubic control point, for S
    position = 0
    command = ""
    while position < len(tokens):
        token = tokens[position]
        if token.isalpha():
            command = token
            position += 1
            if command in "Zz":
                if vertices:
                    vertices.append((start_x, start_y))
                    codes.append(Path.CLOSEPOLY)
                x, y, control = start_x, start_y, None
                continue
        elif not command:
            raise ValueError(f"path data starts with a number: {data[:30]!r}")
        count = _ARGUMENTS[command.lower()]
        numbers = [float(value) for value in tokens[position : position + count]]
        if len(numbers) < count:
            raise ValueError(f"path data ends inside a {command!r}: {data[-30:]!r}")
        position += count
        relative = command.islower()
        kind = command.lower()
        if kind in "ml":
            nx, ny = numbers
            x, y = (x + nx, y + ny) if relative else (nx, ny)
            if kind == "m":
                start_x, start_y = x, y
                codes.append(Path.MOVETO)
                command = "l" if relative else "L"  # further pairs are line-tos
            else:
                codes.append(Path.LINETO)
            vertices.append((x, y))
            control = None
        elif kind in "hv":
            (value,) = numbers
            if kind == "h":
                x = x + value if relative else value
            else:
                y = y + value if relative else value
            vertices.append((x, y))
            codes.append(Path.LINETO)
            control = None
        else:
            origin = (x, y) if relative else (0.0, 0.0)
            points = [
                (origin[0] + numbers[i], origin[1] + numbers[i + 1])
                for i in range(0, len(numbers), 2)
            ]
            if kind == "s":  # the first control point mirrors the last one
                first = (2 * x - control[0], 2 * y - control[1]) if control else (x, y)
                points.insert(0, first)
            vertices.extend([_bezier_middle((x, y), *points), points[2]])
            codes.extend([Path.LINETO] * 2)
            control = points[1]
            x, y = points[2]
    if not vertices:
        return None
    return _coarser(vertices, codes)


def _coarser(vertices: list[tuple[float, float]], codes: list[int]) -> Path:
    """Drop line-to points within DETAIL of the last point kept (outline ends stay)."""
    kept_vertices: list[tuple[float, float]] = []
    kept_codes: list[int] = []
    for index, (point, code) in enumerate(zip(vertices, codes, strict=True)):
        if code == Path.LINETO and kept_vertices:
            last = kept_vertices[-1]
            next_code = codes[index + 1] if index + 1 < len(codes) else Path.MOVETO
            near = abs(point[0] - last[0]) + abs(point[1] - last[1]) < DETAIL
            if near and next_code == Path.LINETO:
                continue
        kept_vertices.append(point)
        kept_codes.append(code)
    return Path(kept_vertices, kept_codes)


def _bezier_middle(start, first, second, end) -> tuple[float, float]:
    """The point of a cubic Bézier at t = 1/2."""
    return (
        (start[0] + 3 * first[0] + 3 * second[0] + end[0]) / 8,
        (start[1] + 3 * first[1] + 3 * second[1] + end[1]) / 8,
    )
