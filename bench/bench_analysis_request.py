"""The analyst's dashboard request for a survey of 100,000 respondents, through the
whole app (routing, login, the audited release, the tables, the page): cold (the
release counted, suppressed and audited) and warm (read from the cache), against
DuckDB doing the GROUP BY of the same answers, in one run. Goals: warm under
0.3 s, cold under 3 s; the audit's share of the cold request is printed too.

Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`."""

import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fixtures import seeded_app  # noqa: E402

RESPONDENTS = int(os.environ.get("BENCH_RESPONDENTS", "100000"))
PASSWORD = "bench-analysis-2026-Wolke"  # noqa: S105 - a throwaway account


def fill(app) -> int:  # type: ignore[no-untyped-def]
    """The demo survey's questions, answered by RESPONDENTS people of both regions
    with every filter attribute set (a few rare values among them)."""
    from sqlalchemy import insert, select

    from core.auth import create_user
    from core.db import db, utcnow
    from core.models import Region, Role
    from newsletter.audience.demo import SECTORS, SIZES
    from surveys.demo import build_demo_survey
    from surveys.models import Answer, SurveyResponse

    rng = random.Random(2026)  # noqa: S311 - benchmark data
    with app.app_context():
        survey = build_demo_survey(db.session)
        need, offer, likert, nps, _text = survey.questions
        regions = {r.slug: r for r in db.session.scalars(select(Region))}
        districts = {
            slug: [d.id for d in region.districts] or [None]
            for slug, region in regions.items()
        }
        org_types = ["company"] * 6 + ["startup", "university", "municipality"]
        people, answers = [], []
        answered_at = utcnow() - timedelta(days=2)
        for number in range(1, RESPONDENTS + 1):
            slug = "suedwestfalen" if rng.random() < 0.55 else "dortmund"
            people.append(
                {
                    "id": number,
                    "survey_id": survey.id,
                    "source": "mail",
                    "region_id": regions[slug].id,
                    # Three people of a rare kind: their answers must stay hidden.
                    "org_type": "public" if number <= 3 else rng.choice(org_types),
                    "district_id": rng.choice(districts[slug]),
                    "sector": rng.choice(SECTORS),
                    "size": rng.choice(SIZES),
                    # Before today: the analysts' release holds those answers.
                    "created_at": answered_at,
                    "updated_at": answered_at,
                }
            )
            answers.append(
                {
                    "response_id": number,
                    "question_id": need.id,
                    "option_id": rng.choice(need.options).id,
                }
            )
            for option in rng.sample(offer.options, rng.randint(0, 3)):
                answers.append(
                    {
                        "response_id": number,
                        "question_id": offer.id,
                        "option_id": option.id,
                    }
                )
            answers.append(
                {
                    "response_id": number,
                    "question_id": likert.id,
                    "value": rng.randint(1, 5),
                }
            )
            answers.append(
                {
                    "response_id": number,
                    "question_id": nps.id,
                    "value": rng.randint(0, 10),
                }
            )
        db.session.execute(insert(SurveyResponse), people)
        db.session.execute(insert(Answer), answers)
        create_user(
            db.session, "analyse@bench.example", PASSWORD, Role.ANALYST, "Analyse"
        )
        db.session.commit()
        return survey.id


def logged_in_client(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"email": "analyse@bench.example", "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    assert client.post("/login", data=data).status_code == 302
    return client


def timed_get(client, path: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed


def duckdb_baseline(app) -> float:  # type: ignore[no-untyped-def]
    """DuckDB's GROUP BY of the same answers (per option and region, and per
    question and region), loaded beforehand, best of three."""
    import duckdb
    import pandas as pd
    from sqlalchemy import select

    from core.db import db
    from surveys.models import Answer, SurveyResponse

    with app.app_context():
        frame = pd.DataFrame(
            db.session.execute(
                select(
                    Answer.response_id,
                    Answer.question_id,
                    Answer.option_id,
                    SurveyResponse.region_id,
                ).join(SurveyResponse, SurveyResponse.id == Answer.response_id)
            ).all(),
            columns=["response_id", "question_id", "option_id", "region_id"],
        )
    connection = duckdb.connect()
    connection.register("answers", frame)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        connection.execute("""
            SELECT question_id, option_id, region_id, count(DISTINCT response_id)
            FROM answers GROUP BY GROUPING SETS ((question_id, option_id, region_id),
                                                (question_id, option_id))
        """).fetchall()
        connection.execute("""
            SELECT question_id, region_id, count(DISTINCT response_id)
            FROM answers
            GROUP BY GROUPING SETS ((question_id, region_id), (question_id))
        """).fetchall()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{folder}/analysis.sqlite"
        )
        app = seeded_app(database, "bench-secret-" + "x" * 40)
        survey_id = fill(app)
        client = logged_in_client(app)
        path = f"/analysis/{survey_id}"

        from surveys.analysis import release

        cold = timed_get(client, path)
        built = next(reversed(release._cache.values()))
        warm = statistics.median(timed_get(client, path) for _ in range(5))
        baseline = duckdb_baseline(app)
        print(
            f"  ({RESPONDENTS:,} respondents; cold release {built.seconds:.2f} s, "
            f"of which the audit {built.audit_seconds:.2f} s = "
            f"{built.audit_seconds / cold:.0%} of the cold request; "
            f"{len(built.values):,} cells, {len(built.hidden):,} hidden "
            f"({built.share_hidden():.1%}), {built.lp_solved} LPs)"
        )
        for name, ours in (("cold", cold), ("warm", warm)):
            print(
                f"analysis_request_100k_respondents_{name}: ours {ours:.3f} s, "
                f"baseline {baseline:.3f} s (DuckDB group-by of the same answers), "
                f"ratio {ours / baseline:.2f}"
            )


if __name__ == "__main__":
    main()
