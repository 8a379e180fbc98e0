"""The analysis request for 100,000 respondents: the survey's release (counts of
every cell, suppression and the LP audit) built cold, and the cached release read
warm, against DuckDB doing the GROUP BY of the same answers, in one run.

Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`."""

import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from surveys.audit import suppress  # noqa: E402
from surveys.release_cells import Layout, build_sheet  # noqa: E402

RESPONDENTS = 100_000
QUESTIONS = 10
OPTIONS = 6
MIN_CELL = 5


def make_frames() -> tuple[pd.DataFrame, pd.DataFrame, Layout]:
    rng = np.random.default_rng(2026)
    response = np.repeat(np.arange(RESPONDENTS), QUESTIONS)
    question = np.tile(np.arange(1, QUESTIONS + 1), RESPONDENTS)
    option = (question - 1) * OPTIONS + rng.integers(1, OPTIONS + 1, len(question))
    region = np.where(rng.random(RESPONDENTS) < 0.6, "Südwestfalen", "Dortmund")
    # A rare organisation type: its few answers are suppressed and audited.
    org_type = rng.choice(["company", "startup", "university"], RESPONDENTS)
    org_type[:3] = "public"
    people = pd.DataFrame(
        {
            "response_id": np.arange(RESPONDENTS),
            "group": region,
            "org_type": np.where(org_type == "public", "_other", org_type),
            "day": "2026-11-30",
        }
    )
    answers = pd.DataFrame(
        {
            "response_id": response,
            "question_id": question,
            "option_id": option,
            "value": np.nan,
        }
    ).merge(people[["response_id", "group", "org_type"]], on="response_id")
    questions = [
        SimpleNamespace(
            id=q,
            kind="multiple",
            required=True,
            options=[
                SimpleNamespace(id=(q - 1) * OPTIONS + o) for o in range(1, OPTIONS + 1)
            ],
        )
        for q in range(1, QUESTIONS + 1)
    ]
    layout = Layout(
        groups=["Dortmund", "Südwestfalen"],
        filters={"org_type": ["_other", "company", "startup", "university"]},
        questions=questions,  # type: ignore[arg-type]
        topics={},
        days=["2026-11-30"],
    )
    return people, answers, layout


def ours(people: pd.DataFrame, answers: pd.DataFrame, layout: Layout) -> float:
    start = time.perf_counter()
    sheet = build_sheet(people, answers, layout)
    counted = time.perf_counter()
    suppression = suppress(sheet, MIN_CELL)
    done = time.perf_counter()
    print(
        f"  (cold release: {done - start:.3f} s, of which audit "
        f"{done - counted:.3f} s = {(done - counted) / (done - start):.0%}; "
        f"{len(sheet.values)} cells, {len(suppression.hidden)} hidden, "
        f"{suppression.lp_solved} LPs)"
    )
    return done - start


def duckdb_baseline(answers: pd.DataFrame) -> float:
    import duckdb

    connection = duckdb.connect()
    connection.register(
        "answers", answers[["response_id", "question_id", "option_id", "group"]]
    )
    start = time.perf_counter()
    connection.execute("""
        SELECT question_id, option_id, "group", count(DISTINCT response_id)
        FROM answers GROUP BY GROUPING SETS ((question_id, option_id, "group"),
                                            (question_id, option_id))
    """).fetchall()
    connection.execute("""
        SELECT question_id, "group", count(DISTINCT response_id)
        FROM answers GROUP BY GROUPING SETS ((question_id, "group"), (question_id))
    """).fetchall()
    return time.perf_counter() - start


def main() -> None:
    people, answers, layout = make_frames()
    mine = ours(people, answers, layout)
    theirs = min(duckdb_baseline(answers) for _ in range(3))
    print(
        f"analysis_release_100k_respondents_cold: ours {mine:.3f} s, "
        f"baseline {theirs:.3f} s (DuckDB group-by of the same answers), "
        f"ratio {mine / theirs:.2f}"
    )


if __name__ == "__main__":
    main()
