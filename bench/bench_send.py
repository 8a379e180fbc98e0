"""Sending speed: a whole campaign through our sender against raw smtplib sending
prebuilt messages over one connection to the same loopback server, in one run.
Also the sender's memory right after start (the app built, nothing sent) and its
peak at 10k and 100k recipients (it must not grow; goal: at most 100 MiB).

Prints `NAME: ours <value> <unit>, baseline <value> <unit>, ratio <ours/baseline>`."""

import json
import resource
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASELINE_MESSAGES = 10_000
RSS_GOAL_MIB = 100


def current_rss_mib() -> float:
    """This process's resident memory now (Linux), not its peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def start_sink() -> tuple[subprocess.Popen, int]:
    """The loopback SMTP server both sides send to."""
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    return sink, int(sink.stdout.readline())


def baseline_rate(port: int, raw: bytes, count: int) -> float:
    """Raw smtplib over one connection, sending the same message, built beforehand."""
    smtp = smtplib.SMTP("127.0.0.1", port)
    start = time.perf_counter()
    for _ in range(count):
        smtp.sendmail("newsletter@example.org", ["someone@example.org"], raw)
    elapsed = time.perf_counter() - start
    smtp.quit()
    return count / elapsed


def ours(recipients: int, port: int) -> dict:
    """Prepare the audience in one process, then dispatch and send in a fresh one (so
    that its peak memory is the sender's own)."""
    folder = tempfile.mkdtemp()
    for step in ("--prepare", "--send"):
        output = subprocess.run(
            [
                sys.executable,
                str(Path(__file__)),
                step,
                str(recipients),
                str(port),
                folder,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(output.stdout.strip().splitlines()[-1])


def make_app(port: int, folder: str):  # noqa: ANN201
    from core.app import create_app
    from core.config import TestConfig

    return create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
            "MAIL_URL": f"smtp://127.0.0.1:{port}",
            "SEND_BATCH_SIZE": 500,
        }
    )


def one_of_our_messages(campaign) -> bytes:  # noqa: ANN001
    """A message exactly as our sender builds it, for the baseline to send raw."""
    from newsletter.campaigns.rendering import (
        compile_campaign,
        personal_values,
        sender_for,
    )
    from newsletter.sending.mime import PreparedMessage, render

    prepared = PreparedMessage.build(
        compile_campaign(campaign, "de"), sender_for(campaign)
    )
    values = {
        **personal_values("Person 1", "", "Dortmund", "de"),
        "unsubscribe_url": "https://example.org/abmelden/" + "x" * 80,
        "preferences_url": "https://example.org/einstellungen/" + "x" * 60,
        "web_url": "https://example.org/ausgabe/1",
    }
    return render(
        prepared,
        to="someone@example.org",
        values=values,
        message_id="<bench@example.org>",
        headers={
            "List-Unsubscribe": "<https://example.org/abmelden/x>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send(port: int, folder: str) -> None:
    from sqlalchemy import select

    from core.db import db
    from newsletter.campaigns.models import Campaign
    from newsletter.sending.outbox import dispatch_due
    from newsletter.sending.sender import Sender

    app = make_app(port, folder)
    started_mib = current_rss_mib()
    with app.app_context():
        raw = one_of_our_messages(db.session.scalar(select(Campaign)))
        base = baseline_rate(port, raw, BASELINE_MESSAGES)
        start = time.perf_counter()
        dispatch_due(db.session)
        sent = Sender(app, "bench").run(budget_seconds=3600)
        elapsed = time.perf_counter() - start
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "sent": sent,
                "rate": sent / elapsed,
                "rss_mib": rss_mib,
                "started_mib": started_mib,
                "baseline": base,
                "size": len(raw),
            }
        )
    )


def prepare(recipients: int, port: int, folder: str) -> None:
    from sqlalchemy import insert, select

    from core.db import db, utcnow
    from core.models import Region
    from core.regions import ensure_regions
    from newsletter.audience.demo import ensure_lists
    from newsletter.audience.models import Subscriber, Subscription
    from newsletter.campaigns.models import Campaign
    from tests.factories import every_block

    app = make_app(port, folder)
    with app.app_context():
        db.create_all()
        ensure_regions(db.session)
        lists = ensure_lists(db.session)
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        list_id = lists["newsletter-dortmund"].id
        now = utcnow()
        db.session.execute(
            insert(Subscriber),
            [
                {
                    "email": f"p{n}@example.org",
                    "name": f"Person {n}",
                    "region_id": region.id,
                    "status": "active",
                    "language": "de",
                    "created_at": now,
                    "confirmed_at": now,
                    "organisation": "",
                    "sector": "",
                    "size": "",
                }
                for n in range(recipients)
            ],
        )
        ids = db.session.scalars(select(Subscriber.id)).all()
        db.session.execute(
            insert(Subscription),
            [
                {
                    "subscriber_id": sid,
                    "list_id": list_id,
                    "status": "active",
                    "created_at": now,
                }
                for sid in ids
            ],
        )
        db.session.add(
            Campaign(
                region_id=region.id,
                subject={"de": "Hallo {{ first_name }}"},
                blocks={"de": every_block()},
                list_ids=[list_id],
                status="scheduled",
                scheduled_at=now,
            )
        )
        db.session.commit()


def main() -> None:
    sink, port = start_sink()
    try:
        small = ours(10_000, port)
        large = ours(100_000, port)
    finally:
        sink.stdin.close()
        sink.wait()
    rate, base = large["rate"], large["baseline"]
    print(
        f"send_rate_100k: ours {rate:.0f} msg/s, baseline {base:.0f} msg/s, "
        f"ratio {rate / base:.2f}"
    )
    print(
        f"sender_peak_rss: ours {large['rss_mib']:.0f} MiB at 100k, baseline "
        f"{small['rss_mib']:.0f} MiB at 10k, "
        f"ratio {large['rss_mib'] / small['rss_mib']:.2f}"
    )
    print(
        f"sender_rss_after_start: ours {large['started_mib']:.0f} MiB, baseline "
        f"{RSS_GOAL_MIB} MiB (the goal for the peak), "
        f"ratio {large['started_mib'] / RSS_GOAL_MIB:.2f}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--prepare":
        prepare(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) > 1 and sys.argv[1] == "--send":
        send(int(sys.argv[3]), sys.argv[4])
    else:
        main()
