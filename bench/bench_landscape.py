"""The public Kompetenzlandschaft with 2,000 approved profiles: server time of the
page for both regions and of a filtered one, against the app's /healthz in the same
run. The goal (#19): under 200 ms on the server.

Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`;
BENCH_DATABASE_URL=postgresql+psycopg://… measures on an emptied PostgreSQL."""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.app import create_app  # noqa: E402
from core.config import TestConfig  # noqa: E402
from core.db import db, utcnow  # noqa: E402
from core.models import Region  # noqa: E402
from core.regions import ensure_regions  # noqa: E402
from landscape.models import Profile, ProfileTopic  # noqa: E402
from newsletter.audience.demo import ensure_topics  # noqa: E402
from newsletter.audience.models import OrgType, Subscriber  # noqa: E402

PROFILES = 2_000
GOAL_MS = 200
ROUNDS = 30


def fill(app) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(19)  # noqa: S311 - benchmark data
    with app.app_context():
        db.drop_all()
        db.create_all()
        ensure_regions(db.session)
        topics = ensure_topics(db.session)
        regions = list(db.session.query(Region))
        people = [
            Subscriber(email=f"p{n}@example.org", region_id=regions[n % 2].id)
            for n in range(PROFILES)
        ]
        db.session.add_all(people)
        db.session.flush()
        for n, person in enumerate(people):
            chosen = rng.sample(topics, 3)
            db.session.add(
                Profile(
                    subscriber_id=person.id,
                    region_id=person.region_id,
                    organisation=f"Organisation {n}",
                    org_type=rng.choice(list(OrgType)),
                    place=rng.choice(["Dortmund", "Kreis Olpe", "Kreis Soest"]),
                    website=f"https://o{n}.example",
                    description="Wir bieten Beratung und suchen Partner. " * 3,
                    status="approved",
                    approved_at=utcnow(),
                    topic_links=[
                        ProfileTopic(topic_id=t.id, side=side)
                        for t, side in zip(
                            chosen, ("offer", "offer", "need"), strict=True
                        )
                    ],
                )
            )
        db.session.commit()


def median_ms(client, path: str) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/b.sqlite"
        settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
        app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": url})
        fill(app)
        client = app.test_client()
        client.get("/kompetenzlandschaft")  # warm up templates
        baseline = median_ms(client, "/healthz")
        for name, path in (
            ("landscape_page_2000_profiles", "/kompetenzlandschaft"),
            (
                "landscape_filtered_2000_profiles",
                "/kompetenzlandschaft?thema=ki-daten&q=Organisation+1",
            ),
        ):
            ours = median_ms(client, path)
            print(
                f"{name}: ours {ours:.1f} ms, baseline {baseline:.1f} ms, "
                f"ratio {ours / baseline:.2f} (goal under {GOAL_MS} ms: "
                f"{'met' if ours < GOAL_MS else 'MISSED'})"
            )
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
