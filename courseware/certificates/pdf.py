"""The certificate as an A4 PDF, drawn with ReportLab; Chinese and Latin text as courseware.pdftext
sets it (the embedded HanaMin fonts, which draw every character a name may hold, and Helvetica)."""

from __future__ import annotations

import io

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from courseware import pdftext
from courseware.certificates import design, qr
from courseware.certificates.models import Certificate
from courseware.certificates.records import display_code
from courseware.pdftext import LATIN, markup

QR_SIZE = 38 * mm
SEAL_SIZE = 36 * mm
MARGIN = 18 * mm
RED = colors.HexColor("#b00020")


def _style(size: float, color=colors.black, alignment=TA_CENTER) -> ParagraphStyle:
    return pdftext.style(f"cert-{size}", size, color, alignment)


def _paragraph(
    pdf: canvas.Canvas,
    text: str,
    style: ParagraphStyle,
    top: float,
    left: float | None = None,
    width: float | None = None,
) -> float:
    """Draw wrapped text (centred unless the style says otherwise) whose first line starts at `top`;
    return where the next may start."""
    width = width or A4[0] - 2 * MARGIN - 10 * mm
    paragraph = Paragraph(markup(text), style)
    _, height = paragraph.wrap(width, A4[1])
    paragraph.drawOn(pdf, (A4[0] - width) / 2 if left is None else left, top - height)
    return top - height


def _draw_qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code's modules as filled squares, so it prints sharp at any resolution."""
    matrix = qr.make(url).matrix
    border = 4
    count = len(matrix) + 2 * border
    module = size / count
    pdf.setFillColor(colors.white)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColor(colors.black)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                pdf.rect(
                    x + (column + border) * module,
                    y + size - (row + border + 1) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )


def _draw_signature(pdf: canvas.Canvas, stored, language: str, bottom: float) -> None:
    """The signature line on the right, above the QR code, with the seal stamped over it."""
    signature = design.in_language(stored.signature, language)
    if not signature and stored.seal_png is None:
        return
    width = 70 * mm
    left = A4[0] - MARGIN - 5 * mm - width
    line_y = bottom + 10 * mm
    if signature:
        pdf.setStrokeColor(colors.black)
        pdf.setLineWidth(0.6)
        pdf.line(left, line_y, left + width, line_y)
        _paragraph(pdf, signature, _style(12), line_y - 2 * mm, left, width)
    if stored.seal_png is not None:
        # A seal is stamped across the signature, as on paper; its transparency shows what is under it.
        pdf.drawImage(
            ImageReader(io.BytesIO(stored.seal_png)),
            left + (width - SEAL_SIZE) / 2,
            line_y - SEAL_SIZE / 2,
            SEAL_SIZE,
            SEAL_SIZE,
            mask="auto",
            preserveAspectRatio=True,
            anchor="c",
        )


def render(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate on one A4 page: name, unit, course (Chinese, English below), 学时, date,
    code, QR code and where to verify it."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{_('Certificate of completion')} {display_code(certificate.code)}")
    pdf.setAuthor(_("Courseware"))
    draw_page(pdf, certificate, verify_url)
    pdf.save()
    return buffer.getvalue()


def draw_page(pdf: canvas.Canvas, certificate: Certificate, verify_url: str) -> None:
    """Draw one certificate on the canvas's current page and end the page: a single certificate
    and a whole class's are drawn alike."""
    title_zh = certificate.course_title.get("zh", "")
    title_en = certificate.course_title.get("en", "")
    width, height = A4

    pdf.setStrokeColor(colors.HexColor("#8a6d1d"))
    pdf.setLineWidth(2)
    pdf.rect(MARGIN / 2, MARGIN / 2, width - MARGIN, height - MARGIN)
    pdf.setLineWidth(0.5)
    pdf.rect(
        MARGIN / 2 + 3 * mm, MARGIN / 2 + 3 * mm, width - MARGIN - 6 * mm, height - MARGIN - 6 * mm
    )

    stored = design.current()
    language = str(get_locale() or "zh")[:2]
    organisation = design.in_language(stored.organisation if stored else None, language)
    if organisation:
        _paragraph(pdf, organisation, _style(15), height - 30 * mm)
    top = height - 45 * mm
    top = _paragraph(pdf, _("Certificate of completion"), _style(28), top) - 16 * mm
    top = _paragraph(pdf, _("This certifies that"), _style(13), top) - 5 * mm
    top = _paragraph(pdf, certificate.name, _style(24), top) - 3 * mm
    if certificate.unit:
        top = _paragraph(pdf, certificate.unit, _style(12), top) - 3 * mm
    top -= 6 * mm
    top = _paragraph(pdf, _("has completed the course"), _style(13), top) - 5 * mm
    top = _paragraph(pdf, title_zh, _style(20), top) - 2 * mm
    if title_en and title_en != title_zh:
        top = _paragraph(pdf, title_en, _style(14), top) - 2 * mm
    top -= 8 * mm
    top = (
        _paragraph(
            pdf,
            _("Credit hours (学时): %(hours)s", hours=format(certificate.credit_hours, "g")),
            _style(13),
            top,
        )
        - 3 * mm
    )
    top = _paragraph(
        pdf,
        _("Date of issue: %(date)s", date=format_date(certificate.issued_at, "long")),
        _style(13),
        top,
    )
    if certificate.revoked_at is not None:
        top -= 8 * mm
        _paragraph(
            pdf,
            _("Revoked on %(date)s", date=format_date(certificate.revoked_at, "long")),
            _style(18, color=RED),
            top,
        )

    qr_x, qr_y = width - MARGIN - 5 * mm - QR_SIZE, MARGIN + 5 * mm
    _draw_qr(pdf, verify_url, qr_x, qr_y, QR_SIZE)
    if stored is not None:
        _draw_signature(pdf, stored, language, qr_y + QR_SIZE + 8 * mm)
    left = MARGIN + 5 * mm
    room = qr_x - left - 4 * mm
    top = qr_y + QR_SIZE - 6 * mm
    top = (
        _paragraph(
            pdf,
            _("Verification code: %(code)s", code=display_code(certificate.code)),
            _style(12, alignment=TA_LEFT),
            top,
            left,
            room,
        )
        - 2 * mm
    )
    top = (
        _paragraph(
            pdf,
            _("Check that it is valid by scanning the QR code or at:"),
            _style(9, alignment=TA_LEFT),
            top,
            left,
            room,
        )
        - 1 * mm
    )
    # A long host name gets smaller type rather than running under the QR code.
    size = min(9, 9 * room / pdfmetrics.stringWidth(verify_url, LATIN, 9))
    pdf.setFont(LATIN, size)
    pdf.drawString(left, top - size, verify_url)

    pdf.showPage()


def filename(certificate: Certificate) -> str:
    """A plain ASCII file name, safe in any Content-Disposition header."""
    return f"certificate-{certificate.code}.pdf"
