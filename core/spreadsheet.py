"""Writing tables people open in Excel: CSV with a BOM, XLSX, and no formula injection.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return runs as a formula
in spreadsheet programs; we prefix such text with an apostrophe (OWASP's advice).
Control characters are removed from every cell."""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from core.input_guard import strip_control_characters

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number written as text (German CSV: "-0,25") runs nothing; an apostrophe would
# make Excel read it as text.
PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?")


def neutralise(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula defused and
    control characters (which XLSX cannot hold) removed."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        value = "'" + value
    return strip_control_characters(value)


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str = ","
) -> Iterator[str]:
    """CSV text in chunks, starting with a UTF-8 BOM so Excel reads umlauts right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    yield "\ufeff"
    writer.writerow([neutralise(name) for name in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


Sheets = Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]


def xlsx_file(sheets: Sheets) -> IO[bytes]:
    """An XLSX workbook with one sheet per (title, header, rows) in a temporary file,
    rewound for reading. openpyxl's write-only mode keeps one row at a time, so
    memory stays flat however many rows there are; the caller closes the file."""
    from openpyxl import Workbook  # here, so that a sender never loads it

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([neutralise(name) for name in header])
        for row in rows:
            sheet.append([neutralise(value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
    workbook.save(output)
    output.seek(0)
    return output


def chunks_of(file: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """The file's content in pieces for a response body; the file is closed at the
    end, or when the client goes away before it."""
    with file:
        while chunk := file.read(size):
            yield chunk


def xlsx_bytes(sheets: Sheets) -> bytes:
    """The workbook of `xlsx_file` as bytes, for small ones (aggregate tables)."""
    with xlsx_file(sheets) as workbook:
        return workbook.read()
