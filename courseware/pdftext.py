"""Chinese and English text in ReportLab PDFs (certificates, training records, after-action reports).

Chinese is set in HanaMin (花園明朝, the Hanazono Mincho fonts, Debian's fonts-hanazono, free under
the SIL Open Font License 1.1), embedded as a subset of the characters used: a name may hold any
character the roster accepts, and the CJK fonts PDF readers supply (STSong-Light) stop at the Basic
Multilingual Plane, so 𠮷 (U+20BB7) printed as "☒". HanaMinA covers the BMP and Extension A
(䶮, U+4DAE); HanaMinB covers Extensions B and beyond, and each character is set in the first of
the two that has it. Latin runs are set in Helvetica, whose widths every reader knows.

The fonts are looked for in COURSEWARE_PDF_FONT_DIR, then where Debian installs them (`make`
installs the package). Without them the PDFs fall back to STSong-Light, and say so in the log.
"""

from __future__ import annotations

import io
import logging
import os
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont

LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
FALLBACK = "STSong-Light"
FONT_FILES = {"HanaMinA": "HanaMinA.ttf", "HanaMinB": "HanaMinB.ttf"}
FONT_DIRS = ("/usr/share/fonts/truetype/hanazono",)

log = logging.getLogger(__name__)


def _to_unicode_cmap(fontname: str, subset) -> str:
    """ReportLab's ToUnicode CMap, with characters beyond the BMP written as UTF-16 surrogate pairs.

    ReportLab writes such a character as five hex digits (<20BB7>), which is no valid PDF string:
    readers then cannot copy or search the name, and text extraction fails.
    """
    lines = ttfonts._plain_to_unicode_cmap(fontname, subset).split("\n")
    for index, line in enumerate(lines):
        code, _sep, target = line.partition("> <")
        if _sep and target.endswith(">") and len(target) - 1 > 4:
            utf16 = chr(int(target[:-1], 16)).encode("utf-16-be").hex().upper()
            lines[index] = f"{code}> <{utf16}>"
    return "\n".join(lines)


if not hasattr(ttfonts, "_plain_to_unicode_cmap"):
    ttfonts._plain_to_unicode_cmap = ttfonts.makeToUnicodeCMap
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def font_dirs() -> list[str]:
    configured = os.environ.get("COURSEWARE_PDF_FONT_DIR")
    return ([configured] if configured else []) + list(FONT_DIRS)


@cache
def _fonts() -> tuple[tuple[str, frozenset[int]], ...]:
    """The embedded fonts registered with ReportLab, each with the code points it can draw, in the
    order characters try them; empty when the font files are not installed."""
    for folder in font_dirs():
        paths = {name: Path(folder) / file for name, file in FONT_FILES.items()}
        if all(path.is_file() for path in paths.values()):
            registered = []
            for name, path in paths.items():
                font = TTFont(name, str(path))
                pdfmetrics.registerFont(font)
                # HanaMin has no bold face: <b> keeps the regular one rather than failing.
                registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
                registered.append((name, frozenset(font.face.charToGlyph)))
            return tuple(registered)
    log.warning(
        "The HanaMin fonts were not found in %s: PDFs use %s, which cannot draw characters "
        "outside the Basic Multilingual Plane (install fonts-hanazono)",
        ", ".join(font_dirs()),
        FALLBACK,
    )
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return ()


def main_font() -> str:
    """The font Chinese text starts in (the font named by styles)."""
    fonts = _fonts()
    return fonts[0][0] if fonts else FALLBACK


def font_for(char: str) -> str:
    """The first embedded font that has the character (the main one if none has it)."""
    for name, code_points in _fonts():
        if ord(char) in code_points:
            return name
    return main_font()


FONT = main_font()


def style(
    name: str, size: float, color=colors.black, alignment=TA_CENTER, **extra
) -> ParagraphStyle:
    """A paragraph style in the CID font, wrapping as Chinese wraps (between any two characters)."""
    return ParagraphStyle(
        name,
        fontName=FONT,
        fontSize=size,
        leading=size * 1.35,
        alignment=alignment,
        textColor=color,
        wordWrap="CJK",
        **extra,
    )


def is_latin(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def markup(text: str, bold: bool = False) -> str:
    """Paragraph markup setting Latin runs in Helvetica and the rest in the embedded fonts, each
    character in the first font that has it.

    The CJK fonts have Latin letters too, but Helvetica matches what the rest of the page uses and
    its widths are known everywhere. Newlines become line breaks.
    """
    latin = LATIN_BOLD if bold else LATIN

    def font_of(char: str) -> str:
        return latin if is_latin(char) else font_for(char)

    runs, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or font_of(text[i]) != font_of(text[start]):
            run = escape(text[start:i]).replace("\n", "<br/>")
            font = font_of(text[start])
            if font == latin:
                runs.append(f'<font name="{latin}">{run}</font>')
            else:
                run = f"<b>{run}</b>" if bold else run
                runs.append(run if font == FONT else f'<font name="{font}">{run}</font>')
            start = i
    return "".join(runs)


def a4_pdf(story: list, title: str, author: str, margin: float) -> bytes:
    """Lay out a story on A4 pages with the same margin all round, each page numbered at its foot,
    and return the PDF's bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author=author,
    )

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(LATIN, 8)
        canvas.drawRightString(A4[0] - margin, margin / 2, str(doc.page))
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
