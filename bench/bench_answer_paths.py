"""A/B of the answer POST's two ways to run the same statements: core.direct_sql on
the DBAPI connection against SQLAlchemy's `Connection.execute`, each under its own
gunicorn (4 workers) on one database, in alternating rounds with the app's /healthz
as the hello-world baseline; every answer must be stored.

Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`."""

import http.client
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_answer as base  # noqa: E402

PER_PATH = int(os.environ.get("BENCH_PEOPLE", "3000"))  # answers per path
ROUND = 250  # requests of each kind per round (short: the machine is shared)
PATHS = ("direct", "execute")


def serve(database: str, answer_sql: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": database,
        "SECRET_KEY": base.SECRET,
        "MAIL_URL": "smtp://127.0.0.1:25",
        "BRUECKE_ANSWER_SQL": answer_sql,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "bench" / "gunicorn.bench.conf.py"),
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request(
                "GET", "/healthz"
            )
            return
        except OSError:
            time.sleep(0.2)


def timed(port: int, jobs: list, work) -> tuple[float, int]:  # noqa: ANN001
    base.PORT = port  # run_threads connects to bench_answer's PORT
    return base.run_threads(jobs, work)


def main() -> None:
    from core.devmail import free_port

    folder = tempfile.mkdtemp()
    database = (
        os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/answer.sqlite"
    )
    if database.startswith("postgresql"):
        base.reset_postgres(database)
    base.PEOPLE = PER_PATH * len(PATHS)
    base.QUESTION, base.OPTION, paths = base.prepare(database)
    ports = {name: free_port() for name in PATHS}
    servers = [serve(database, name, ports[name]) for name in PATHS]
    seconds = dict.fromkeys(("hello", *PATHS), 0.0)
    errors = 0
    try:
        for port in ports.values():
            wait_for(port)
        jobs = {
            name: [{"path": path} for path in paths[i :: len(PATHS)]]
            for i, name in enumerate(PATHS)
        }
        for name in PATHS:
            _seconds, failed = timed(ports[name], jobs[name], base.fetch_form)
            errors += failed
        for number, start in enumerate(range(0, PER_PATH, ROUND)):
            # hello on either server in turn; the two paths swap places each round
            hello_port = ports[PATHS[number % 2]]
            took, failed = timed(hello_port, list(range(ROUND)), base.hello)
            seconds["hello"] += took
            errors += failed
            for name in PATHS if number % 2 == 0 else PATHS[::-1]:
                part = jobs[name][start : start + ROUND]
                took, failed = timed(ports[name], part, base.post_answer)
                seconds[name] += took
                errors += failed
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    stored = base.stored_answers(database)
    if errors or stored != base.PEOPLE:
        sys.exit(f"{errors} errors; stored {stored} of {base.PEOPLE} answers")
    rounds = -(-PER_PATH // ROUND)
    hello = rounds * ROUND / seconds["hello"]
    direct, execute = (PER_PATH / seconds[name] for name in PATHS)
    for name, ours, ours_unit, baseline, unit in (
        ("answer_post_direct_vs_execute", direct, "answers/s", execute, "answers/s"),
        ("answer_post_direct_vs_hello", direct, "answers/s", hello, "req/s"),
        ("answer_post_execute_vs_hello", execute, "answers/s", hello, "req/s"),
    ):
        print(
            f"{name}: ours {ours:.0f} {ours_unit}, baseline {baseline:.0f} {unit}, "
            f"ratio {ours / baseline:.2f}"
        )


if __name__ == "__main__":
    main()
