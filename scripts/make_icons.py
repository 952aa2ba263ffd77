"""Draw the gui_chat app icon and write it as SVG, PNGs, a multi-size ICO and an ICNS.

The icon is two overlapping speech bubbles in a flat blue/teal palette. Its shapes are
built once as QPainterPaths; the PNGs are painted from them with QPainter (offscreen)
and the SVG is written from the same path elements, so every format shows the same
picture. Run from anywhere:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_icons.py [OUT_DIR]

OUT_DIR defaults to resources/icons/.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
)

CANVAS = 512.0
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 32, 48, 64, 128, 256)
# ICNS element types that hold PNG data, by pixel size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}

BACK_COLOR = "#14b8a6"  # teal bubble behind
FRONT_COLOR = "#2563eb"  # blue bubble in front
DOT_COLOR = "#ffffff"
GAP = 22.0  # transparent gap between the bubbles, in canvas units


def bubble(rect: QRectF, radius: float, tail: list[tuple[float, float]]) -> QPainterPath:
    """Return a rounded rectangle joined with a triangular tail."""
    body = QPainterPath()
    body.addRoundedRect(rect, radius, radius)
    tip = QPainterPath()
    tip.moveTo(*tail[0])
    for point in tail[1:]:
        tip.lineTo(*point)
    tip.closeSubpath()
    return body.united(tip).simplified()


def icon_shapes() -> list[tuple[QPainterPath, str]]:
    """Return the icon's filled shapes, back to front, with their colours."""
    back = bubble(
        QRectF(24, 40, 318, 236),
        84,
        [(84, 250), (62, 348), (170, 262)],
    )
    front = bubble(
        QRectF(170, 178, 318, 236),
        84,
        [(428, 390), (450, 488), (342, 400)],
    )
    stroker = QPainterPathStroker()
    stroker.setWidth(2 * GAP)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    halo = stroker.createStroke(front).united(front)
    back = back.subtracted(halo).simplified()

    dots = QPainterPath()
    centre_y = 296.0
    for centre_x in (262.0, 329.0, 396.0):
        dots.addEllipse(QPointF(centre_x, centre_y), 25, 25)
    return [(back, BACK_COLOR), (front, FRONT_COLOR), (dots, DOT_COLOR)]


def render_png(shapes: list[tuple[QPainterPath, str]], size: int) -> bytes:
    """Paint the shapes into a ``size``×``size`` transparent PNG and return its bytes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.scale(size / CANVAS, size / CANVAS)
    for path, color in shapes:
        painter.setBrush(QColor(color))
        painter.drawPath(path)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"could not encode the {size}px PNG")
    buffer.close()
    return bytes(data.data())


def path_data(path: QPainterPath) -> str:
    """Return SVG path data (M/L/C/Z) for a QPainterPath."""
    parts: list[str] = []
    count = path.elementCount()
    index = 0
    started = False
    while index < count:
        element = path.elementAt(index)
        if element.isMoveTo():
            if started:
                parts.append("Z")
            parts.append(f"M{element.x:.1f} {element.y:.1f}")
            started = True
            index += 1
        elif element.isLineTo():
            parts.append(f"L{element.x:.1f} {element.y:.1f}")
            index += 1
        else:  # a cubic curve: this element and the next two data elements
            c1, c2 = element, path.elementAt(index + 1)
            end = path.elementAt(index + 2)
            parts.append(f"C{c1.x:.1f} {c1.y:.1f} {c2.x:.1f} {c2.y:.1f} {end.x:.1f} {end.y:.1f}")
            index += 3
    if started:
        parts.append("Z")
    return "".join(parts)


def render_svg(shapes: list[tuple[QPainterPath, str]]) -> str:
    """Return the icon as a standalone SVG document."""
    size = int(CANVAS)
    body = "\n".join(
        f'  <path fill="{color}" fill-rule="nonzero" d="{path_data(path)}"/>'
        for path, color in shapes
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">\n  <title>gui_chat</title>\n{body}\n</svg>\n'
    )


def build_ico(pngs: dict[int, bytes]) -> bytes:
    """Return a Windows ICO file whose entries are the given PNGs (Vista and later)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    payload = b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        payload += data
        offset += len(data)
    return header + entries + payload


def build_icns(pngs: dict[int, bytes]) -> bytes:
    """Return a macOS ICNS file whose elements are the given PNGs."""
    body = b""
    for size in sorted(pngs):
        data = pngs[size]
        body += ICNS_TYPES[size] + struct.pack(">I", 8 + len(data)) + data
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv: list[str]) -> int:
    """Write every icon file into the output folder."""
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    if len(argv) <= 1:
        out = out / "resources" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    app = QGuiApplication.instance() or QGuiApplication([])
    shapes = icon_shapes()
    pngs = {size: render_png(shapes, size) for size in PNG_SIZES}
    for size, data in pngs.items():
        (out / f"gui_chat_{size}.png").write_bytes(data)
    (out / "gui_chat.png").write_bytes(pngs[256])
    (out / "gui_chat.svg").write_text(render_svg(shapes), encoding="utf-8")
    (out / "gui_chat.ico").write_bytes(build_ico({s: pngs[s] for s in ICO_SIZES}))
    (out / "gui_chat.icns").write_bytes(build_icns({s: pngs[s] for s in ICNS_TYPES}))
    del app
    print(f"wrote icons to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
