"""Search a dump of the whole database: every column of every table, as reflected from
the database itself (not from our models, so a table we forgot is searched too)."""

import json
from dataclasses import dataclass, field

from sqlalchemy import select

from core.db import db
from tests.schema import reflected_tables


@dataclass
class DumpSearch:
    tables: int = 0
    columns: int = 0
    rows: int = 0
    hits: list[tuple[str, str, object, str]] = field(default_factory=list)

    def report(self) -> str:
        lines = [
            f"searched {self.tables} tables, {self.columns} columns, "
            f"{self.rows} rows: {len(self.hits)} hits"
        ]
        lines += [f"  {t}.{c} (row {k}): {n!r}" for t, c, k, n in self.hits]
        return "\n".join(lines)


def as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return json.dumps(value, default=str, ensure_ascii=False)


def search_dump(app, needles: tuple[str, ...]) -> DumpSearch:
    """Every (table, column, row key, needle) where a needle occurs, ignoring case."""
    found = DumpSearch()
    lowered = [needle.lower() for needle in needles]
    with app.app_context(), db.engine.connect() as connection:
        for table in reflected_tables(db.engine):
            found.tables += 1
            found.columns += len(table.columns)
            for row in connection.execute(select(table)).mappings():
                found.rows += 1
                key = next(iter(row.values()), None)
                for column, value in row.items():
                    text = as_text(value).lower()
                    found.hits.extend(
                        (table.name, column, key, needle)
                        for needle in lowered
                        if needle in text
                    )
    return found
