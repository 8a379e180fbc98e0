"""The one scheduler process: jobs are defined in code with fixed ids and are
idempotent in the database, so a missed or doubled run does no harm.

Feature packages add jobs with `add_job`; only `flask worker` and `flask dev` start a
scheduler, never `create_app` or gunicorn.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.base import BaseScheduler
from flask import Flask

from core.registry import registry


@dataclass(frozen=True)
class Job:
    id: str
    function: Callable[[], object]
    seconds: float
    # Sender jobs also run in `flask worker --sender-only` processes.
    sender: bool = False


def add_job(app: Flask, job: Job) -> None:
    """Register a periodic job for this app's scheduler process."""
    registry(app).jobs.append(job)


def stop_requested(app: Flask) -> threading.Event:
    """Set when the worker is asked to stop; a long job checks it between steps and
    ends early, leaving nothing half done."""
    return registry(app).stopping


def install_jobs(
    app: Flask, scheduler: BaseScheduler, sender_only: bool = False
) -> list[str]:
    """Add the registered jobs, each run inside an app context; returns their ids."""
    jobs: list[Job] = [
        job for job in registry(app).jobs if job.sender or not sender_only
    ]
    for job in jobs:
        scheduler.add_job(
            _in_app_context(app, job.function),
            "interval",
            seconds=job.seconds,
            id=job.id,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
        )
    return [job.id for job in jobs]


def _in_app_context(app: Flask, function: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            function()

    return run
