"""The XLSX writer behind the ranking export: a well-formed package whose cells are only values."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from webapp.exports.xlsx import write_xlsx

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def cells(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = ET.fromstring(book.read("xl/worksheets/sheet1.xml"))
    out = {}
    for c in sheet.iterfind(".//m:c", NS):
        value = c.find("m:v", NS)
        text = c.find("m:is/m:t", NS)
        out[c.get("r")] = value.text if value is not None else text.text
    return out


def test_every_part_is_well_formed_xml_and_declared():
    data = write_xlsx(["company"], [["PT Sumber Makmur"]], sheet="ranking")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = set(book.namelist())
        for name in names:
            ET.fromstring(book.read(name))  # raises on malformed XML
        types = book.read("[Content_Types].xml").decode()
    assert names == {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                     "xl/styles.xml", "xl/worksheets/sheet1.xml"}
    assert "/xl/worksheets/sheet1.xml" in types


def test_texts_numbers_and_blanks_land_in_their_cells():
    data = write_xlsx(["company", "total", "change"], [["PT A & B <Tbk>", 81.25, None], ["CV C", 7, -1.5]])
    assert cells(data) == {
        "A1": "company", "B1": "total", "C1": "change",
        "A2": "PT A & B <Tbk>", "B2": "81.25",
        "A3": "CV C", "B3": "7", "C3": "-1.5",
    }


def test_a_text_that_looks_like_a_formula_stays_text():
    data = write_xlsx(["company"], [["=HYPERLINK(\"http://x\")"], ["+1"], ["@SUM(A1)"]])
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert cells(data)["A2"] == '=HYPERLINK("http://x")'


def test_characters_xml_cannot_carry_are_dropped_and_non_finite_numbers_left_blank():
    data = write_xlsx(["a", "b"], [["bell\x07 and tab\t", float("nan")]])
    assert cells(data) == {"A1": "a", "B1": "b", "A2": "bell and tab\t"}


def test_columns_past_z_are_named_like_a_spreadsheet():
    data = write_xlsx([f"c{i}" for i in range(28)], [])
    assert {"Z1", "AA1", "AB1"} <= set(cells(data))
