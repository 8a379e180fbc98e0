"""German first, English on request, and every German string translated."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.http import csrf_token

ROOT = Path(__file__).resolve().parents[2]


def test_pages_are_german_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "Anmelden" in page


def test_the_browser_language_is_used_when_nobody_chose(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert "Log in" in page.get_data(as_text=True)


def test_the_language_switch_wins_over_the_browser(client):
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/language",
        data={"lang": "en", "next": "/login", "csrf_token": csrf_token(page)},
    )
    english = client.get("/login", headers={"Accept-Language": "de"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in english


def test_get_on_the_language_switch_changes_nothing(client):
    assert client.get("/language?lang=en").status_code == 405
    assert '<html lang="de">' in client.get("/login").get_data(as_text=True)


def test_every_message_has_a_german_translation():
    with open(ROOT / "translations/de/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle, locale="de")
    method_map = [("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2")]
    missing = []
    for package in ("core", "newsletter", "surveys", "templates"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / package,
            method_map,
            keywords={
                "_": None,
                "gettext": None,
                "_l": None,
                "lazy_gettext": None,
                "ngettext": (1, 2),
                "lazy_ngettext": (1, 2),
            },
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            entry = catalogue.get(msgid)
            if entry is None or not entry.string:
                missing.append(msgid)
    assert missing == [], "run `make extract-messages` and translate: " + repr(missing)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_speaks_the_page_language(app):
    """Every form of ours derives from core.forms.Form (German WTForms messages)."""
    from flask_wtf import FlaskForm

    from core.forms import Form

    ours = [
        form
        for form in _subclasses(FlaskForm)
        if form.__module__.split(".")[0] in ("core", "newsletter", "surveys")
    ]
    assert len(ours) > 10
    assert [form for form in ours if not issubclass(form, Form)] == []
