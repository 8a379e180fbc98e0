"""The pre-send checklist: what to fix (errors block sending) or to know before a
campaign goes out. An automated mail (a welcome mail, a survey reminder) has no lists
to choose: its checklist says instead whom it reaches, what starts it and when."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from core.db import SessionLike, db, utcnow
from core.input_guard import ONE_LINE, has_line_break
from newsletter.campaigns.audiences import audiences, automation_facts
from newsletter.campaigns.blocks import block_problems
from newsletter.campaigns.models import Campaign, CampaignStatus
from newsletter.campaigns.rendering import (
    GMAIL_CLIP_BYTES,
    LINKS,
    PERSONAL,
    compile_campaign,
    custom_layout_problem,
    placeholders_in,
)


def _subject_and_layout_findings(campaign: Campaign) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if not campaign.subject.get("de"):
        found.append(("error", str(_l("The German subject is empty."))))
    if any(has_line_break(text) for text in campaign.subject.values()):
        found.append(("error", f"{_l('Subject')}: {ONE_LINE}"))
    layout_problem = custom_layout_problem(campaign.region)
    if layout_problem is not None:
        found.append(("warning", layout_problem))
    return found


def checklist(
    campaign: Campaign, when: datetime | None = None
) -> list[tuple[str, str]]:
    """(severity, message) pairs to fix or note before sending at `when` (default:
    now); 'error' blocks it, 'info' tells how an automated mail goes out."""
    when = when or campaign.scheduled_at or utcnow()
    found = _subject_and_layout_findings(campaign)
    if not campaign.blocks_for("de"):
        found.append(("error", str(_l("The German version has no content."))))
    if not campaign.blocks_for("en"):
        found.append(
            (
                "warning",
                str(
                    _l(
                        "There is no English version; English readers "
                        "get the German one."
                    )
                ),
            )
        )
    facts = automation_facts(db.session, campaign)
    if facts is not None:
        found[:0] = [("info", line) for line in facts.lines]
    elif not (campaign.list_ids or campaign.segment_ids):
        found.append(("error", str(_l("No list or segment is chosen as target."))))
    for language in ("de", "en"):
        blocks = campaign.blocks_for(language)
        texts = [
            campaign.subject.get(language, ""),
            campaign.preheader.get(language, ""),
        ]
        for block in blocks:
            for problem in block_problems(block, when):
                found.append(("error", f"{language.upper()}: {problem}"))
            texts.extend(str(v) for k, v in block.items() if k not in ("id", "type"))
        unknown = {
            name
            for name in set().union(*(placeholders_in(t) for t in texts))
            if name not in PERSONAL | LINKS
        }
        for name in sorted(unknown):
            found.append(
                (
                    "error",
                    str(
                        _l(
                            "%(lang)s: the placeholder {{ %(name)s }} is unknown; "
                            "use one of %(known)s.",
                            lang=language.upper(),
                            name=name,
                            known=", ".join(sorted(PERSONAL)),
                        )
                    ),
                )
            )
        if blocks:
            size = len(compile_campaign(campaign, language).html.encode())
            if size > GMAIL_CLIP_BYTES:
                found.append(
                    (
                        "warning",
                        str(
                            _l(
                                "%(lang)s: the mail is %(size)s KB; "
                                "Gmail cuts mails above 100 KB.",
                                lang=language.upper(),
                                size=size // 1024,
                            )
                        ),
                    )
                )
    return found


def switch_off_if_broken(session: SessionLike, campaign: Campaign) -> list[str]:
    """A standing mail that goes out (a welcome mail) and now has a checklist error
    is switched off, so that it never goes out like this (its edit stays saved);
    the errors, or none."""
    audience = audiences().get(campaign.kind)
    if (
        audience is None
        or audience.switch_off is None
        or campaign.status != CampaignStatus.SENDING
    ):
        return []
    errors = [
        message for severity, message in checklist(campaign) if severity == "error"
    ]
    if errors:
        audience.switch_off(session, campaign)
    return errors
