"""What several benchmarks set up the same way: a measured step in a fresh
process (its memory and imports its own), and an emptied database with the app's
regions, lists, topics and first consent texts."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def in_fresh_process(script: str, *args: str) -> dict:
    """Run `script` with `args`; its last line of output, read as JSON."""
    output = subprocess.run(
        [sys.executable, script, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def seeded_app(database: str, secret: str) -> Any:
    """The app on an emptied database (PostgreSQL: its public schema dropped) with
    what every region starts with; the caller adds people and issues."""
    from sqlalchemy import create_engine, text

    from core.app import create_app
    from core.config import TestConfig
    from core.db import db
    from core.regions import ensure_regions
    from newsletter.audience.consent import ensure_first_texts
    from newsletter.audience.demo import ensure_lists, ensure_topics

    if database.startswith("postgresql"):
        with create_engine(database).begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    app = create_app(
        {**settings, "SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": secret}
    )
    with app.app_context():
        db.create_all()
        ensure_regions(db.session)
        ensure_lists(db.session)
        ensure_topics(db.session)
        ensure_first_texts(db.session)
        db.session.commit()
    return app
