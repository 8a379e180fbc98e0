"""`flask dev`: the app, its scheduler and a local mail sink in one process."""

from pathlib import Path

import click
from apscheduler.schedulers.background import BackgroundScheduler
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from core.cli.demo import DEMO_PASSWORD, DEMO_USERS
from core.scheduler import install_jobs

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command("dev")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--smtp-port", default=8025, type=int)
@with_appcontext
def dev_command(host: str, port: int, smtp_port: int) -> None:
    """Serve the app with its scheduler and a local mail sink, in one process."""
    from core.devmail import start_sink

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if host not in LOOPBACK:
        click.echo(
            f"WARNING: the development server listens on {host}, not only on this "
            "machine: its settings (a known SECRET_KEY, the dev mailbox) are not "
            "safe on a network. Use APP_ENV=production with gunicorn there.",
            err=True,
        )
    sink = start_sink(Path(app.config["DEV_MAILBOX_DIR"]), port=smtp_port)
    scheduler = BackgroundScheduler(timezone="UTC")
    install_jobs(app, scheduler)
    scheduler.start()
    click.echo(f"\n  Brückenschlag: http://{host}:{port}/")
    click.echo(f"  Mailbox:       http://{host}:{port}/dev/mailbox/")
    click.echo(f"  Demo logins (password {DEMO_PASSWORD}):")
    for email, _name, role, region in DEMO_USERS:
        click.echo(f"    {email:36} {role}{' · ' + region if region else ''}")
    click.echo("")
    try:
        run_simple(host, port, app, use_reloader=False, threaded=True)
    finally:
        scheduler.shutdown(wait=False)
        sink.stop()
