"""Starting a campaign to 1,000,000 confirmed subscribers: our enqueue (the outbox's
INSERT … SELECT over the eligible recipients, doubles skipped) against a bare
INSERT … SELECT of the same subscriber ids, each in a fresh process on one database
(SQLite; BENCH_DATABASE_URL=postgresql+psycopg://… measures on PostgreSQL, emptied
first). The peak memory of our process shows that no Python row is made per person.
Then, on the queued million, how long pause, resume, the progress page's numbers
and cancel take (goal: instant, the progress under 100 ms), and how long the worker
then takes to mark the cancelled rows.

Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`."""

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fixtures import in_fresh_process  # noqa: E402
from newsletter.sending.outbox import SKIP_CHUNK  # noqa: E402

PEOPLE = 1_000_000
COLUMNS = [
    "campaign_id",
    "subscriber_id",
    "list_id",
    "status",
    "attempts",
    "last_error",
    "created_at",
]


def make_app(database: str):  # noqa: ANN201
    from core.app import create_app
    from core.config import TestConfig

    return create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": database,
        }
    )


def prepare(database: str) -> None:
    """A million active subscribers of Dortmund's newsletter, made by the database
    itself, and two campaigns to them (one for each side)."""
    from sqlalchemy import String, cast, insert, literal, select

    from core.db import UTCDateTime, db, utcnow
    from core.models import Region
    from core.regions import ensure_regions
    from newsletter.audience.demo import ensure_lists
    from newsletter.audience.models import Subscriber, Subscription
    from newsletter.campaigns.models import Campaign

    app = make_app(database)
    with app.app_context():
        if database.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql(
                    "DROP SCHEMA public CASCADE; CREATE SCHEMA public"
                )
        db.create_all()
        ensure_regions(db.session)
        list_id = ensure_lists(db.session)["newsletter-dortmund"].id
        region_id = db.session.scalar(
            select(Region.id).where(Region.slug == "dortmund")
        )
        now = literal(utcnow(), UTCDateTime)
        numbers = select(literal(1).label("i")).cte("numbers", recursive=True)
        numbers = numbers.union_all(select(numbers.c.i + 1).where(numbers.c.i < PEOPLE))
        people = [
            "email",
            "name",
            "organisation",
            "sector",
            "size",
            "language",
            "region_id",
            "status",
            "created_at",
            "confirmed_at",
            "link_key",
        ]
        db.session.execute(
            insert(Subscriber).from_select(
                people,
                select(
                    literal("p") + cast(numbers.c.i, String) + literal("@example.org"),
                    literal("Person"),
                    literal(""),
                    literal(""),
                    literal(""),
                    literal("de"),
                    literal(region_id),
                    literal("active"),
                    now,
                    now,
                    literal("0" * 32),
                ),
            )
        )
        db.session.execute(
            insert(Subscription).from_select(
                ["subscriber_id", "list_id", "status", "created_at"],
                select(Subscriber.id, literal(list_id), literal("active"), now),
            )
        )
        for title in ("ours", "baseline"):
            db.session.add(
                Campaign(
                    region_id=region_id,
                    title=title,
                    subject={"de": "Hallo"},
                    blocks={"de": []},
                    list_ids=[list_id],
                    status="sending",
                )
            )
        db.session.commit()


def campaign_id(title: str) -> int:
    from sqlalchemy import select

    from core.db import db
    from newsletter.campaigns.models import Campaign

    return db.session.scalar(select(Campaign.id).where(Campaign.title == title))


def ours(database: str) -> float:
    from core.db import db
    from newsletter.campaigns.models import Campaign
    from newsletter.sending.outbox import enqueue

    with make_app(database).app_context():
        campaign = db.session.get(Campaign, campaign_id("ours"))
        start = time.perf_counter()
        enqueue(db.session, campaign)
        db.session.commit()
        return time.perf_counter() - start


def baseline(database: str) -> float:
    """The same ids with nothing checked and nothing counted (the counting triggers
    are off meanwhile); its rows are removed again afterwards, so that ours starts
    on the same table."""
    from sqlalchemy import delete, insert, literal, select

    from core.db import UTCDateTime, db, utcnow
    from newsletter.audience.models import Subscriber, Subscription
    from newsletter.sending.counts import drop_triggers, install_triggers
    from newsletter.sending.models import Delivery

    with make_app(database).app_context():
        campaign = campaign_id("baseline")
        list_id = db.session.scalar(select(Subscription.list_id).limit(1))
        drop_triggers(db.session.connection())
        db.session.commit()
        start = time.perf_counter()
        db.session.execute(
            insert(Delivery).from_select(
                COLUMNS,
                select(
                    literal(campaign),
                    Subscriber.id,
                    literal(list_id),
                    literal("queued"),
                    literal(0),
                    literal(""),
                    literal(utcnow(), UTCDateTime),
                ),
            )
        )
        db.session.commit()
        seconds = time.perf_counter() - start
        db.session.execute(delete(Delivery).where(Delivery.campaign_id == campaign))
        install_triggers(db.session.connection())
        db.session.commit()
        return seconds


GOAL_MS = 100


def controls(database: str) -> dict[str, float]:
    """Milliseconds of pause, resume, the live numbers of the progress page and
    cancel (in this order: cancel ends the campaign), each committed."""
    from core.db import db
    from newsletter.campaigns.models import Campaign
    from newsletter.sending.control import cancel, pause, resume
    from newsletter.sending.views import live_numbers

    app = make_app(database)
    timings = {}
    with app.test_request_context():
        campaign = db.session.get(Campaign, campaign_id("ours"))
        steps = {
            "pause": lambda: pause(campaign),
            "resume": lambda: resume(campaign),
            "progress": lambda: live_numbers(campaign),
            "cancel": lambda: cancel(campaign),
        }
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            db.session.commit()
            timings[name] = (time.perf_counter() - start) * 1000
        timings.update(marking(campaign.id))
    return timings


def marking(campaign: int) -> dict[str, float]:
    """Seconds the worker takes to mark the cancelled million skipped, in chunks
    after the request, against one UPDATE of every row (what cancel did before,
    while the manager waited)."""
    from sqlalchemy import update

    from core.db import db
    from newsletter.sending.models import Delivery
    from newsletter.sending.outbox import skip_cancelled

    start = time.perf_counter()
    skip_cancelled(db.session, budget_seconds=float("inf"))
    chunks = time.perf_counter() - start
    rows = update(Delivery).where(Delivery.campaign_id == campaign)
    db.session.execute(rows.values(status="queued", reason=""))
    db.session.commit()
    start = time.perf_counter()
    db.session.execute(rows.values(status="skipped", reason="cancelled"))
    db.session.commit()
    return {"marked_s": chunks, "one_update_s": time.perf_counter() - start}


def main() -> None:
    folder = tempfile.mkdtemp()
    database = (
        os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/enqueue.sqlite"
    )
    backend = "postgresql" if database.startswith("postgresql") else "sqlite"
    in_fresh_process(__file__, "--prepare", database)
    base = in_fresh_process(__file__, "--baseline", database)
    mine = in_fresh_process(__file__, "--ours", database)
    print(
        f"enqueue_1M ({backend}): ours {mine['seconds']:.1f} s, baseline "
        f"{base['seconds']:.1f} s (a bare INSERT … SELECT of the same ids), "
        f"ratio {mine['seconds'] / base['seconds']:.2f}"
    )
    print(
        f"enqueue_1M_peak_rss ({backend}): ours {mine['rss_mib']:.0f} MiB, baseline "
        f"{base['rss_mib']:.0f} MiB, ratio {mine['rss_mib'] / base['rss_mib']:.2f}"
    )
    timings = in_fresh_process(__file__, "--controls", database)
    marked, one_update = timings.pop("marked_s"), timings.pop("one_update_s")
    for name, ms in timings.items():
        print(
            f"{name}_1M ({backend}): ours {ms:.0f} ms, baseline {GOAL_MS} ms "
            f"(the goal), ratio {ms / GOAL_MS:.2f}"
        )
    print(
        f"cancel_marked_1M ({backend}): ours {marked:.1f} s (the worker, "
        f"{SKIP_CHUNK} rows a transaction, after the request), baseline "
        f"{one_update:.1f} s (one UPDATE of every row, as cancel did in the "
        f"request before), ratio {marked / one_update:.2f}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 2:
        step, database = sys.argv[1], sys.argv[2]
        if step == "--prepare":
            prepare(database)
            print("{}")
        elif step == "--controls":
            print(json.dumps(controls(database)))
        else:
            seconds = (ours if step == "--ours" else baseline)(database)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(json.dumps({"seconds": seconds, "rss_mib": peak / 1024}))
    else:
        main()
