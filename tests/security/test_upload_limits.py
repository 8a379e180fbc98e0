"""Uploads and imports have limits that hold before any work is done (#14.6): a
small file that unpacks into something huge gets a clear message, not a dead worker."""

import io
import zipfile

import pytest
from PIL import Image as PILImage

from core.db import db
from newsletter.audience.import_files import (
    MAX_IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
    ImportFileError,
    read_table,
)
from newsletter.campaigns.images import ImageError, store_image


def png(width: int, height: int) -> bytes:
    """A small file of a huge picture (one colour compresses to almost nothing)."""
    output = io.BytesIO()
    PILImage.new("1", (width, height)).save(output, "PNG", optimize=True)
    return output.getvalue()


def test_a_decompression_bomb_is_refused_with_a_message(app):
    bomb = png(12_000, 12_000)
    assert len(bomb) < 1_000_000
    with app.app_context(), pytest.raises(ImageError, match="zu viele Pixel"):
        store_image(db.session, bomb, None)


def test_a_large_but_sane_picture_is_still_taken(app):
    with app.app_context():
        image = store_image(db.session, png(3000, 2000), None)
    assert image.width == 1200


def test_a_csv_with_too_many_rows_is_refused(app):
    content = ("email\r\n" + "a@example.org\r\n" * (MAX_IMPORT_ROWS + 1)).encode()
    with app.app_context(), pytest.raises(ImportFileError, match="Zeilen"):
        read_table("kontakte.csv", content)


def xlsx_with_a_huge_sheet() -> bytes:
    """A valid XLSX container whose sheet unpacks to hundreds of MB."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * 300_000_000)
    return output.getvalue()


def xlsx_with_rows(count: int, dimension: str = "", far_cell: str = "") -> bytes:
    """A real workbook whose sheet holds `count` rows: small packed, long to read.
    With a declared used range (`dimension`), and a cell in column `far_cell`
    of every row."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["email"])
    source = io.BytesIO()
    workbook.save(source)
    far = f'<c r="{far_cell}{{n}}"><v>1</v></c>' if far_cell else ""
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>a@example.org</t></is>'
        f"</c>{far.format(n=n)}</row>"
        for n in range(2, count + 2)
    )
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source.getvalue())) as original,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                declared = f'<dimension ref="{dimension}" />' if dimension else ""
                text = text.replace('<dimension ref="A1:A1" />', declared)
                start = text.index("<sheetData>") + len("<sheetData>")
                end = text.index("</sheetData>")
                data = (text[:start] + text[start:end] + rows + text[end:]).encode()
            archive.writestr(item, data)
    return output.getvalue()


def test_an_xlsx_with_too_many_rows_is_refused(app):
    content = xlsx_with_rows(MAX_IMPORT_ROWS + 10)
    assert len(content) < 1_000_000
    with app.app_context(), pytest.raises(ImportFileError, match="Zeilen"):
        read_table("kontakte.xlsx", content)


def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_reading(app):
    content = xlsx_with_a_huge_sheet()
    assert len(content) < 2_000_000
    with app.app_context(), pytest.raises(ImportFileError, match="entpackt"):
        read_table("kontakte.xlsx", content)


def test_an_xlsx_whose_used_range_reaches_column_xfd_is_read_only_as_wide_as_needed(
    app,
):
    """Formatting applied to whole rows makes Excel declare A1:XFD…; a reader that
    believes it makes 16,384 cells of every row (45,000 rows took 31 s)."""
    content = xlsx_with_rows(2_000, dimension="A1:XFD2001")
    with app.app_context():
        headers, rows = read_table("kontakte.xlsx", content)
    assert headers == ["email"]
    assert len(rows) == 2_000
    assert max(len(row) for row in rows) <= MAX_IMPORT_COLUMNS


def test_an_xlsx_with_values_beyond_the_last_importable_column_is_refused(app):
    content = xlsx_with_rows(2_000, dimension="A1:XFD2001", far_cell="XFD")
    with app.app_context(), pytest.raises(ImportFileError, match="Spalten"):
        read_table("kontakte.xlsx", content)
