"""A minimal XLSX writer: one sheet of plain values (texts, numbers, blanks).

xlsxwriter knows the whole format and costs about 6 µs a cell; a province's ranking export is some
800,000 cells, which took over 7 s. A sheet of plain values needs only five small XML parts, so
they are written here directly. Texts are inline strings and nothing is ever a formula, so no
cell can be turned into one.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence

__all__ = ["write_xlsx"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
# The smallest style sheet spreadsheet programs accept: one font, the two required fills, one border.
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    "</styleSheet>"
)

# Characters XML 1.0 cannot carry at all; they are dropped rather than producing a broken file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _text(value: str) -> str:
    value = _NOT_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<is><t xml:space="preserve">{value}</t></is>'


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], *, sheet: str = "Sheet1") -> bytes:
    """The bytes of an .xlsx file whose one sheet has ``header`` then ``rows``; the header row is frozen.

    >>> import zipfile, io
    >>> data = write_xlsx(["company", "total"], [["PT <A>", 81.5], ["=cmd", None]])
    >>> sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    >>> '<c r="A2" t="inlineStr"><is><t xml:space="preserve">PT &lt;A&gt;</t></is></c>' in sheet
    True
    >>> '<c r="B2"><v>81.5</v></c>' in sheet, "<f>" in sheet
    (True, False)
    """
    columns = [_column(i) for i in range(len(header))]
    parts = [
        _HEAD,
        (f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        "<sheetData>"),
    ]
    for r, values in enumerate([header, *rows], start=1):
        cells = []
        for column, value in zip(columns, values, strict=True):
            if value is None:
                continue
            if isinstance(value, str):
                cells.append(f'<c r="{column}{r}" t="inlineStr">{_text(value)}</c>')
            elif isinstance(value, bool):
                cells.append(f'<c r="{column}{r}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float) and math.isfinite(value):
                cells.append(f'<c r="{column}{r}"><v>{value!r}</v></c>')
            elif isinstance(value, int | float):
                continue  # NaN and infinities have no place in a sheet: left blank
            else:
                cells.append(f'<c r="{column}{r}" t="inlineStr">{_text(str(value))}</c>')
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    safe_sheet = _NOT_XML.sub("", sheet).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")[:31]
    workbook = (
        _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name="{safe_sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    out = io.BytesIO()
    # Level 1 deflate: the sheet is repetitive XML, so it still shrinks about tenfold, at a fraction of the time.
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", workbook)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        book.writestr("xl/worksheets/sheet1.xml", "".join(parts))
    return out.getvalue()
