"""Chinese and English text in ReportLab PDFs (certificates, after-action reports).

Chinese is set in ReportLab's built-in CID font STSong-Light (宋体): PDF readers supply the glyphs,
so no font file ships with the application and the files stay small. Latin runs are set in
Helvetica, whose widths every reader knows.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

FONT = "STSong-Light"
LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


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
    """Paragraph markup setting Latin runs in Helvetica and the rest in the CID font.

    STSong-Light has Latin letters too, but readers without Adobe's font substitute a CJK font whose
    Latin spacing does not match the widths the PDF gives; Helvetica is safe everywhere. Newlines
    become line breaks.
    """
    latin = LATIN_BOLD if bold else LATIN
    runs, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or is_latin(text[i]) != is_latin(text[start]):
            run = escape(text[start:i]).replace("\n", "<br/>")
            if is_latin(text[start]):
                runs.append(f'<font name="{latin}">{run}</font>')
            else:
                runs.append(f"<b>{run}</b>" if bold else run)
            start = i
    return "".join(runs)
