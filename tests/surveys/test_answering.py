"""Answering from the newsletter: a click only shows, a POST saves, the last answer
wins, nobody can answer for someone else, closed is closed."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from core.db import db, utcnow
from core.direct_sql import direct_statements, executed_transaction
from newsletter.audience.erasure import erase
from newsletter.audience.models import Subscriber
from newsletter.audience.tokens import LinkError
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from surveys.answering import responses
from surveys.answering.forms import QuestionShape
from surveys.answering.responses import (
    Invitation,
    Respondent,
    respondent,
    save_subscriber_answers,
)
from surveys.answering.sql import answer_engine
from surveys.builder.editing import add_option
from surveys.demo import TITLE as DEMO_TITLE
from surveys.models import Answer, Click, Option, Survey, SurveyResponse
from tests import factories
from tests.fixtures.smtp import html_of
from tests.http import csrf_token


def send_survey_mail(app, smtp_server, people=2):
    with app.app_context():
        factories.audience(db.session, people)
        survey_id = factories.survey(db.session).id
        blocks = factories.survey_blocks(survey_id)
        factories.campaign(db.session, blocks=blocks, due=True)
        dispatch_due(db.session)
        Sender(app, "survey-test").run(budget_seconds=30)
        options = list(db.session.scalars(select(Option).order_by(Option.id)))
    mails = {r.envelope_to[0]: r.message for r in smtp_server.handler.received}
    return survey_id, options, mails


def button_links(mail) -> list[str]:
    return re.findall(r'href="https?://[^/"]+(/umfrage/[^"]+)"', html_of(mail))


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_rest_of_the_survey_stays_where_the_app_is_served(app, client, smtp_server):
    """Behind a path prefix (SCRIPT_NAME), the first answer leads to the rest of the
    survey under the same prefix, in the language chosen in the address."""
    _survey_id, options, mails = send_survey_mail(app, smtp_server)
    path = button_links(mails["person0@example.org"])[0].split("?")[0]
    served = {"base_url": "http://localhost/bruecke/"}
    html = client.get(f"{path}?lang=en", **served).get_data(as_text=True)
    saved = client.post(
        f"{path}?lang=en",
        data={
            "csrf_token": csrf_token(html),
            "step": "first",
            f"q{options[0].question_id}": str(options[0].id),
        },
        **served,
    )
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/bruecke{path}?step=rest&lang=en"


def test_a_click_only_shows_and_the_post_saves(app, client, smtp_server):
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    links = button_links(mails["person0@example.org"])
    assert len(links) == 2  # one button per answer of the first question
    second = next(link for link in links if f"o={options[1].id}" in link)

    page = client.get(second.replace("&amp;", "&"))  # what a mail scanner does too
    client.head(second.replace("&amp;", "&"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(rf'value="{options[1].id}"\s+checked', html)
    assert "Senden" in html
    assert count(app, SurveyResponse) == 0  # a GET never answers
    assert count(app, Click) == 1  # counted once, tied to nobody
    with app.app_context():
        assert db.session.scalar(select(Click.option_id)) == options[1].id

    path = second.split("?")[0]
    saved = client.post(
        path,
        data={
            "csrf_token": csrf_token(html),
            "step": "first",
            f"q{options[1].question_id}": str(options[1].id),
        },
    )
    assert saved.status_code == 302
    assert "step=rest" in saved.headers["Location"]
    rest = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Kooperation lohnt sich." in rest
    with app.app_context():
        questions = db.session.get(Survey, survey_id).questions
        response = db.session.scalar(select(SurveyResponse))
        person = db.session.get(Subscriber, response.subscriber_id)
        assert person.email == "person0@example.org"
        assert response.region_id == person.region_id  # the snapshot
    client.post(
        path,
        data={
            "csrf_token": csrf_token(rest),
            "step": "rest",
            f"q{questions[1].id}": "4",
            f"q{questions[2].id}": "Mehr Termine",
            "contact": "yes",
        },
    )
    with app.app_context():
        response = db.session.scalar(select(SurveyResponse))
        assert response.contact_consent is True
        assert {(a.option_id, a.value, a.text) for a in response.answers} == {
            (options[1].id, None, None),
            (None, 4, None),
            (None, None, "Mehr Termine"),
        }


def answer_first(client, link, option):
    page = client.get(link.split("?")[0]).get_data(as_text=True)
    return post_first(client, link, page, option)


def post_first(client, link, page, option):
    """Press "Senden" on a survey page shown earlier, with this option chosen."""
    return client.post(
        link.split("?")[0],
        data={
            "csrf_token": csrf_token(page),
            "step": "first",
            f"q{option.question_id}": str(option.id),
        },
    )


def post_rest(client, link, page, fields):
    """Press "Senden" on a second page shown earlier, with these fields filled."""
    return client.post(
        link, data={"csrf_token": csrf_token(page), "step": "rest", **fields}
    )


def test_answering_again_changes_the_answer(app, client, smtp_server):
    _sid, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0]
    answer_first(client, link, options[0])
    answer_first(client, link, options[1])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
        assert list(db.session.scalars(select(Answer.option_id))) == [options[1].id]


def test_a_forwarded_link_changes_only_its_own_recipients_answer(
    app, client, smtp_server
):
    _sid, options, mails = send_survey_mail(app, smtp_server)
    mine = button_links(mails["person0@example.org"])[0]
    forwarded = button_links(mails["person1@example.org"])[0]
    answer_first(client, mine, options[0])
    answer_first(app.test_client(), forwarded, options[1])
    with app.app_context():
        by_person = {
            db.session.get(Subscriber, r.subscriber_id).email: [
                a.option_id for a in r.answers
            ]
            for r in db.session.scalars(select(SurveyResponse))
        }
    assert by_person == {
        "person0@example.org": [options[0].id],
        "person1@example.org": [options[1].id],
    }


def test_tampered_and_foreign_links_get_a_clear_page(app, client, smtp_server):
    survey_id, _options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    tampered = client.get(link[:-4] + "AAAA")
    assert tampered.status_code == 400
    assert "Dieser Link ist nicht mehr gültig" in tampered.get_data(as_text=True)
    with app.app_context():
        other_survey = factories.survey(db.session).id
    foreign = client.get(
        link.replace(f"/umfrage/{survey_id}/", f"/umfrage/{other_survey}/")
    )
    assert foreign.status_code == 400


def test_a_closed_survey_refuses_answers_and_shows_the_persons_own(
    app, client, smtp_server
):
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0]
    answer_first(client, link, options[0])
    page = client.get(link.split("?")[0]).get_data(as_text=True)
    with app.app_context():
        db.session.get(Survey, survey_id).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    closed = client.get(link.split("?")[0]).get_data(as_text=True)
    assert "Diese Umfrage ist beendet" in closed
    assert "Fachkräfte" in closed  # their own answer
    post_first(client, link, page, options[1])
    with app.app_context():
        assert list(db.session.scalars(select(Answer.option_id))) == [options[0].id]


def test_a_survey_that_has_not_begun_says_so_and_when(app, client, smtp_server):
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    page = client.get(link).get_data(as_text=True)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        survey.opens_at = utcnow() + timedelta(days=1)
        db.session.commit()
    early = client.get(link).get_data(as_text=True)
    assert "Diese Umfrage hat noch nicht begonnen" in early
    assert "beendet" not in early
    post_first(client, link, page, options[0])
    assert count(app, SurveyResponse) == 0


def test_a_link_expires_some_time_after_the_survey_closed(app, client, smtp_server):
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0]
    page = client.get(link.split("?")[0]).get_data(as_text=True)
    answer_first(client, link, options[0])
    days = app.config["SURVEY_LINK_DAYS_AFTER_CLOSE"]
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        survey.closes_at = utcnow() - timedelta(days=days, minutes=1)
        db.session.commit()
    shown = client.get(link)
    changed = post_first(client, link, page, options[1])
    assert shown.status_code == changed.status_code == 410
    text = shown.get_data(as_text=True)
    assert "Dieser Link ist abgelaufen" in text
    assert "Fachkräfte" not in text  # nothing of the answers any more
    with app.app_context():
        assert list(db.session.scalars(select(Answer.option_id))) == [options[0].id]


def test_a_missing_required_answer_gets_a_message_in_german(app, client, smtp_server):
    _sid, _options, mails = send_survey_mail(app, smtp_server)
    path = button_links(mails["person0@example.org"])[0].split("?")[0]
    html = client.get(path).get_data(as_text=True)
    response = client.post(path, data={"csrf_token": csrf_token(html), "step": "first"})
    assert "Bitte beantworten Sie diese Frage." in response.get_data(as_text=True)
    assert count(app, SurveyResponse) == 0


def test_erasure_keeps_the_anonymous_answer(app, client, smtp_server):
    _sid, options, mails = send_survey_mail(app, smtp_server)
    answer_first(client, button_links(mails["person0@example.org"])[0], options[0])
    with app.app_context():
        response = db.session.scalar(select(SurveyResponse))
        person = db.session.get(Subscriber, response.subscriber_id)
        region = person.region_id
        erase(db.session, person, app.config["SECRET_KEY"])
        db.session.commit()
        response = db.session.scalar(select(SurveyResponse))
        assert response.region_id == region
        assert response.subscriber_id is None  # no link to anybody, not even a stub
        assert [a.option_id for a in response.answers] == [options[0].id]


def test_an_erased_persons_link_shows_and_changes_nothing(app, client, smtp_server):
    _sid, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0]
    page = client.get(link.split("?")[0]).get_data(as_text=True)
    answer_first(client, link, options[0])
    with app.app_context():
        person = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "person0@example.org")
        )
        erase(db.session, person, app.config["SECRET_KEY"])
        db.session.commit()
    shown = client.get(link)
    changed = post_first(client, link, page, options[1])
    assert shown.status_code == changed.status_code == 400
    assert options[0].label["de"] not in shown.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Answer.option_id)) == options[0].id


def test_public_link_takes_anonymous_answers_and_catches_bots(app, client):
    with app.app_context():
        survey_id = factories.survey(db.session).id
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        key, first = survey.public_key, survey.questions[0]
        option = first.options[0].id
    assert client.get(f"/umfrage/{survey_id}/offen/wrong").status_code == 404
    page = client.get(f"/umfrage/{survey_id}/offen/{key}").get_data(as_text=True)
    thanks = client.post(
        f"/umfrage/{survey_id}/offen/{key}",
        data={
            "csrf_token": csrf_token(page),
            f"q{first.id}": str(option),
            "region_id": "1",
            "org_type": "startup",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Ihre Antworten sind gespeichert." in thanks
    assert "Link in der" not in thanks  # an anonymous answer came with no mail
    client.post(
        f"/umfrage/{survey_id}/offen/{key}",
        data={
            "csrf_token": csrf_token(page),
            f"q{first.id}": str(option),
            "website": "http://spam.example",
        },
    )
    with app.app_context():
        responses = list(db.session.scalars(select(SurveyResponse)))
    assert [(r.source, r.subscriber_id, r.org_type) for r in responses] == [
        ("public", None, "startup")
    ]


def test_results_block_shows_region_shares_in_the_mail(app, demo_data, smtp_server):
    from newsletter.campaigns.rendering import compile_campaign

    with app.app_context():
        survey_id = db.session.scalar(  # the demo survey, not its earlier wave
            select(Survey.id).where(Survey.title["de"].as_string() == DEMO_TITLE)
        )
        block = {"id": "r", "type": "survey_results", "survey": str(survey_id)}
        campaign = factories.campaign(
            db.session, region="suedwestfalen", blocks=[{**block, "heading": ""}]
        )
        compiled = compile_campaign(campaign, "de")
    assert "Bedarfe und Angebote 2026" in compiled.html
    assert "Südwestfalen" in compiled.text
    assert "Dortmund" in compiled.text


def read(invitation: Invitation, transaction=direct_statements) -> Respondent:
    with transaction(db.engine) as direct:
        person = respondent(direct, invitation)
    assert person is not None
    return person


# Both ways the benchmark compares (ANSWER_SQL): direct_sql and Connection.execute.
@pytest.mark.parametrize("transaction", [direct_statements, executed_transaction])
def test_a_second_first_answer_at_once_cannot_make_a_second_response(app, transaction):
    """Two presses of "Senden" at the same moment both read "no response yet"; the
    database lets only one create it (the view then saves the other as a change)."""
    with app.app_context():
        factories.audience(db.session, 1)
        survey_id = factories.survey(db.session).id
    with app.app_context():
        person = db.session.scalar(select(Subscriber))
        invitation = Invitation(person.id, survey_id, None, person.link_key)
        before = read(invitation, transaction)
        first = before.questions[0]
        choice = {first.id: sorted(first.options)[0]}

        def save_with(read: Respondent) -> None:
            with transaction(db.engine) as direct:
                save_subscriber_answers(direct, invitation, read, [first], choice)

        save_with(before)
        with pytest.raises(IntegrityError):
            save_with(before)  # still believes there is no response
        save_with(read(invitation, transaction))  # what the retry does
    assert count(app, SurveyResponse) == 1
    assert count(app, Answer) == 1


def test_later_answers_at_the_same_moment_leave_one_answer(app):
    """Two changes of the same answer at once (a double click on "Senden"): the
    second waits for the first and replaces its answers; none is left twice."""
    with app.app_context():
        factories.audience(db.session, 1)
        survey_id = factories.survey(db.session).id
    with app.app_context():
        person = db.session.scalar(select(Subscriber))
        invitation = Invitation(person.id, survey_id, None, person.link_key)
        first = read(invitation).questions[0]
        options = sorted(first.options)
        engine = db.engine

        def save(option: int, ready: threading.Barrier) -> None:
            with direct_statements(engine) as direct:
                known = respondent(direct, invitation)
                ready.wait()
                save_subscriber_answers(
                    direct, invitation, known, [first], {first.id: option}
                )

        save(options[0], threading.Barrier(1))
        for _ in range(10):
            ready = threading.Barrier(2)
            both = [
                threading.Thread(target=save, args=(option, ready))
                for option in options[:2]
            ]
            for thread in both:
                thread.start()
            for thread in both:
                thread.join()
            assert count(app, SurveyResponse) == 1
            assert count(app, Answer) == 1


def test_an_answer_that_cannot_be_stored_whole_changes_nothing(app):
    """Each statement of the answer commits by itself (no BEGIN and COMMIT round
    trips); the response and its answers still stand or fall together, for a
    first answer and for a later one."""
    with app.app_context():
        factories.audience(db.session, 1)
        survey_id = factories.survey(db.session).id
    with app.app_context():
        person = db.session.scalar(select(Subscriber))
        invitation = Invitation(person.id, survey_id, None, person.link_key)
        first = read(invitation).questions[0]
        chosen = sorted(first.options)[0]
        # A question deleted meanwhile: its answer breaks a foreign key.
        gone = QuestionShape(first.id + 1000, "single", False, None, frozenset({1}))

        def save(questions, answers, contact=None) -> None:
            with direct_statements(db.engine) as direct:
                save_subscriber_answers(
                    direct, invitation, read(invitation), questions, answers, contact
                )

        with pytest.raises(IntegrityError):
            save([first, gone], {first.id: chosen, gone.id: 1})
        assert count(app, SurveyResponse) == 0
        assert count(app, Answer) == 0

        save([first], {first.id: chosen}, contact=False)
        with pytest.raises(IntegrityError):
            save([first, gone], {first.id: sorted(first.options)[1], gone.id: 1}, True)
        response = db.session.scalar(select(SurveyResponse))
        assert response.contact_consent is False
        assert [(a.question_id, a.option_id) for a in response.answers] == [
            (first.id, chosen)
        ]


@pytest.mark.parametrize("query", ["RESPONDENT", "QUESTIONS_OF"])
def test_reading_a_respondent_uses_indexes_only(app, query):
    """Every answer runs these queries: they must not scan tables that grow with every
    survey (nor sort, nor build a throwaway index)."""
    with app.app_context():
        backend = db.engine.dialect.name
    if backend != "sqlite":
        pytest.skip("SQLite's plan; PostgreSQL plans by table statistics")
    with app.app_context():
        compiled = getattr(responses, query).compiled(db.engine.dialect)
        with db.engine.connect() as connection:
            plan = connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {compiled.sql}", (1, 1)[: compiled.sql.count("?")]
            ).all()
    steps = [row[-1] for row in plan]
    assert all(step.startswith("SEARCH") for step in steps), steps
    assert not any("AUTOMATIC" in step for step in steps), steps


def test_an_option_added_to_an_open_survey_can_be_chosen_at_once(
    app, client, smtp_server
):
    """Answers are checked against the survey's questions as they are now, even in a
    process that has checked answers to it before."""
    _sid, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0]
    assert answer_first(client, link, options[0]).status_code == 302
    with app.app_context():
        question = db.session.get(Option, options[0].id).question
        added = add_option(db.session, question, {"de": "Fördermittel"}, None, "need")
        db.session.commit()
        db.session.refresh(added)
    assert answer_first(client, link, added).status_code == 302
    with app.app_context():
        assert list(db.session.scalars(select(Answer.option_id))) == [added.id]


def test_an_option_removed_from_an_open_survey_is_refused_kindly(
    app, client, smtp_server
):
    _sid, options, mails = send_survey_mail(app, smtp_server)
    other = button_links(mails["person1@example.org"])[0]
    assert answer_first(app.test_client(), other, options[0]).status_code == 302
    link = button_links(mails["person0@example.org"])[0]
    page = client.get(link.split("?")[0]).get_data(as_text=True)  # shown before
    with app.app_context():
        option = db.session.get(Option, options[1].id)
        option.question.options.remove(option)
        db.session.commit()
    refused = post_first(client, link, page, options[1])
    assert refused.status_code == 200
    assert "Bitte wählen Sie eine der vorgegebenen Antworten" in refused.get_data(
        as_text=True
    )
    assert count(app, Answer) == 1  # the other person's


def test_every_change_to_a_survey_raises_its_version(app):
    with app.app_context():
        survey_id = factories.survey(db.session).id

    def version() -> int:
        return db.session.get(Survey, survey_id).version

    with app.app_context():
        seen = [version()]
        question = db.session.get(Survey, survey_id).questions[0]
        add_option(db.session, question, {"de": "Neu"}, None, None)
        db.session.commit()
        seen.append(version())
        question.options[0].label = {"de": "Anders"}
        db.session.commit()
        seen.append(version())
        survey = db.session.get(Survey, survey_id)
        survey.questions.remove(survey.questions[-1])
        db.session.commit()
        seen.append(version())
    assert seen == sorted(set(seen))  # rose with each change


def test_invalidating_ones_links_empties_old_answer_links(app, client, smtp_server):
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    mail = mails["person0@example.org"]
    link = button_links(mail)[0].split("?")[0]
    answer_first(client, link, options[0])
    with app.app_context():
        questions = db.session.get(Survey, survey_id).questions
    rest = client.get(f"{link}?step=rest").get_data(as_text=True)
    post_rest(
        client,
        link,
        rest,
        {f"q{questions[2].id}": "Vertraulicher Freitext", "contact": "yes"},
    )
    settings = re.search(r'href="https?://[^/"]+(/einstellungen/[^"]+)"', html_of(mail))
    page = client.get(settings.group(1)).get_data(as_text=True)
    client.post(
        f"{settings.group(1)}/abmelden-ueberall", data={"csrf_token": csrf_token(page)}
    )

    shown = client.get(f"{link}?step=rest")
    assert shown.status_code == 400
    assert "Vertraulicher Freitext" not in shown.get_data(as_text=True)
    changed = client.post(
        link,
        data={
            "csrf_token": csrf_token(rest),
            "step": "rest",
            f"q{questions[2].id}": "Überschrieben",
            "contact": "no",
        },
    )
    assert changed.status_code == 400
    with app.app_context():
        response = db.session.scalar(select(SurveyResponse))
        assert response.contact_consent is True
        assert "Vertraulicher Freitext" in {a.text for a in response.answers}


def test_an_answer_after_the_database_cut_every_connection_is_saved(
    app, client, smtp_server
):
    """The answer POST's connections are not pinged before use (a round trip of every
    answer): one the server dropped is replaced and the answer saved all the same."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL terminates backends; SQLite has none")
    _sid, options, mails = send_survey_mail(app, smtp_server)
    first = button_links(mails["person0@example.org"])[0]
    second = button_links(mails["person1@example.org"])[0]
    pages = [
        client.get(link.split("?")[0]).get_data(as_text=True)
        for link in (first, second)
    ]
    assert post_first(client, first, pages[0], options[0]).status_code == 302
    with app.app_context():
        db.session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        db.session.commit()
    assert post_first(client, first, pages[0], options[1]).status_code == 302
    assert post_first(client, second, pages[1], options[0]).status_code == 302
    with app.app_context():
        assert count(app, SurveyResponse) == 2
        chosen = db.session.scalars(select(Answer.option_id).order_by(Answer.id))
        assert sorted(chosen) == sorted([options[1].id, options[0].id])


def test_only_the_answer_post_commits_without_waiting_for_the_disk(app):
    """On a database server the answer's commit does not wait for the disk (the
    durability SQLite has here too, with synchronous=NORMAL: a crash may lose the
    last moment's answers, never half of one); everything else waits as before."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("a setting of PostgreSQL's")

    def setting(engine) -> tuple[str, str]:
        """The value and where it comes from (the test databases of `make test`
        have it off for the whole database)."""
        with engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT setting, source FROM pg_settings"
                " WHERE name = 'synchronous_commit'"
            ).one()

    with app.test_request_context():
        assert setting(answer_engine()) == ("off", "client")
        assert setting(db.engine)[1] != "client"


def test_the_second_page_shows_the_stored_contact_wish_and_keeps_it(
    app, client, smtp_server
):
    """Changing the first answer from the mail leads to the second page again: the
    contact wish given there before is ticked, so pressing "Senden" keeps it."""
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    answer_first(client, link, options[0])
    with app.app_context():
        questions = db.session.get(Survey, survey_id).questions
    rest = client.get(f"{link}?step=rest").get_data(as_text=True)
    assert not re.search(r'name="contact" value="yes"\s+checked', rest)
    post_rest(client, link, rest, {"contact": "yes"})
    answer_first(client, link, options[1])
    again = client.get(f"{link}?step=rest").get_data(as_text=True)
    assert re.search(r'name="contact" value="yes"\s+checked', again)
    post_rest(client, link, again, {f"q{questions[1].id}": "3", "contact": "yes"})
    with app.app_context():
        assert db.session.scalar(select(SurveyResponse.contact_consent)) is True


def test_the_second_page_alone_saves_nothing_without_the_first_answer(
    app, client, smtp_server
):
    """A required first question cannot be skipped by posting the second page
    straight away: nothing is stored, and the person is asked it."""
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    with app.app_context():
        questions = db.session.get(Survey, survey_id).questions
    rest = client.get(f"{link}?step=rest").get_data(as_text=True)
    posted = post_rest(client, link, rest, {f"q{questions[1].id}": "4"})
    assert posted.status_code == 200
    assert "Bitte beantworten Sie diese Frage." in posted.get_data(as_text=True)
    assert count(app, SurveyResponse) == 0
    # Nor is the second page offered before the first answer (what was typed on
    # it would be lost when the first question is asked).
    shown = client.get(f"{link}?step=rest").get_data(as_text=True)
    assert "Kooperation lohnt sich." not in shown
    assert "Was brauchen Sie am dringendsten?" in shown


def test_an_erasure_while_the_same_person_changes_her_answer_does_not_deadlock(
    app, client, smtp_server
):
    """The erasure and a later answer lock the person's response before its
    answers, in the same order: one waits for the other (they deadlocked, and the
    erasure ended in a 500 page)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite lets one writer in at a time")
    survey_id, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    answer_first(client, link, options[0])
    with app.app_context():
        questions = db.session.get(Survey, survey_id).questions
    rest = client.get(f"{link}?step=rest").get_data(as_text=True)
    post_rest(client, link, rest, {f"q{questions[2].id}": "Freitext"})
    with app.app_context():
        response_id, person_id = db.session.execute(
            select(SurveyResponse.id, SurveyResponse.subscriber_id)
        ).one()
    failures: list[Exception] = []

    def erase_her() -> None:
        try:
            with app.app_context():
                erase(
                    db.session,
                    db.session.get(Subscriber, person_id),
                    app.config["SECRET_KEY"],
                )
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - the test reports it
            failures.append(error)

    with app.app_context(), db.engine.connect() as answer:
        # A later answer, as the answer POST writes it: the response, then its answers.
        answer.execute(
            update(SurveyResponse)
            .where(SurveyResponse.id == response_id)
            .values(updated_at=utcnow())
        )
        eraser = threading.Thread(target=erase_her)
        eraser.start()
        eraser.join(0.5)  # the erasure is under way, waiting on the response
        try:
            answer.execute(delete(Answer).where(Answer.response_id == response_id))
            answer.commit()
        except Exception as error:  # noqa: BLE001 - the test reports it
            failures.append(error)
        eraser.join()
    assert failures == []
    with app.app_context():
        assert db.session.scalar(select(SurveyResponse.subscriber_id)) is None


@pytest.mark.parametrize("answered_before", [False, True])
def test_an_answer_read_before_an_erasure_and_written_after_it_stores_nothing(
    app, answered_before
):
    """The answer POST reads the person, then writes: an erasure that commits in
    between wins. Her free text and contact wish must not come back, neither in a
    new response nor in the one the erasure made anonymous, and she is not told
    that they were saved."""
    with app.app_context():
        factories.audience(db.session, 1)
        survey_id = factories.survey(db.session).id
    with app.app_context():
        person = db.session.scalar(select(Subscriber))
        invitation = Invitation(person.id, survey_id, None, person.link_key)
        first, _scale, free = read(invitation).questions
        chosen = sorted(first.options)[0]

        def save(questions, answers, seen) -> None:
            with direct_statements(db.engine) as direct:
                save_subscriber_answers(
                    direct, invitation, seen, questions, answers, contact=True
                )

        if answered_before:
            save([first], {first.id: chosen}, read(invitation))
        seen = read(invitation)  # the POST's read ...
        erase(db.session, db.session.get(Subscriber, person.id), "key")
        db.session.commit()  # ... the erasure commits ...
        # ... then the POST's write: the response is no longer hers, nor is she
        # there to answer; she is told that her link is no longer valid, not thanked
        with pytest.raises(LinkError):
            save([free], {free.id: "Geheimtext"}, seen)
        db.session.remove()
        assert db.session.scalar(select(Answer).where(Answer.text.is_not(None))) is None
        assert (
            db.session.scalar(
                select(SurveyResponse).where(SurveyResponse.subscriber_id.is_not(None))
            )
            is None
        )
        assert not db.session.scalar(
            select(func.count()).where(SurveyResponse.contact_consent.is_(True))
        )


def test_two_answers_to_a_single_choice_are_refused(app, client, smtp_server):
    _sid, options, mails = send_survey_mail(app, smtp_server)
    link = button_links(mails["person0@example.org"])[0].split("?")[0]
    page = client.get(link).get_data(as_text=True)
    posted = client.post(
        link,
        data={
            "csrf_token": csrf_token(page),
            "step": "first",
            f"q{options[0].question_id}": [str(options[0].id), str(options[1].id)],
        },
    )
    assert posted.status_code == 200
    assert "Bitte wählen Sie eine der vorgegebenen Antworten." in posted.get_data(
        as_text=True
    )
    assert count(app, SurveyResponse) == 0
