"""Dashboard tables for 1,000,000 answers (10 questions, 100,000 respondents) against
DuckDB doing the same GROUP BY on the same data, in one run.

Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`."""

import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from surveys.analysis import Filters, option_shares  # noqa: E402

RESPONDENTS = 100_000
QUESTIONS = 10
OPTIONS = 6


def make_frame() -> tuple[pd.DataFrame, list]:
    rng = np.random.default_rng(2026)
    response = np.repeat(np.arange(RESPONDENTS), QUESTIONS)
    question = np.tile(np.arange(1, QUESTIONS + 1), RESPONDENTS)
    option = (question - 1) * OPTIONS + rng.integers(1, OPTIONS + 1, len(question))
    region = np.where(rng.random(RESPONDENTS) < 0.6, "Südwestfalen", "Dortmund")
    frame = pd.DataFrame(
        {
            "response_id": response,
            "question_id": question,
            "option_id": option,
            "value": np.nan,
            "group": pd.Series(np.repeat(region, QUESTIONS), dtype="string"),
        }
    )
    for column in ("org_type", "district", "sector", "size", "campaign_id"):
        frame[column] = None
    questions = [
        SimpleNamespace(
            id=q,
            kind="multiple",
            options=[
                SimpleNamespace(id=(q - 1) * OPTIONS + o) for o in range(1, OPTIONS + 1)
            ],
        )
        for q in range(1, QUESTIONS + 1)
    ]
    return frame, questions


def ours(frame: pd.DataFrame, questions: list) -> float:
    start = time.perf_counter()
    option_shares(frame, questions, 5, Filters())
    return time.perf_counter() - start


def duckdb_baseline(frame: pd.DataFrame) -> float:
    import duckdb

    connection = duckdb.connect()
    connection.register(
        "answers", frame[["response_id", "question_id", "option_id", "group"]]
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
    frame, questions = make_frame()
    ours(frame, questions)  # warm up imports and caches
    mine = min(ours(frame, questions) for _ in range(3))
    theirs = min(duckdb_baseline(frame) for _ in range(3))
    print(
        f"dashboard_tables_1M_answers: ours {mine:.3f} s, baseline {theirs:.3f} s, "
        f"ratio {mine / theirs:.2f}"
    )


if __name__ == "__main__":
    main()
