"""courseware.exports: every cell neutralised, headers in the current language, files streamed."""

import csv
import io
import json
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from courseware import exports

INJECTION = json.loads((Path(__file__).parent / "data" / "csv_injection.json").read_text("utf-8"))
CASES = pytest.mark.parametrize("case", INJECTION, ids=lambda c: c["id"])


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # the byte order mark Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def in_xlsx(value: str) -> str:
    """What a worksheet holds of a text: XML keeps no control characters and reads CR as LF."""
    return ILLEGAL_CHARACTERS_RE.sub("", value).replace("\r", "\n")


@CASES
def test_csv_cells_and_headers_are_neutralised(case, tmp_path):
    columns = [("name", case["input"])]
    text = exports.csv_text(columns, [[case["input"]]])
    assert read_csv(text) == [[case["neutralised_cell"]]] * 2
    # Quoted only where RFC 4180 needs it, so a separator or a line break stays inside its cell.
    assert text == "\ufeff" + (case["csv_field_quote_minimal"] + "\r\n") * 2
    path = tmp_path / "out.csv"
    assert exports.write_csv(path, columns, [[case["input"]]]) == 1
    assert path.read_bytes().decode("utf-8") == text


@CASES
def test_xlsx_cells_headers_and_text_columns_are_neutralised(case):
    columns = [("name", case["input"]), ("username", "username")]
    book = load_workbook(io.BytesIO(exports.xlsx_bytes([("s", columns, [[case["input"]] * 2])])))
    header, row = list(book.active.iter_rows(values_only=True))
    expected = in_xlsx(case["neutralised_cell"])
    assert header[0] == expected and list(row) == [expected, expected]


def test_numbers_and_times_keep_their_type():
    import datetime as dt

    row = [3.0, 2.5, dt.datetime(2026, 5, 3, 9, 30, 1, 5), dt.date(2026, 5, 3), None, -1]
    assert read_csv(exports.csv_text(["a"] * 6, [row]))[1] == [
        "3",
        "2.5",
        "2026-05-03 09:30:01",
        "2026-05-03",
        "",
        "-1",
    ]
    book = load_workbook(io.BytesIO(exports.xlsx_bytes([("s", ["a"] * 6, [row])])))
    cells = list(book.active.iter_rows(min_row=2, values_only=True))[0]
    assert cells[0] == 3 and cells[1] == 2.5 and cells[3].date() == dt.date(2026, 5, 3)
    assert cells[5] == -1  # a number, not text a spreadsheet would read as a formula


@pytest.mark.parametrize("locale, expected", [("zh", "用户名"), ("en", "username")])
def test_lazy_headers_and_sheet_names_are_read_when_the_file_is_written(app, locale, expected):
    """A column list built once (at import) is headed in the language of whoever asks for the file."""
    columns = [("username", _l("username"))]
    with app.test_request_context(), force_locale(locale):
        assert read_csv(exports.csv_text(columns, []))[0] == [expected]
        book = load_workbook(io.BytesIO(exports.xlsx_bytes([(_l("username"), columns, [])])))
    assert book.sheetnames == [expected] and book.active.cell(1, 1).value == expected


def test_a_csv_download_streams_in_chunks(app):
    rows = ([i, "干部"] for i in range(exports.CHUNK_ROWS * 3))
    with app.test_request_context():
        response = exports.csv_response("x.csv", ["n", "name"], rows)
        assert response.is_streamed
        chunks = list(response.response)
    assert len(chunks) > 3 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=x.csv"
    assert len(read_csv("".join(chunks))) == exports.CHUNK_ROWS * 3 + 1


def test_an_xlsx_download_is_a_workbook(app):
    with app.test_request_context():
        response = exports.xlsx_response("x.xlsx", [("one", ["a"], [[1]]), ("two", ["b"], [])])
    assert response.mimetype == exports.XLSX_TYPE and response.data[:2] == b"PK"
    assert load_workbook(io.BytesIO(response.data)).sheetnames == ["one", "two"]


def test_the_export_package_imports_no_domain_package():
    """Every domain may import courseware.exports; it must import none of them back."""
    import ast

    domains = {
        p.name
        for p in (Path(exports.__file__).parents[1]).iterdir()
        if (p / "__init__.py").exists()
    } - {"exports"}
    for source in Path(exports.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                assert not (parts[0] == "courseware" and len(parts) > 1 and parts[1] in domains), (
                    f"{source.name} imports {node.module}"
                )
