"""The tables of the session's database as the database itself reports them (not
from our models, so a table we forgot is there too)."""

from functools import cache

from sqlalchemy import Engine, MetaData, Table


@cache
def _reflected(url: str, engine: Engine) -> MetaData:
    metadata = MetaData()
    metadata.reflect(bind=engine)
    return metadata


def reflected_tables(engine: Engine) -> list[Table]:
    """Every table, parents before children, reflected once per database: the
    schema is built once per session, and reflecting its 45 tables costs about
    0.1 s of CPU, as much as the test that asks."""
    url = engine.url.render_as_string(hide_password=False)
    return _reflected(url, engine).sorted_tables
