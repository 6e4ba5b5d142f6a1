"""The XLSX workbook writer behind courseware.exports: the worksheet XML goes straight into the
zip, row by row.

openpyxl builds a cell object for every value, which makes a three-million-row export take many
minutes; the sheets here are simple (text, numbers, dates, a header), so writing the few XML parts
of the format directly is enough and many times faster. Memory stays flat: each row is written and
forgotten.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterable
from xml.sax.saxutils import escape

# Excel counts days from 1899-12-30 (the 1900 leap-year bug included).
EPOCH = dt.datetime(1899, 12, 30)
# Characters XML 1.0 cannot hold at all; a worksheet drops them.
ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}
DATETIME_STYLE, DATE_STYLE = 1, 2

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letters(n: int) -> list[str]:
    """A, B, …, Z, AA, …: the names of the first n columns."""
    names = []
    for i in range(1, n + 1):
        name = ""
        while i:
            i, rest = divmod(i - 1, 26)
            name = chr(65 + rest) + name
        names.append(name)
    return names


def _text(ref: str, value: str) -> str:
    return (
        f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">'
        + escape(value.translate(ILLEGAL))
        + "</t></is></c>"
    )


def cell_xml(ref: str, value) -> str:
    """One cell: text inline, numbers as numbers, dates as date serials with a date format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{DATETIME_STYLE}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{(value - EPOCH.date()).days}</v></c>'
    return _text(ref, str(value))


def write_workbook(
    target,
    sheets: Iterable[tuple[str, list[tuple[str, str]], Iterable[Iterable]]],
    cell=None,
    progress: Callable[[int], None] | None = None,
    max_rows: int = 1_048_576,
    every: int = 5_000,
) -> int:
    """Write the sheets, each (title, columns, rows) with columns as (key, header) pairs, to `target`
    (a path or a binary file). `cell(value, key)` prepares each value first (neutralising text); a
    sheet longer than `max_rows` continues on "name (2)"."""
    names, written = [], 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for title, columns, rows in sheets:
            part, out, used = 1, None, 0
            letters = column_letters(len(columns))
            header = [
                cell(str(h), "") if cell else str(h) for _, h in columns
            ]  # a header is text like any other
            keys = [key for key, _ in columns]
            header_xml = (
                '<row r="1">'
                + "".join(_text(f"{c}1", h) for c, h in zip(letters, header))
                + "</row>"
            )
            for row in rows:
                if out is None or used >= max_rows:
                    if out is not None:
                        _close(out)
                    names.append(title if part == 1 else f"{title} ({part})")
                    out = _open(book, len(names), header_xml)
                    part, used = part + 1, 1
                values = [cell(v, k) for v, k in zip(row, keys)] if cell else row
                used += 1
                out.write(
                    (
                        f'<row r="{used}">'
                        + "".join(cell_xml(f"{c}{used}", v) for c, v in zip(letters, values))
                        + "</row>"
                    ).encode("utf-8")
                )
                written += 1
                if progress and written % every == 0:
                    progress(written)
            if out is None:
                names.append(title)
                out = _open(book, len(names), header_xml)
            _close(out)
        _package(book, names)
    if progress:
        progress(written)
    return written


def _open(book: zipfile.ZipFile, n: int, header_xml: str):
    out = book.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True)
    out.write(
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + header_xml
        ).encode("utf-8")
    )
    return out


def _close(out) -> None:
    out.write(b"</sheetData></worksheet>")
    out.close()


def _package(book: zipfile.ZipFile, names: list[str]) -> None:
    book.writestr(
        "[Content_Types].xml",
        CONTENT_TYPES.format(sheets="".join(SHEET_TYPE.format(n=i + 1) for i in range(len(names)))),
    )
    book.writestr("_rels/.rels", ROOT_RELS)
    book.writestr("xl/styles.xml", STYLES)
    sheets = "".join(
        f'<sheet name="{escape(name[:31], {chr(34): "&quot;"})}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
        for i, name in enumerate(names)
    )
    book.writestr(
        "xl/workbook.xml",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets></workbook>",
    )
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{i + 1}.xml"/>'
        for i in range(len(names))
    )
    styles = (
        f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
    )
    book.writestr(
        "xl/_rels/workbook.xml.rels",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}{styles}</Relationships>',
    )
