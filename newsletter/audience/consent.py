"""The consent and privacy texts, versioned: the log stores the version a person saw."""

from core.models import Region

CONSENT_TEXT_VERSION = "2026-11-de-en-1"
PRIVACY_VERSION = "2026-11-1"

CONSENT_TEXT = {
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


def consent_text(region: Region, language: str) -> str:
    """The consent sentence for this region's agency in the language."""
    return CONSENT_TEXT.get(language, CONSENT_TEXT["de"]).format(agency=region.agency)


class ConsentKind:
    SIGNUP = "signup"
    CONFIRMATION_SENT = "confirmation_sent"
    CONFIRMED = "confirmed"
    CHANGED = "changed"
    WITHDRAWN = "withdrawn"
