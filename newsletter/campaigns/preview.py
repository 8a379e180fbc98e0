"""Vorschau und Test: a sample recipient's rendering and test sends to typed
addresses, exactly as a subscriber would get the issue."""

from email.message import EmailMessage

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from core.input_guard import ONE_LINE, has_line_break
from core.links import external_url
from core.mail import MailSettings, SMTPConnection, build_message
from newsletter.audience.subscriptions import SubscriptionError, normalise_address
from newsletter.campaigns.editing import CampaignError
from newsletter.campaigns.models import Campaign
from newsletter.campaigns.rendering import (
    SAMPLE,
    compile_campaign,
    extra_values,
    list_headers,
    personal_values,
    personalise,
    sender_for,
)

MAX_TEST_RECIPIENTS = 10


def parse_test_addresses(raw: str) -> list[str]:
    """Comma, semicolon or line separated addresses; clear error for a bad one."""
    parts = [p.strip() for p in raw.replace(";", ",").replace("\n", ",").split(",")]
    addresses = []
    for part in filter(None, parts):
        try:
            addresses.append(normalise_address(part))
        except SubscriptionError:
            raise CampaignError(
                str(_l("“%(address)s” is not a valid email address.", address=part))
            ) from None
    if not addresses:
        raise CampaignError(str(_l("Please enter at least one address.")))
    if len(addresses) > MAX_TEST_RECIPIENTS:
        raise CampaignError(
            str(_l("At most %(n)s addresses per test send.", n=MAX_TEST_RECIPIENTS))
        )
    return addresses


def sample_values(campaign: Campaign, language: str) -> dict[str, str]:
    """A sample recipient for previews and test sends; links lead to a test page."""
    test_link = external_url("newsletter.test_link")
    region_name = campaign.region.name if campaign.region else "Südwestfalen · Dortmund"
    return {
        **personal_values(
            "Erika Mustermann", "Musterfirma GmbH", region_name, language
        ),
        **extra_values(campaign, SAMPLE),
        "unsubscribe_url": test_link,
        "preferences_url": test_link,
        # A mail not stored yet (a reminder's next step) has no web version.
        "web_url": external_url(
            "newsletter.web_version", campaign_id=campaign.id, lang=language
        )
        if campaign.id is not None
        else test_link,
    }


def sample_rendering(campaign: Campaign, language: str) -> tuple[str, str, str]:
    """Subject, HTML and text as the sample recipient would get them."""
    return personalise(
        compile_campaign(campaign, language), sample_values(campaign, language)
    )


def sandboxed(html: str) -> BaseResponse:
    """A preview's HTML as its own page, framed only by ours and allowed nothing:
    no script, no form, no request but pictures."""
    response = BaseResponse(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def test_message(campaign: Campaign, language: str, to: str) -> EmailMessage:
    """Exactly what a subscriber gets, with personal links pointing at a test page."""
    subject, html, text = sample_rendering(campaign, language)
    if has_line_break(subject):
        raise CampaignError(f"{_l('Subject')}: {ONE_LINE}")
    test_link = external_url("newsletter.test_link")
    return build_message(
        sender=sender_for(campaign),
        to=to,
        subject=f"[Test] {subject}",
        text=text,
        html=html,
        headers={
            "List-Unsubscribe": f"<{test_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            **list_headers(campaign),
        },
    )


def send_test(campaign: Campaign, addresses: list[str], language: str) -> None:
    """Send the test mails over one SMTP connection."""
    messages = [test_message(campaign, language, address) for address in addresses]
    settings = MailSettings.from_url(current_app.config["MAIL_URL"])
    with SMTPConnection(settings) as connection:
        for message in messages:
            connection.send(message)
