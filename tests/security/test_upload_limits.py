"""Uploads and imports have limits that hold before any work is done (#14.6): a
small file that unpacks into something huge gets a clear message, not a dead worker."""

import io
import zipfile

import pytest
from PIL import Image as PILImage

from core.db import db
from newsletter.audience.import_files import (
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


def xlsx_with_rows(count: int) -> bytes:
    """A real workbook whose sheet holds `count` rows: small packed, long to read."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["email"])
    source = io.BytesIO()
    workbook.save(source)
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>a@example.org</t></is>'
        "</c></row>"
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
                text = text.replace('<dimension ref="A1:A1" />', "")
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
