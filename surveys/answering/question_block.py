"""The survey blocks of a newsletter: the first question as buttons in the mail, each
a per-recipient link; registered with the newsletter's block registry."""

from collections.abc import Callable
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import ColumnElement, or_, select

from core.db import db, utcnow
from core.links import external_url
from newsletter.campaigns.blocks import Block, BlockType, FieldSpec, RenderContext
from newsletter.campaigns.models import ISSUE, Campaign
from newsletter.campaigns.rendering import SAMPLE, Recipient
from surveys.answering.responses import answer_token
from surveys.models import QuestionKind, Survey

SURVEY_LINK_MARK = "SURVEY-TOKEN"
HINT = _l(
    "An answer opens the survey with it chosen; it is saved only when you press "
    "“Send” there."
)


def survey_choices(region_id: int | None) -> list[tuple[str, str]]:
    """Surveys an issue of the region may embed: its own and interregional ones (an
    interregional issue: interregional ones only), so that answers land in the
    survey of the region that asked."""
    allowed: list[ColumnElement[bool]] = [Survey.region_id.is_(None)]
    if region_id is not None:
        allowed.append(Survey.region_id == region_id)
    surveys = db.session.scalars(
        select(Survey).where(or_(*allowed)).order_by(Survey.created_at.desc())
    )
    return [(str(s.id), s.title_for("de")) for s in surveys]


def open_survey_choices(region_id: int | None) -> list[tuple[str, str]]:
    """Surveys whose question can go into a mail: with a question, not closed (a
    draft without questions or a closed survey would only disappoint)."""
    allowed: list[ColumnElement[bool]] = [Survey.region_id.is_(None)]
    if region_id is not None:
        allowed.append(Survey.region_id == region_id)
    surveys = db.session.scalars(
        select(Survey)
        .where(
            or_(*allowed),
            or_(Survey.closes_at.is_(None), Survey.closes_at > utcnow()),
            Survey.questions.any(),
        )
        .order_by(Survey.created_at.desc())
    )
    return [(str(s.id), s.title_for("de")) for s in surveys]


class SurveyRef(Block, total=False):
    survey: str  # a survey id, as the editor's select posts it


class SurveyBlock(SurveyRef, total=False):
    intro: str


def survey_of(block: SurveyRef) -> Survey | None:
    raw = str(block.get("survey") or "")
    return db.session.get(Survey, int(raw)) if raw.isdigit() else None


def _button(href: str, label: str, accent: str) -> str:
    return (
        f'<mj-button href="{escape(href)}" background-color="#ffffff" '
        f'color="{escape(accent)}" border="2px solid {escape(accent)}" padding="4px 0" '
        f'width="100%">{escape(label)}</mj-button>'
    )


def _choices(survey: Survey, language: str) -> list[tuple[str, str]]:
    """(link, label) of each answer button of the survey's first question."""
    question = survey.questions[0]
    # The survey opens in the mail's language, whatever the browser prefers.
    link = f"{{{{ survey_{survey.id} }}}}?lang={language}"
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return [(f"{link}&o={o.id}", o.label_for(language)) for o in question.options]
    if question.kind in (QuestionKind.LIKERT, QuestionKind.NPS):
        return [(f"{link}&v={v}", str(v)) for v in question.scale()]
    return [(link, str(_l("Answer")))]


def question_mjml(block: SurveyBlock, ctx: RenderContext) -> str:
    survey = survey_of(block)
    if survey is None or not survey.questions:
        return ""
    question = survey.questions[0]
    intro = escape(block.get("intro") or survey.title_for(ctx.language))
    buttons = "".join(
        _button(href, label, ctx.accent)
        for href, label in _choices(survey, ctx.language)
    )
    return (
        '<mj-section background-color="#eef6f4"><mj-column>'
        f'<mj-text font-size="13px" color="#4f5b62">{intro}</mj-text>'
        '<mj-text font-size="18px" font-weight="bold">'
        f"{escape(question.text_for(ctx.language))}</mj-text>{buttons}"
        f'<mj-text font-size="12px" color="#4f5b62">{escape(str(HINT))}</mj-text>'
        "</mj-column></mj-section>"
    )


def question_text(block: SurveyBlock, ctx: RenderContext) -> str:
    survey = survey_of(block)
    if survey is None or not survey.questions:
        return ""
    lines = [
        str(block.get("intro") or survey.title_for(ctx.language)),
        survey.questions[0].text_for(ctx.language),
        *(f"- {label}: {href}" for href, label in _choices(survey, ctx.language)),
        str(HINT),
    ]
    return "\n".join(line for line in lines if line)


def question_check_at(block: SurveyBlock, when: datetime) -> list[str]:
    """A survey that closes before the issue goes out takes no answers from it."""
    survey = survey_of(block)
    if survey is None or survey.closes_at is None or survey.closes_at > when:
        return []
    return [
        str(
            _l(
                "The survey “%(title)s” closes on %(date)s, before the issue goes "
                "out; its buttons would lead nowhere.",
                title=survey.title_for("de"),
                date=format_datetime(survey.closes_at, "short"),
            )
        )
    ]


def question_check(block: SurveyBlock) -> list[str]:
    survey = survey_of(block)
    if survey is None:
        return [str(_l("The survey block has no survey."))]
    if not survey.questions:
        return [
            str(
                _l(
                    "The survey “%(title)s” has no question yet.",
                    title=survey.title_for("de"),
                )
            )
        ]
    return []


SURVEY_BLOCK = BlockType(
    "survey_question",
    _l("Survey question"),
    (
        FieldSpec("survey", _l("Survey"), "select", True, choices=open_survey_choices),
        FieldSpec("intro", _l("Introduction (optional)")),
    ),
    question_mjml,
    question_text,
    question_check,
    question_check_at,
)


def embedded_survey_ids(campaign: Campaign) -> list[int]:
    """The surveys whose question blocks are in the issue, in any language."""
    return sorted(
        {
            int(b["survey"])
            for blocks in campaign.blocks.values()
            for b in blocks
            if b.get("type") == "survey_question"
            and str(b.get("survey") or "").isdigit()
        }
    )


def survey_links(campaign: Campaign) -> Callable[[Recipient | None], dict[str, str]]:
    """Per recipient: a signed link to each survey in the issue. Without a recipient
    (the web version), the survey's public link; for the sample person of previews
    and test mails, its test page, which saves nothing."""
    survey_ids = embedded_survey_ids(campaign)
    patterns = {
        sid: external_url("surveys.answer", survey_id=sid, token=SURVEY_LINK_MARK)
        for sid in survey_ids
    }
    public, probes = {}, {}
    for sid in survey_ids:
        survey = db.session.get(Survey, sid)
        if survey is not None:
            public[sid] = external_url(
                "surveys.public_answer", survey_id=sid, key=survey.public_key
            )
            probes[sid] = external_url(
                "surveys.probe", survey_id=sid, key=survey.public_key
            )
    # Answers through an automated mail count for no campaign: a reminder's own
    # figures next to its answers would single out its few late respondents.
    campaign_id = campaign.id if campaign.kind == ISSUE else None

    def values(recipient: Recipient | None) -> dict[str, str]:
        if recipient is None:
            return {f"survey_{sid}": public.get(sid, "") for sid in survey_ids}
        if recipient is SAMPLE:
            return {f"survey_{sid}": probes.get(sid, "") for sid in survey_ids}
        return {
            f"survey_{sid}": pattern.replace(
                SURVEY_LINK_MARK,
                answer_token(recipient, sid, campaign_id),
            )
            for sid, pattern in patterns.items()
        }

    return values
