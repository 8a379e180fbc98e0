"""Reading an import file (CSV or XLSX, as people really have them) into headers
and rows of text, within bounds: the file is read in the request, so its rows,
columns and unpacked size are limited before the work they would cost."""

import csv
import io
import re
import zipfile
from itertools import islice
from typing import Any

from flask_babel import lazy_gettext as _l


class ImportFileError(Exception):
    """The file cannot be read at all; the message says why."""


# A file is read in the request: these bound its work (rows, and for XLSX the size
# of the unpacked XML, checked before the workbook is opened).
MAX_IMPORT_ROWS = 50_000
# Columns an import reads: far more than it can map. Beyond them a sheet may say it
# is used (formatting on whole rows declares A1:XFD…), but holds nothing we need.
MAX_IMPORT_COLUMNS = 50
MAX_UNPACKED_BYTES = 40 * 1024 * 1024


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        str(
            _l(
                "The file has more than %(n)s rows. "
                "Please split it into smaller files.",
                n=f"{MAX_IMPORT_ROWS:,}".replace(",", "."),
            )
        )
    )


def _too_many_columns() -> ImportFileError:
    return ImportFileError(
        str(
            _l(
                "The file has more than %(n)s columns, or cells formatted far to "
                "the right. Please keep only the columns to import.",
                n=MAX_IMPORT_COLUMNS,
            )
        )
    )


def _check_unpacked_size(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        return  # openpyxl says it in its own words
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            str(
                _l(
                    "The workbook unpacks to more than %(mb)s MB. Please save it "
                    "with fewer rows or as CSV.",
                    mb=MAX_UNPACKED_BYTES // (1024 * 1024),
                )
            )
        )


def read_table(filename: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a CSV or XLSX file, as text."""
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    text = _decode(content)
    if not text.strip():
        raise ImportFileError(str(_l("The file is empty.")))
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [
            row
            for row in islice(
                csv.reader(io.StringIO(text), dialect), MAX_IMPORT_ROWS + 2
            )
            if any(c.strip() for c in row)
        ]
    except csv.Error:  # a field over the csv module's limit of 128 KB, say
        raise ImportFileError(
            str(_l("The file could not be read as CSV (a field is far too long)."))
        ) from None
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise _too_many_rows()
    if not rows:
        raise ImportFileError(str(_l("The file is empty.")))
    return [h.strip() for h in rows[0]], [[c.strip() for c in row] for row in rows[1:]]


def _unreadable_workbook() -> ImportFileError:
    return ImportFileError(
        str(_l("The file could not be read as an Excel workbook (.xlsx)."))
    )


# A row's start tag in a sheet's XML (`<row r="2">`, `<x:row …>`): text in cells
# is escaped, so only tags match.
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _count_rows(content: bytes) -> None:
    """Refuse a first sheet of more rows than an import takes by counting its row
    tags as its XML streams: opening the workbook reads its whole table of texts,
    and reading rows costs far more than counting them (60,000 rows took 11 s)."""
    from openpyxl.reader.excel import ExcelReader

    try:
        reader = ExcelReader(io.BytesIO(content), read_only=True)
        reader.read_manifest()
        reader.read_workbook()
        _, relation = next(reader.parser.find_sheets())
        rows, tail = 0, b""
        with reader.archive.open(relation.target) as sheet:
            while chunk := sheet.read(1 << 20):
                text = tail + chunk
                # Tags starting in the last bytes, perhaps cut, count with the next.
                cut = max(len(text) - 64, 0)
                rows += sum(1 for m in ROW_TAG.finditer(text) if m.start() < cut)
                if rows > MAX_IMPORT_ROWS + 1:
                    raise _too_many_rows()
                tail = text[cut:]
        rows += len(ROW_TAG.findall(tail))
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise _unreadable_workbook() from None
    if rows > MAX_IMPORT_ROWS + 1:
        raise _too_many_rows()


def _read_xlsx(content: bytes) -> tuple[list[str], list[list[str]]]:
    _check_unpacked_size(content)
    _count_rows(content)
    # Imported here, not at the top: senders never read workbooks (issue #20).
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise _unreadable_workbook() from None
    sheet = workbook.worksheets[0]
    # The used range a sheet declares can reach XFD (formatting on whole rows):
    # read each row only as far as its own cells go, and stop at the first one
    # wider than an import can be, before it costs more than one row.
    sheet.reset_dimensions()
    rows = []
    for row in islice(sheet.iter_rows(values_only=True), MAX_IMPORT_ROWS + 2):
        if len(row) > MAX_IMPORT_COLUMNS:
            workbook.close()
            raise _too_many_columns()
        rows.append(["" if value is None else str(value).strip() for value in row])
    workbook.close()
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise _too_many_rows()
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise ImportFileError(str(_l("The file is empty.")))
    return rows[0], rows[1:]
