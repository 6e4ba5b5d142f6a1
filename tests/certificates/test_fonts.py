"""Every character a name may hold prints on the certificate, in a font embedded in the PDF: 𠮷
(outside the Basic Multilingual Plane) and 䶮 (CJK Extension A), read back from the PDF's text."""

import io

import pytest
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from courseware import pdftext
from tests.pdfread import embedded_fonts, pdf_lines


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_lines(data))


@pytest.mark.parametrize("name", ["𠮷祥", "䶮", "Zhang 𠮷 Wei"])
def test_a_name_outside_the_bmp_prints_and_reads_back(
    client, auth, make_user, make_unit, complete_course, name
):
    unit_id = make_unit("浙江省", "杭州市")
    user_id = make_user(username="rare", name=name, unit_id=unit_id, locale="zh")
    issued = complete_course(user_id)
    auth.login("rare")
    response = client.get(f"/certificates/{issued.certificate_id}.pdf")
    assert response.status_code == 200
    lines = pdf_lines(response.data)
    assert name in lines  # the name's own line, character for character
    assert "测试课程" in lines
    assert "☒" not in pdf_text(response.data)
    fonts = embedded_fonts(response.data)
    assert fonts["HanaMinA"] is True
    assert "STSong-Light" not in fonts


def test_each_character_takes_the_first_font_that_has_it():
    assert pdftext.font_for("祥") == "HanaMinA"
    assert pdftext.font_for("䶮") == "HanaMinA"  # Extension A
    assert pdftext.font_for("\U00020001") == "HanaMinB"  # Extension B, not in HanaMinA
    assert pdftext.markup("\U00020001祥 A") == (
        '<font name="HanaMinB">\U00020001</font>祥<font name="Helvetica"> A</font>'
    )


def test_the_extension_b_font_is_embedded_and_reads_back():
    text = "\U00020001\U0002a700𠮷祥䶮"
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    paragraph = Paragraph(pdftext.markup(text), pdftext.style("probe", 20))
    paragraph.wrap(400, 800)
    paragraph.drawOn(pdf, 50, 700)
    pdf.showPage()
    pdf.save()
    assert pdf_text(buffer.getvalue()).strip() == text
    fonts = embedded_fonts(buffer.getvalue())
    assert fonts["HanaMinA"] is True
    assert fonts["HanaMinB"] is True
