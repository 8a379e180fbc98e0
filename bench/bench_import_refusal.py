"""Refusing an XLSX import of more rows than an import takes (60,000 rows in a
0.8 MB workbook): our refusal against openpyxl merely opening the same workbook in
read-only mode (which reads its table of texts). A refusal that reads the rows
first costs many times the opening.

Prints `NAME: ours <value> s, baseline <value> s, ratio <ours/baseline>`."""

import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROWS = 60_000


def workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["E-Mail", "Name"])
    for n in range(ROWS):
        sheet.append([f"person{n}@example.org", f"Person {n}"])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def ours(content: bytes) -> float:
    from core.app import create_app
    from core.config import TestConfig
    from newsletter.audience.import_files import ImportFileError, read_table

    app = create_app(
        {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    )
    with app.app_context():
        start = time.perf_counter()
        try:
            read_table("kontakte.xlsx", content)
        except ImportFileError:
            return time.perf_counter() - start
    raise SystemExit("the over-long workbook was not refused")


def baseline(content: bytes) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    load_workbook(io.BytesIO(content), read_only=True, data_only=True).close()
    return time.perf_counter() - start


def main() -> None:
    content = workbook()
    mine, theirs = ours(content), baseline(content)
    print(
        f"import_refusal ({len(content) / 1e6:.1f} MB, {ROWS:,} rows): "
        f"ours {mine:.2f} s, baseline {theirs:.2f} s, ratio {mine / theirs:.2f}"
    )


if __name__ == "__main__":
    main()
