"""The subscriber XLSX export of 100,000 people: our export (query, rows, formula
guard, workbook) against the same rows, fetched beforehand, written directly with
openpyxl in its fastest mode (write-only), each in a fresh process on one database.

Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`."""

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fixtures import in_fresh_process  # noqa: E402

PEOPLE = 100_000


def make_app(folder: str):  # noqa: ANN201
    from core.app import create_app
    from core.config import TestConfig

    return create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'export.sqlite'}",
        }
    )


def prepare(folder: str) -> None:
    from sqlalchemy import insert, select

    from core.db import db, utcnow
    from core.models import Region
    from core.regions import ensure_regions
    from newsletter.audience.demo import ensure_lists
    from newsletter.audience.models import Subscriber, Subscription

    app = make_app(folder)
    with app.app_context():
        db.create_all()
        ensure_regions(db.session)
        lists = ensure_lists(db.session)
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        now = utcnow()
        db.session.execute(
            insert(Subscriber),
            [
                {
                    "email": f"p{n}@example.org",
                    "name": f"Person {n}",
                    "organisation": "=Firma GmbH" if n % 100 == 0 else "Firma GmbH",
                    "org_type": "company",
                    "sector": "Maschinenbau",
                    "size": "10-49",
                    "region_id": region.id,
                    "status": "active",
                    "language": "de",
                    "created_at": now,
                    "confirmed_at": now,
                }
                for n in range(PEOPLE)
            ],
        )
        ids = db.session.scalars(select(Subscriber.id)).all()
        db.session.execute(
            insert(Subscription),
            [
                {
                    "subscriber_id": sid,
                    "list_id": lists["newsletter-dortmund"].id,
                    "status": "active",
                    "created_at": now,
                }
                for sid in ids
            ],
        )
        db.session.commit()


def ours(folder: str) -> dict:
    """The export as the view makes it, for a manager who sees both regions."""
    from flask_babel import force_locale

    from core.db import db
    from core.spreadsheet import xlsx_file
    from newsletter.audience import exports
    from newsletter.audience.filters import SubscriberFilter, subscribers_query
    from newsletter.audience.import_columns import export_header
    from newsletter.audience.scope import Scope

    app = make_app(folder)
    with app.test_request_context(), force_locale("de"):
        start = time.perf_counter()
        query = subscribers_query(SubscriberFilter.from_mapping({}), Scope(None, None))
        with xlsx_file(
            [("Abonnenten", export_header(), exports.rows(db.session, query))]
        ) as workbook:
            size = len(workbook.read())
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "bytes": size}


def baseline(folder: str) -> dict:
    """The same rows, fetched beforehand, appended to a write-only openpyxl sheet."""
    from openpyxl import Workbook

    from core.db import db
    from newsletter.audience import exports
    from newsletter.audience.filters import SubscriberFilter, subscribers_query
    from newsletter.audience.import_columns import export_header
    from newsletter.audience.scope import Scope

    app = make_app(folder)
    with app.test_request_context():
        query = subscribers_query(SubscriberFilter.from_mapping({}), Scope(None, None))
        rows = list(exports.rows(db.session, query))
        start = time.perf_counter()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Abonnenten")
        sheet.append(export_header())
        for row in rows:
            sheet.append(row)
        with tempfile.TemporaryFile() as output:
            workbook.save(output)
            size = output.tell()
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "bytes": size}


def main() -> None:
    folder = tempfile.mkdtemp()
    in_fresh_process(__file__, "--prepare", folder)
    base = in_fresh_process(__file__, "--baseline", folder)
    mine = in_fresh_process(__file__, "--ours", folder)
    print(
        f"export_xlsx_100k: ours {mine['seconds']:.1f} s, baseline "
        f"{base['seconds']:.1f} s (the same rows written directly with openpyxl "
        f"write-only), ratio {mine['seconds'] / base['seconds']:.2f}"
    )
    print(
        f"export_xlsx_100k_peak_rss: ours {mine['rss_mib']:.0f} MiB, baseline "
        f"{base['rss_mib']:.0f} MiB (its rows held in memory), "
        f"ratio {mine['rss_mib'] / base['rss_mib']:.2f}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 2:
        step, folder = sys.argv[1], sys.argv[2]
        if step == "--prepare":
            prepare(folder)
            print("{}")
        else:
            result = (ours if step == "--ours" else baseline)(folder)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            result["rss_mib"] = peak / 1024
            print(json.dumps(result))
    else:
        main()
