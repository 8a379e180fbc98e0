"""A sender loads only what it sends with: neither pandas, pyarrow, openpyxl nor the
survey analysis (together some 170 MiB before the first mail), nor Alembic (the
`flask db` commands: 11 MiB with Mako and Pygments), whether it is started as
`flask worker --sender-only` or is the sending part of the one `flask worker`."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db import db
from newsletter.campaigns.models import Campaign
from newsletter.sending.outbox import dispatch_due
from tests import factories

ROOT = Path(__file__).resolve().parents[3]

HEAVY = (
    "pandas",
    "pyarrow",
    "openpyxl",
    "numpy",
    "scipy",
    "highspy",
    "weasyprint",
    "alembic",
    "surveys.analysis.release",
    "surveys.analysis.disclosure_audit",
)


def heavy_modules(loaded: list[str]) -> list[str]:
    """The ones of HEAVY that are loaded, themselves or by one of their modules."""
    return [
        heavy
        for heavy in HEAVY
        if any(name == heavy or name.startswith(heavy + ".") for name in loaded)
    ]


def environment(database_url: str, tmp_path: Path, mail_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": database_url,
        "MAIL_URL": mail_url,
        "SECRET_KEY": "a-test-secret-of-enough-length",
        "BRUECKE_MEDIA_DIR": str(tmp_path / "media"),
    }


def test_importing_the_sender_loads_no_analysis_libraries(tmp_path):
    code = (
        "import json, sys\n"
        "import wsgi\n"
        "import core.cli.worker, newsletter.sending.jobs, newsletter.sending.sender\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = environment(
        f"sqlite:///{tmp_path / 'app.sqlite'}", tmp_path, "smtp://127.0.0.1:25"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert heavy_modules(json.loads(done.stdout)) == []


# The worker exits through sys.exit on SIGTERM, so atexit sees its modules at the end.
RUN_WORKER_AND_LIST_MODULES = """
import atexit, json, sys
path, options = sys.argv[1], sys.argv[2:]
atexit.register(lambda: open(path, "w").write(json.dumps(sorted(sys.modules))))
from flask.cli import main
sys.argv = ["flask", "--app", "wsgi", "worker", *options]
main()
"""


def campaign_sent(app, campaign_id: int) -> bool:
    with app.app_context():
        db.session.remove()
        return db.session.get(Campaign, campaign_id).status == "sent"


@pytest.mark.slow
@pytest.mark.parametrize("options", [["--sender-only"], []], ids=["sender", "worker"])
def test_a_worker_sends_a_survey_issue_without_loading_analysis_libraries(
    app, smtp_server, tmp_path, options
):
    with app.app_context():
        factories.audience(db.session, 30)
        survey = factories.survey(db.session)
        campaign_id = factories.campaign(
            db.session, blocks=factories.survey_blocks(survey.id), due=True
        ).id
        db.session.commit()
        dispatch_due(db.session)  # the sender alone dispatches nothing
        db.session.commit()
    modules = tmp_path / "modules.json"
    with open(tmp_path / "worker.log", "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-c", RUN_WORKER_AND_LIST_MODULES, str(modules), *options],
            cwd=ROOT,
            env=environment(
                app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, smtp_server.url
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not campaign_sent(app, campaign_id):
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=40)
    assert len(smtp_server.messages) == 30
    assert (
        "Was brauchen Sie am dringendsten?"
        in smtp_server.messages[0].get_body(("html",)).get_content()
    )
    assert heavy_modules(json.loads(modules.read_text())) == []
    with app.app_context():
        assert db.session.scalar(select(Campaign.status)) == "sent"
