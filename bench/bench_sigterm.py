"""A deploy's stop: the time from SIGTERM to the exit of a `flask worker` that is
sending a campaign (it finishes the message in flight and hands the rest back),
the median of three stops, against the 2 s goal. The test
(test_sender_stalls: ..._exits_within_the_stop_timeout) only holds it to the
service's stop timeout, so that a loaded machine does not fail it.

SQLite; BENCH_DATABASE_URL=postgresql+psycopg://… measures on PostgreSQL (emptied).
Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`."""

import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fixtures import seeded_app  # noqa: E402
from tests.load import environment, smtp_server, wait_for_mail, worker  # noqa: E402

RECIPIENTS = 5000
STOPS = 3
GOAL_SECONDS = 2.0
SECRET = "bench-secret-key-with-enough-entropy-0123456789"  # noqa: S105


def prepare(database: str) -> None:
    """An emptied database with a due campaign to RECIPIENTS people."""
    from core.db import db
    from tests import factories

    app = seeded_app(database, SECRET)
    with app.app_context():
        factories.audience(db.session, RECIPIENTS)
        factories.campaign(db.session, due=True)
        db.engine.dispose()


def one_stop(folder: Path, run: int) -> float:
    """Seconds from SIGTERM to exit, once the worker has sent 300 mails."""
    database = os.environ.get("BENCH_DATABASE_URL") or (
        f"sqlite:///{folder / f'sigterm-{run}.sqlite'}"
    )
    prepare(database)
    with smtp_server() as (mailbox, mail_url):
        env = environment(database, mail_url, SECRET, folder / "media")
        with worker(env, folder / f"worker-{run}.log") as child:
            wait_for_mail(mailbox, 300, timeout=300)
            asked = time.monotonic()
            child.send_signal(signal.SIGTERM)
            child.wait(timeout=60)
            took = time.monotonic() - asked
        if mailbox.count() >= RECIPIENTS:
            raise RuntimeError("the worker finished before it was stopped")
    return took


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    stops = [one_stop(folder, run) for run in range(STOPS)]
    median = statistics.median(stops)
    print(
        f"worker_sigterm_to_exit: ours {median:.2f} s (median of "
        f"{', '.join(f'{s:.2f}' for s in stops)}), baseline {GOAL_SECONDS:.0f} s "
        f"(the goal), ratio {median / GOAL_SECONDS:.2f}"
    )


if __name__ == "__main__":
    main()
