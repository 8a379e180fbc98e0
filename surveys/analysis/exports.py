"""Downloads of the analysis tables: CSV (UTF-8 BOM, comma or semicolon), XLSX (a
sheet per table, one that says what and how, and a codebook) and Parquet. Suppressed
cells are empty and flagged, never zero; so is every count where nobody is counted
(column withheld)."""

import io
from collections.abc import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l

from core.spreadsheet import csv_lines, xlsx_bytes
from surveys.analysis.columns import column_label
from surveys.analysis.release_rows import RELEASE_ZONE
from surveys.analysis.report import Report, labelled_tables

TABLE_NAMES = {
    "shares": _l("Shares per answer"),
    "differences": _l("Differences between the regions"),
    "scales": _l("Scales and NPS"),
    "bridge": _l("Needs and offers per topic"),
    "over_time": _l("Responses over time"),
    "response_rates": _l("Response rate per campaign"),
    "waves": _l("Shares per wave"),
    "wave_changes": _l("Change between the waves"),
    "wave_means": _l("Scale means per wave"),
}


WAVES_EXPLAINED = _l(
    "The wave tables compare every wave of the survey without filters, each number "
    "from that wave's own published tables; a change is empty where either wave "
    "hides a number it is computed from."
)


def _rows(table: pd.DataFrame) -> Iterator[list]:
    """Rows with missing values as None and numpy numbers as Python's."""
    for row in table.itertuples(index=False):
        yield [_plain(v) for v in row]


def _plain(value: object) -> object:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def csv_download(report: Report, name: str, delimiter: str) -> Iterator[str]:
    table = labelled_tables(report)[name]
    return csv_lines(list(table.columns), _rows(table), delimiter)


def _german(value: object) -> object:
    """A cell as German Excel reads it: decimal comma, ja/nein, whole counts."""
    if isinstance(value, bool):
        return str(_l("yes")) if value else str(_l("no"))
    if isinstance(value, float):
        return format_decimal(value, format="0.##########", locale="de")
    return value


def nobody_counted(min_cell: int) -> str:
    """The reason NOBODY_COUNTED in words, as the dashboard says it."""
    return str(_l("nobody counted yet (groups under %(n)s are left out)", n=min_cell))


def german_excel_download(report: Report, name: str) -> Iterator[str]:
    """Semicolons, German headers, decimal commas, ja/nein and reasons in words."""
    table = labelled_tables(report)[name]
    if "withheld" in table.columns:
        table = table.assign(
            withheld=table["withheld"].map(
                lambda reason: nobody_counted(report.min_cell) if reason else None
            )
        )
    header = [column_label(c) for c in table.columns]
    rows = ([_german(v) for v in row] for row in _rows(table))
    return csv_lines(header, rows, ";")


def parquet_download(report: Report, name: str) -> bytes:
    table = labelled_tables(report)[name]
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), buffer)
    return buffer.getvalue()


def _respondents_not_shown(report: Report) -> str:
    """Why the number of all respondents is not in the file."""
    if report.release.withheld:
        return nobody_counted(report.min_cell)
    if report.total_hidden:
        return str(_l("not shown: a small group could be worked out from it"))
    return str(_l("fewer than the minimum"))


def about_rows(report: Report) -> list[list]:
    """What the file is: survey, time, filters, respondents, the suppression rule."""
    return [
        [str(_l("Survey")), report.survey.title_for(report.language)],
        [str(_l("Created")), report.generated_at.strftime("%Y-%m-%d %H:%M UTC")],
        [
            str(_l("Answers up to")),
            # The day's start where the release is cut, as the dashboard says it.
            report.answers_until.astimezone(RELEASE_ZONE).strftime("%Y-%m-%d %H:%M %Z"),
        ],
        [
            str(_l("Filters")),
            ", ".join(f"{k}={v}" for k, v in report.filters.items()) or str(_l("none")),
        ],
        [
            str(_l("Respondents")),
            report.respondents or _respondents_not_shown(report),
        ],
        [
            str(_l("Suppression")),
            str(
                _l(
                    "Cells from which fewer than %(n)s respondents could be read "
                    "are empty and marked suppressed=True, as are totals and "
                    "differences that would reveal them.",
                    n=report.min_cell,
                )
            ),
        ],
        *([[str(_l("Waves")), str(WAVES_EXPLAINED)]] if report.trend.waves else []),
        [
            str(_l("Intervals")),
            str(
                _l(
                    "Wilson 95 %; differences: Newcombe; p-values "
                    "adjusted with Holm per question."
                )
            ),
        ],
    ]


def codebook_rows(report: Report) -> list[list]:
    rows = []
    for question in report.survey.questions:
        rows.append(
            [
                question.id,
                "",
                question.kind,
                question.text_for("de"),
                question.text_for("en"),
            ]
        )
        for option in question.options:
            rows.append(
                [
                    question.id,
                    option.id,
                    option.kind or "",
                    option.label_for("de"),
                    option.label_for("en"),
                ]
            )
    return rows


def xlsx_download(report: Report) -> bytes:
    tables = labelled_tables(report)
    if not report.trend.waves:  # a survey asked once has no wave sheets
        tables = {k: v for k, v in tables.items() if not k.startswith("wave")}
    sheets = [
        (str(_l("About")), [str(_l("Field")), str(_l("Value"))], about_rows(report))
    ]
    sheets += [
        (str(TABLE_NAMES[name])[:31], list(table.columns), list(_rows(table)))
        for name, table in tables.items()
    ]
    sheets.append(
        (
            str(_l("Codebook")),
            ["question_id", "option_id", "kind", "de", "en"],
            codebook_rows(report),
        )
    )
    sheets.append(
        (
            str(_l("Columns")),
            [str(_l("Table")), str(_l("Column")), str(_l("Meaning"))],
            [
                [str(TABLE_NAMES[name]), column, column_label(column)]
                for name, table in tables.items()
                for column in table.columns
            ],
        )
    )
    return xlsx_bytes(sheets)
