"""Consent sentences and privacy notices as versioned records (ConsentText), one
series per controller, kind and language: what a page or mail shows is the newest
version, and the consent log points at the version shown. Editing adds a version;
nothing is ever changed in place.

A region's lists have that region's agency as controller; the interregional list
(no region) has both agencies as joint controllers (Art. 26 GDPR) and its own texts
naming both. The texts below are only the first versions of a new installation or
region (the migration seeded the same from the constants they replace)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.db import SessionLike
from core.models import Region
from newsletter.audience.models import ConsentText, MailingList, TextKind

LANGUAGES = ("de", "en")
# How pages name the joint controllers where others name a region.
JOINT_SLUG = "interregional"

FIRST_CONSENT = {
    "de": (
        "Ja, ich möchte den Newsletter „Brückenschlag“ von {agency} einschließlich "
        "kurzer Umfragen zu Bedarfen und Angeboten per E-Mail erhalten. Meine "
        "Einwilligung kann ich jederzeit über den Abmeldelink in jeder E-Mail "
        "widerrufen."
    ),
    "en": (
        "Yes, I would like to receive the “Brückenschlag” newsletter of {agency}, "
        "including short surveys on needs and offers, by email. I can withdraw my "
        "consent at any time with the unsubscribe link in every email."
    ),
}
FIRST_JOINT_CONSENT = {
    "de": (
        "Ja, ich möchte den interregionalen Newsletter „Brückenschlag“ von "
        "{agencies} als gemeinsam Verantwortlichen (Art. 26 DSGVO) einschließlich "
        "kurzer Umfragen zu Bedarfen und Angeboten per E-Mail erhalten. Meine "
        "Einwilligung kann ich jederzeit über den Abmeldelink in jeder E-Mail "
        "widerrufen."
    ),
    "en": (
        "Yes, I would like to receive the interregional “Brückenschlag” newsletter "
        "of {agencies} as joint controllers (Art. 26 GDPR), including short surveys "
        "on needs and offers, by email. I can withdraw my consent at any time with "
        "the unsubscribe link in every email."
    ),
}
FIRST_PRIVACY = {
    "de": (
        "Wir versenden den Newsletter einschließlich kurzer Umfragen auf Grundlage "
        "Ihrer Einwilligung (Art. 6 Abs. 1 lit. a DSGVO). Wir speichern Ihre "
        "Adresse, die Angaben, die Sie freiwillig machen, und den Nachweis Ihrer "
        "Einwilligung. Wir verfolgen nicht, ob Sie E-Mails öffnen oder Links "
        "anklicken.\n\n"
        "Sie können Ihre Einwilligung jederzeit über den Link in jeder E-Mail "
        "widerrufen und in Ihren Einstellungen Ihre Daten herunterladen und "
        "löschen lassen."
    ),
    "en": (
        "We send the newsletter including short surveys on the basis of your "
        "consent (Art. 6(1)(a) GDPR). We store your address, the details you chose "
        "to give, and the proof of your consent. We do not track whether you open "
        "mails or click links.\n\n"
        "You can withdraw your consent at any time with the link in every mail, "
        "download your data and have it deleted in your settings."
    ),
}
FIRST_JOINT_PRIVACY = {
    "de": (
        "Für den interregionalen Newsletter sind {agencies} gemeinsam "
        "verantwortlich (Art. 26 DSGVO). Sie können Ihre Rechte bei jeder der "
        "beiden geltend machen.\n\n" + FIRST_PRIVACY["de"]
    ),
    "en": (
        "{agencies} are joint controllers of the interregional newsletter "
        "(Art. 26 GDPR). You can exercise your rights with either of them.\n\n"
        + FIRST_PRIVACY["en"]
    ),
}
KIND_LABELS = {
    TextKind.CONSENT: _l("Consent text"),
    TextKind.PRIVACY: _l("Privacy notice"),
}


class TextError(Exception):
    """A text that cannot be saved; the message says why."""


class ConsentKind:
    SIGNUP = "signup"
    CONFIRMATION_SENT = "confirmation_sent"
    CONFIRMED = "confirmed"
    CHANGED = "changed"
    WITHDRAWN = "withdrawn"
    # "Rückgängig machen" on the unsubscribe page: a consent of its own, with its text.
    RESUBSCRIBED = "resubscribed"


def _series(kind: str, region_id: int | None, language: str):  # type: ignore[no-untyped-def]
    scope = (
        ConsentText.region_id.is_(None)
        if region_id is None
        else ConsentText.region_id == region_id
    )
    return select(ConsentText).where(
        ConsentText.kind == kind, scope, ConsentText.language == language
    )


def versions(
    session: SessionLike, kind: str, region_id: int | None, language: str
) -> list[ConsentText]:
    """Every version of one series, newest first."""
    query = _series(kind, region_id, language).order_by(ConsentText.version.desc())
    return list(session.scalars(query))


def current_text(
    session: SessionLike, kind: str, region_id: int | None, language: str
) -> ConsentText | None:
    """The newest version in the language, else the German one; None if none."""
    for wanted in dict.fromkeys((language, "de")):
        found = session.scalar(
            _series(kind, region_id, wanted)
            .order_by(ConsentText.version.desc())
            .limit(1)
        )
        if found is not None:
            return found
    return None


def list_consent(
    session: SessionLike, mailing_list: MailingList, language: str
) -> ConsentText | None:
    """The consent sentence of the list's controller(s)."""
    return current_text(session, TextKind.CONSENT, mailing_list.region_id, language)


def add_version(
    session: SessionLike,
    kind: str,
    region_id: int | None,
    language: str,
    text: str,
    user_id: int | None = None,
) -> ConsentText:
    """Save the text as the next version (an unchanged text adds nothing)."""
    text = text.strip().replace("\r\n", "\n")
    if not text:
        raise TextError(str(_l("Please enter the text.")))
    newest = session.scalar(
        _series(kind, region_id, language).order_by(ConsentText.version.desc())
    )
    if newest is not None and newest.text == text:
        return newest
    number = session.scalar(
        select(func.max(ConsentText.version)).where(
            ConsentText.id.in_(
                _series(kind, region_id, language).with_only_columns(ConsentText.id)
            )
        )
    )
    added = ConsentText(
        kind=kind,
        region_id=region_id,
        language=language,
        version=(number or 0) + 1,
        text=text,
        created_by=user_id,
    )
    session.add(added)
    session.flush()
    return added


def joint_agencies(regions: list[Region], language: str) -> str:
    """ "Südwestfalen Agentur GmbH und Wirtschaftsförderung Dortmund" """
    names = [region.agency for region in regions]
    if len(names) < 2:
        return "".join(names)
    joiner = " and " if language == "en" else " und "
    return ", ".join(names[:-1]) + joiner + names[-1]


def ensure_first_texts(session: SessionLike) -> None:
    """Version 1 of every series that has none yet (a new installation or region)."""
    regions = list(session.scalars(select(Region).order_by(Region.id)))
    scopes: list[tuple[int | None, dict, dict, dict]] = [
        (r.id, FIRST_CONSENT, FIRST_PRIVACY, {"agency": r.agency}) for r in regions
    ]
    if regions:
        scopes.append((None, FIRST_JOINT_CONSENT, FIRST_JOINT_PRIVACY, {}))
    for region_id, consent, privacy, values in scopes:
        for language in LANGUAGES:
            filled = values or {"agencies": joint_agencies(regions, language)}
            for kind, texts in (
                (TextKind.CONSENT, consent),
                (TextKind.PRIVACY, privacy),
            ):
                if not versions(session, kind, region_id, language):
                    text = texts[language].format(**filled)
                    add_version(session, kind, region_id, language, text)
