"""Whether an address is known must not show in how long the answer takes: the
fresh-link form and the sign-up did the mail's SMTP round trip (and the fresh-link
form its queries) only for known addresses. Now the answer is made by the same
work for every address, and mail goes out after the answer has gone. Compared by
what the request does, never by a stopwatch."""

from sqlalchemy import event, select

from core.db import db
from newsletter.audience.models import Subscriber, SystemMail
from tests import factories
from tests.http import csrf_token, shown_texts


class Statements:
    """The SQL a request runs, and its commits, until its answer is handed over."""

    def __init__(self, app) -> None:
        self.app = app
        self.seen: list[str] = []
        self.commits = 0

    def __enter__(self) -> "Statements":
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._record)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)
        event.remove(self.engine, "commit", self._commit)

    def _commit(self, _conn) -> None:
        self.commits += 1

    def _record(self, _conn, _cursor, statement, *_rest) -> None:
        self.seen.append(" ".join(statement.split()))


def answer_without_closing(client, path: str, data: dict):
    """The answer as the client has it, before the server closes it (and runs what
    comes after the answer)."""
    return client.post(path, data=data, buffered=False)


def test_a_fresh_link_request_does_the_same_work_for_any_address(
    app, client, smtp_server
):
    with app.app_context():
        factories.subscriber(db.session, email="fatma@example.org", name="Fatma")
    page = client.get("/einstellungen/kaputt").get_data(as_text=True)
    work = {}
    for address in ("fatma@example.org", "nobody@example.org"):
        form = {"csrf_token": csrf_token(page), "email": address}
        mails_before = len(smtp_server.messages)
        with Statements(app) as statements:
            response = answer_without_closing(client, "/einstellungen/neuer-link", form)
        mailed = len(smtp_server.messages) - mails_before
        work[address] = (statements.seen, statements.commits, mailed, response.data)
        response.close()
    assert work["fatma@example.org"] == work["nobody@example.org"]
    assert work["fatma@example.org"][2] == 0  # no mail before the answer
    [mail] = smtp_server.messages  # after it, the known address gets its link
    assert mail["To"] == "fatma@example.org"


def signup(client, list_id: int, address: str):
    page = client.get("/anmelden/dortmund").get_data(as_text=True)
    return answer_without_closing(
        client,
        "/anmelden/dortmund",
        {
            "csrf_token": csrf_token(page),
            **shown_texts(page),
            "email": address,
            "lists": [str(list_id)],
            "language": "de",
            "consent": "y",
        },
    )


def test_a_sign_up_queues_a_mail_and_sends_it_after_the_answer_for_any_address(
    app, client, smtp_server, list_ids
):
    """A new address gets the confirmation, one that is already subscribed a note
    with a link to its settings: the same work (one mail queued, one commit, no
    relay before the answer), so the answer tells nothing."""
    list_id = list_ids["newsletter-dortmund"]
    known = signup(client, list_id, "bekannt@example.org")
    known.close()
    with app.app_context():
        person = db.session.scalar(select(Subscriber))
        person.status = "active"
        person.subscriptions[0].status = "active"
        db.session.commit()
    smtp_server.handler.received.clear()

    answers = {}
    for address in ("bekannt@example.org", "neu@example.org"):
        mails_before = len(smtp_server.messages)
        with Statements(app) as statements:
            response = signup(client, list_id, address)
        assert len(smtp_server.messages) == mails_before  # nothing waits for SMTP
        answers[address] = (
            response.status_code,
            response.location,
            statements.commits,
        )
        response.close()
    assert answers["bekannt@example.org"] == answers["neu@example.org"]
    with app.app_context():
        queued = db.session.scalars(select(SystemMail).order_by(SystemMail.id)).all()
    assert len(queued) == 3  # the first sign-up's, and one for each now
    received = {m["To"]: m for m in smtp_server.messages}
    assert set(received) == {"bekannt@example.org", "neu@example.org"}
    note = received["bekannt@example.org"].get_body(("plain",)).get_content()
    assert "bereits" in note
    assert "/einstellungen/" in note
