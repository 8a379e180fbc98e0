"""The `flask` commands of the core, one group per file, composed here."""

from flask import Flask

from core.cli.backup import backup_command
from core.cli.demo import demo_cli
from core.cli.dev import dev_command
from core.cli.migrations import migrations_cli
from core.cli.regions import regions_cli
from core.cli.users import users_cli
from core.cli.worker import worker_command


def register_commands(app: Flask) -> None:
    """Add the core's command groups to `flask`."""
    for command in (
        users_cli,
        regions_cli,
        demo_cli,
        dev_command,
        worker_command,
        backup_command,
        migrations_cli,
    ):
        app.cli.add_command(command)
