"""`flask worker`: the one scheduler process, or a sender beside it."""

import atexit
import os
import signal
import sys
from datetime import UTC, datetime

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import with_appcontext

from core.db import db
from core.scheduler import install_jobs, stop_requested


def exit_without_teardown() -> None:
    """Exit once every job has returned (their work committed), with the database
    connections closed, but without the interpreter's teardown of every module and
    object: seconds of CPU on a loaded machine (bench_sigterm), spent from the
    deploy's stop timeout. Exit handlers still run (logging flushes its files)."""
    db.engine.dispose()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@click.command("worker")
@click.option(
    "--sender-only",
    is_flag=True,
    help="Only send (PostgreSQL: run as many as you like beside one worker).",
)
@click.option("--name", default="", help="This sender's name; unique per process.")
@with_appcontext
def worker_command(sender_only: bool, name: str) -> None:
    """Run the scheduler and its jobs: exactly one full worker per installation."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if name:
        app.config["SENDER_NAME"] = name
    scheduler = BlockingScheduler(timezone="UTC")
    ids = install_jobs(app, scheduler, sender_only=sender_only)
    for job in scheduler.get_jobs():
        job.modify(next_run_time=datetime.now(UTC))  # start at once, not after a period
    click.echo(f"Worker started with jobs: {', '.join(ids) or 'none'}", err=True)

    def shut_down(signum: int, frame: object) -> None:
        # Running jobs finish what is in hand (the sender: the message in flight)
        # and return; a deploy's stop timeout is not spent on the rest of a batch.
        stop_requested(app).set()
        scheduler.shutdown(wait=True)
        exit_without_teardown()

    signal.signal(signal.SIGTERM, shut_down)
    scheduler.start()
