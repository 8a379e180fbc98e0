"""Items 3 and 4 of #19: suggestions for managers, scoped to their region's needs,
with the reason for each; introductions with double consent over real mail: the
links only open pages (a scanner decides nothing), both must press "Ja", only then
does each get the other's contact; a declined pair is not suggested again; eight
weeks later both are asked whether something came of it."""

import re
from datetime import timedelta

from sqlalchemy import select

from core.db import db
from core.models import Role
from landscape.jobs import send_follow_ups
from landscape.models import Introduction
from tests.fixtures.smtp import link_in, text_of
from tests.http import csrf_token, login
from tests.landscape.people import public_profile, topic_id


def pair(app):
    """Sven's firm in Südwestfalen looks for AI; Anna's lab in Dortmund offers it,
    and a Südwestfalen firm offers it too (the same region: ranked second)."""
    sven = public_profile(
        app,
        "sven@example.org",
        "suedwestfalen",
        "Sauerland Metall GmbH",
        needs=["ki-daten"],
    )
    anna = public_profile(
        app,
        "anna@example.org",
        "dortmund",
        "Daten-Labor TU",
        offers=["ki-daten"],
        org_type="university",
        description="Maschinelles Lernen für die Produktion",
    )
    public_profile(
        app,
        "olaf@example.org",
        "suedwestfalen",
        "Olper Software KG",
        offers=["ki-daten"],
    )
    return sven, anna


def manager(app, make_user, region: str | None):
    client = app.test_client()
    user = make_user(Role.MANAGER, region)
    assert login(client, user.email).status_code == 302
    return client


def propose(client, sven, anna, topic: int):
    page = client.get("/kompetenzlandschaft/vorschlaege").get_data(as_text=True)
    return client.post(
        "/kompetenzlandschaft/vorstellungen",
        data={
            "csrf_token": csrf_token(page),
            "seeker": sven.profile_id,
            "provider": anna.profile_id,
            "topic": topic,
        },
    )


def test_suggestions_rank_the_other_region_first_and_say_why(app, make_user):
    sven, anna = pair(app)
    swf = manager(app, make_user, "suedwestfalen")

    page = swf.get("/kompetenzlandschaft/vorschlaege").get_data(as_text=True)

    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    suggested = [r for r in rows if "Sauerland Metall GmbH" in r]
    assert len(suggested) == 2
    assert "Daten-Labor TU" in suggested[0]
    assert "Olper Software KG" in suggested[1]
    assert "über die Regionen hinweg (+2)" in suggested[0]
    assert "Arten ergänzen sich (+2)" in suggested[0]
    # Dortmund's manager has no need of her region to introduce.
    dortmund = manager(app, make_user, "dortmund")
    theirs = dortmund.get("/kompetenzlandschaft/vorschlaege").get_data(as_text=True)
    assert "Zurzeit keine Vorschläge" in theirs


def test_a_manager_cannot_introduce_another_regions_need(app, make_user):
    sven, anna = pair(app)
    with app.app_context():
        ai = topic_id("ki-daten")
    dortmund = manager(app, make_user, "dortmund")
    assert propose(dortmund, sven, anna, ai).status_code == 404
    analyst = app.test_client()
    user = make_user(Role.ANALYST)
    login(analyst, user.email)
    assert analyst.get("/kompetenzlandschaft/vorschlaege").status_code == 403
    swf = manager(app, make_user, "suedwestfalen")
    assert propose(swf, sven, anna, topic_id_of(app, "fachkraefte")).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Introduction)) is None


def topic_id_of(app, slug):
    with app.app_context():
        return topic_id(slug)


def answer_link(smtp_server, address: str) -> str:
    [mail] = [m for m in smtp_server.to(address) if "Vorstellung" in m["Subject"]]
    return link_in(mail, "/kompetenzlandschaft/vorstellung/")


# The form token each link's page showed last (it is bound to that link).
SHOWN_TOKENS: dict[str, str] = {}


def look(client, link: str) -> str:
    """Open the link's page, as its person does when the mail arrives."""
    page = client.get(link).get_data(as_text=True)
    if 'name="csrf_token"' in page:
        SHOWN_TOKENS[link] = csrf_token(page)
    return page


def press(client, link: str, value: str, name: str = "answer"):
    """Press a button of the link's page; where it shows none any more, the one of
    the page still open from before (the back button)."""
    look(client, link)
    return client.post(link, data={"csrf_token": SHOWN_TOKENS[link], name: value})


def test_contacts_are_exchanged_only_after_both_said_yes(app, make_user, smtp_server):
    sven, anna = pair(app)
    swf = manager(app, make_user, "suedwestfalen")
    assert propose(swf, sven, anna, topic_id_of(app, "ki-daten")).status_code == 302

    [to_anna] = smtp_server.to("anna@example.org")
    [to_sven] = smtp_server.to("sven@example.org")
    assert "Sauerland Metall GmbH" in text_of(to_anna)
    assert "Daten-Labor TU" in text_of(to_sven)
    for mail, other in ((to_anna, "sven@example.org"), (to_sven, "anna@example.org")):
        assert other not in text_of(mail)
        assert other not in str(mail)
    sven_link = answer_link(smtp_server, "sven@example.org")
    anna_link = answer_link(smtp_server, "anna@example.org")

    # A mail scanner opens every link, twice: nothing is decided.
    scanner = app.test_client()
    for link in (sven_link, anna_link):
        for _ in range(2):
            assert scanner.get(link).status_code == 200
            assert scanner.head(link).status_code == 200
    with app.app_context():
        intro = db.session.scalar(select(Introduction))
        assert (intro.seeker_answer, intro.provider_answer) == (None, None)

    sven_browser = app.test_client()
    press(sven_browser, sven_link, "yes")
    assert len(smtp_server.messages) == 2  # nothing shared yet
    assert "Sobald auch die andere Seite zustimmt" in sven_browser.get(
        sven_link
    ).get_data(as_text=True)

    press(app.test_client(), anna_link, "yes")

    contact_to_sven = smtp_server.to("sven@example.org")[-1]
    contact_to_anna = smtp_server.to("anna@example.org")[-1]
    assert "anna@example.org" in text_of(contact_to_sven)
    assert "Daten-Labor TU" in text_of(contact_to_sven)
    assert "sven@example.org" in text_of(contact_to_anna)
    assert len(smtp_server.messages) == 4
    # Pressing again sends nothing more.
    press(app.test_client(), anna_link, "yes")
    assert len(smtp_server.messages) == 4

    # Eight weeks later (the clock moved): one question each, once.
    with app.app_context():
        intro = db.session.scalar(select(Introduction))
        intro.exchanged_at -= timedelta(weeks=8, minutes=1)
        db.session.commit()
        assert send_follow_ups() == 1
        assert send_follow_ups() == 0
    [follow_up] = [
        m for m in smtp_server.to("anna@example.org") if "entstanden" in m["Subject"]
    ]
    outcome = link_in(follow_up, "/ergebnis")
    scanner.get(outcome)
    press(app.test_client(), outcome, "yes", name="fruitful")
    with app.app_context():
        intro = db.session.scalar(select(Introduction))
        assert intro.provider_fruitful is True
        assert intro.seeker_fruitful is None


def test_a_decline_shares_nothing_and_the_pair_is_not_suggested_again(
    app, make_user, smtp_server
):
    sven, anna = pair(app)
    swf = manager(app, make_user, "suedwestfalen")
    propose(swf, sven, anna, topic_id_of(app, "ki-daten"))
    look(app.test_client(), answer_link(smtp_server, "sven@example.org"))
    press(app.test_client(), answer_link(smtp_server, "anna@example.org"), "no")
    press(app.test_client(), answer_link(smtp_server, "sven@example.org"), "yes")

    assert len(smtp_server.messages) == 2
    page = swf.get("/kompetenzlandschaft/vorschlaege").get_data(as_text=True)
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "<form" in r]
    assert all("Daten-Labor TU" not in r for r in rows)
    assert "abgelehnt" in page
    assert propose(swf, sven, anna, topic_id_of(app, "ki-daten")).status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(Introduction)).all()) == 1


def test_a_forged_or_foreign_link_decides_nothing(app, make_user, smtp_server):
    sven, anna = pair(app)
    propose(
        manager(app, make_user, "suedwestfalen"),
        sven,
        anna,
        topic_id_of(app, "ki-daten"),
    )
    link = answer_link(smtp_server, "anna@example.org")
    client = app.test_client()
    assert client.get(link[:-3] + "xyz").status_code == 400
    assert client.get(link + "/ergebnis").status_code == 404  # nothing exchanged


def test_withdrawing_the_consent_declines_her_open_introductions(
    app, make_user, smtp_server
):
    sven, anna = pair(app)
    propose(
        manager(app, make_user, "suedwestfalen"),
        sven,
        anna,
        topic_id_of(app, "ki-daten"),
    )
    sven_link = answer_link(smtp_server, "sven@example.org")
    anna_link = answer_link(smtp_server, "anna@example.org")
    look(app.test_client(), anna_link)
    press(app.test_client(), sven_link, "yes")

    client = app.test_client()
    page = client.get(anna.preferences).get_data(as_text=True)
    client.post(
        f"/kompetenzlandschaft/mein-profil/{anna.token}/widerrufen",
        data={"csrf_token": csrf_token(page)},
    )
    press(app.test_client(), anna_link, "yes")

    assert len(smtp_server.messages) == 2  # no contact went out
    with app.app_context():
        intro = db.session.scalar(select(Introduction))
        assert intro.declined
        assert intro.exchanged_at is None


def test_a_declined_pair_is_not_proposed_again_the_other_way_round(
    app, make_user, smtp_server
):
    """The mail promised: say no, and we do not suggest this contact again."""
    sven = public_profile(
        app,
        "sven@example.org",
        "suedwestfalen",
        "Sauerland Metall GmbH",
        needs=["ki-daten"],
        offers=["fachkraefte"],
    )
    anna = public_profile(
        app,
        "anna@example.org",
        "dortmund",
        "Daten-Labor TU",
        offers=["ki-daten"],
        needs=["fachkraefte"],
        org_type="university",
    )
    swf = manager(app, make_user, "suedwestfalen")
    propose(swf, sven, anna, topic_id_of(app, "ki-daten"))
    press(app.test_client(), answer_link(smtp_server, "anna@example.org"), "no")
    assert len(smtp_server.messages) == 2

    dortmund = manager(app, make_user, "dortmund")
    page = dortmund.get("/kompetenzlandschaft/vorschlaege").get_data(as_text=True)
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "<form" in r]
    assert all("Sauerland Metall GmbH" not in r for r in rows)
    skills = topic_id_of(app, "fachkraefte")
    assert propose(dortmund, anna, sven, skills).status_code == 302
    page = dortmund.get("/kompetenzlandschaft/vorschlaege").get_data(as_text=True)
    assert "schon vorgeschlagen" in page

    assert len(smtp_server.messages) == 2  # nobody was asked again
    with app.app_context():
        assert len(db.session.scalars(select(Introduction)).all()) == 1


def test_a_yes_can_be_taken_back_until_both_agreed(app, make_user, smtp_server):
    """Withdrawing consent is as easy as giving it (Art. 7(3) GDPR)."""
    sven, anna = pair(app)
    propose(
        manager(app, make_user, "suedwestfalen"),
        sven,
        anna,
        topic_id_of(app, "ki-daten"),
    )
    sven_link = answer_link(smtp_server, "sven@example.org")
    anna_link = answer_link(smtp_server, "anna@example.org")
    look(app.test_client(), anna_link)
    sven_browser = app.test_client()
    press(sven_browser, sven_link, "yes")

    page = sven_browser.get(sven_link).get_data(as_text=True)
    assert 'name="answer" value="no"' in page
    press(sven_browser, sven_link, "no")
    press(app.test_client(), anna_link, "yes")

    assert len(smtp_server.messages) == 2  # no contact went out
    with app.app_context():
        intro = db.session.scalar(select(Introduction))
        assert intro.declined
        assert intro.exchanged_at is None
    assert "nicht zustande gekommen" in sven_browser.get(sven_link).get_data(
        as_text=True
    )


def test_after_the_exchange_a_no_says_the_contacts_went_out(
    app, make_user, smtp_server
):
    sven, anna = pair(app)
    propose(
        manager(app, make_user, "suedwestfalen"),
        sven,
        anna,
        topic_id_of(app, "ki-daten"),
    )
    sven_link = answer_link(smtp_server, "sven@example.org")
    anna_link = answer_link(smtp_server, "anna@example.org")
    press(app.test_client(), sven_link, "yes")
    press(app.test_client(), anna_link, "yes")
    assert len(smtp_server.messages) == 4

    page = press(app.test_client(), sven_link, "no").get_data(as_text=True)

    assert "bereits ausgetauscht" in page
    assert len(smtp_server.messages) == 4
    with app.app_context():
        intro = db.session.scalar(select(Introduction))
        assert intro.accepted
        assert not intro.declined


def test_the_interregional_manager_proposes_no_introductions(app, make_user):
    """Proposals belong to the manager of the seeker's region (or an administrator)."""
    sven, anna = pair(app)
    ai = topic_id_of(app, "ki-daten")
    joint = manager(app, make_user, None)
    page = joint.get("/kompetenzlandschaft/vorschlaege").get_data(as_text=True)
    assert "Sauerland Metall GmbH" not in page
    assert propose(joint, sven, anna, ai).status_code == 404
    dortmund = manager(app, make_user, "dortmund")
    assert propose(dortmund, sven, anna, ai).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Introduction)) is None

    admin = app.test_client()
    login(admin, make_user(Role.ADMIN).email)
    assert "Sauerland Metall GmbH" in admin.get(
        "/kompetenzlandschaft/vorschlaege"
    ).get_data(as_text=True)
    assert propose(admin, sven, anna, ai).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Introduction)) is not None
