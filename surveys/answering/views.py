"""Answer pages. A GET shows the survey with the clicked answer preselected and a
"Senden" button (mail scanners open links; they must never answer for anyone); only
the POST from that page saves."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as BaseResponse

from core.cookieless import cookieless, same_page
from core.db import db
from core.form_tokens import posted_token_valid
from core.forms import ConfirmForm
from core.ids import form_id, query_id
from core.models import Region
from core.throttle import throttled
from newsletter.audience.labels import ORG_TYPE_LABELS
from newsletter.audience.link_views import LinkKind, link_error
from newsletter.audience.models import Subscriber, Topic
from newsletter.audience.tokens import LinkError, same_key
from newsletter.campaigns.models import Campaign
from surveys.answering.forms import (
    AnswerError,
    QuestionShape,
    current_values,
    parse_answers,
)
from surveys.answering.responses import (
    Invitation,
    log_click,
    read_answer_token,
    respondent,
    response_of,
    save_public_answers,
    save_subscriber_answers,
)
from surveys.answering.sql import answer_engine, answer_statements
from surveys.blueprint import bp
from surveys.models import Question, QuestionKind, Survey


def _language() -> str:
    return str(get_locale() or "de")[:2]


def _survey(survey_id: int) -> Survey:
    # Questions and options in two queries up front, not one lazy load per question.
    survey = db.session.get(
        Survey,
        survey_id,
        options=[selectinload(Survey.questions).selectinload(Question.options)],
    )
    if survey is None:
        abort(404)
    return survey


def typed_form_values(questions: list) -> dict[int, object]:
    """What was typed, to show it again next to the problems (nothing is lost)."""
    values: dict[int, object] = {}
    for question in questions:
        raw = request.form.getlist(f"q{question.id}")
        if question.kind in ("single", "multiple"):
            values[question.id] = [int(v) for v in raw if v.isdigit()]
        elif question.kind == "text":
            values[question.id] = raw[0] if raw else ""
        elif raw and raw[0].isdigit():
            values[question.id] = int(raw[0])
    return values


def _brand(survey: Survey, campaign_id: int | None) -> Region | None:
    """Whose pages these are: the controller whose issue invited the person (her
    consent names it), else the survey's; None for the joint controllers."""
    campaign = db.session.get(Campaign, campaign_id) if campaign_id else None
    return campaign.region if campaign is not None else survey.region


def _preselection(survey: Survey) -> dict[int, object]:
    """What the clicked button in the mail chose (?o=option or ?v=value)."""
    if not survey.questions:
        return {}
    first = survey.questions[0]
    option = query_id("o")
    value = request.args.get("v", type=int)
    if option is not None and option in {o.id for o in first.options}:
        return {first.id: [option]}
    if value is not None and value in first.scale():
        return {first.id: value}
    return {}


def _added_to(
    survey: Survey, values: dict[int, object], preselected: dict[int, object]
) -> dict[int, object]:
    """A button of a question with several answers adds its answer to those given
    before; of one with one answer, it replaces it."""
    first = survey.questions[0] if survey.questions else None
    before = values.get(first.id) if first else None
    chosen = preselected.get(first.id) if first else None
    if first is None or first.kind != QuestionKind.MULTIPLE:
        return preselected
    if not isinstance(before, list) or not isinstance(chosen, list):
        return preselected
    return {first.id: [*before, *(c for c in chosen if c not in before)]}


@bp.route("/umfrage/<int:survey_id>/<token>", methods=["GET", "POST"])
@cookieless
def answer(survey_id: int, token: str) -> str | tuple[str, int] | BaseResponse:
    try:
        invitation = read_answer_token(token, survey_id)
        step = _step()
        problems: dict[int, str] = {}
        if request.method == "POST":
            if not posted_token_valid():  # a form token of this very link
                return _answer_page(invitation, step, {}, refused=True)
            try:
                saved = _save_posted(invitation, step)
            except AnswerError as error:
                problems = error.problems
            else:
                if saved is not None:
                    return saved
        return _answer_page(invitation, step, problems)
    except LinkError as error:
        return link_error(error, LinkKind.SURVEY)


def _step() -> str:
    """Which page: a POST says it in its form (the address may still name the page
    shown before it), a GET in its address."""
    named = request.form.get("step") if request.method == "POST" else None
    named = named or request.args.get("step")
    return "rest" if named == "rest" else "first"


def _save_posted(invitation: Invitation, step: str) -> BaseResponse | None:
    """Save the posted answers and say where to go next; None when the page has to
    be shown again (the survey closed meanwhile, or is gone)."""
    try:
        questions = _save_once(invitation, step)
    except IntegrityError:
        # The same person's first answer arrived twice at once: the other request
        # made the response, so this one replaces its answers.
        questions = _save_once(invitation, step)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        # The server dropped the pooled connection (a restart, a failover; it is
        # not pinged before use): once more on a fresh one. Had the commit gone
        # through, the answers are replaced by the same ones.
        questions = _save_once(invitation, step)
    if questions is None:
        return None
    if step == "first" and questions > 1:
        return redirect(same_page(step="rest"))  # the rest on the same page
    return redirect(
        url_for(
            "surveys.thanks",
            survey_id=invitation.survey_id,
            c=invitation.campaign_id,
        )
    )


def _save_once(invitation: Invitation, step: str) -> int | None:
    """A read, then a write that stands or falls whole, on a plain connection (the
    hot path of the product); returns how many questions the survey has, or None
    when it takes no answers now."""
    statements, _on = answer_statements()
    with statements(answer_engine()) as direct:
        person = respondent(direct, invitation)
        if person is None or not person.survey_open:
            return None
        questions = person.questions
        if step == "first":
            asked = questions[:1]
        elif person.response_id is None:
            # The second page without a first answer (a stale or crafted form):
            # the first question is asked too, so a required one is not skipped.
            asked = questions
        else:
            asked = questions[1:]
        answers = parse_answers(asked, request.form)
        contact = None if step == "first" else request.form.get("contact") == "yes"
        save_subscriber_answers(direct, invitation, person, asked, answers, contact)
    return len(questions)


def _answer_page(
    invitation: Invitation,
    step: str,
    problems: dict[int, str],
    refused: bool = False,
) -> str | tuple[str, int]:
    """The survey page: the person's answers so far, what was typed next to any
    problems or on a refused form (nothing is lost), and on a click from the mail
    its answer preselected."""
    survey = _survey(invitation.survey_id)
    brand = _brand(survey, invitation.campaign_id)
    if survey.links_expired(current_app.config["SURVEY_LINK_DAYS_AFTER_CLOSE"]):
        return render_template(
            "surveys/link_expired.html",
            survey=survey,
            brand=brand,
            language=_language(),
        ), 410
    person = db.session.get(Subscriber, invitation.subscriber_id)
    if (
        person is None
        or person.email is None  # erased: the link shows nothing
        or not same_key(invitation.link_key, person.link_key)  # links invalidated
    ):
        raise LinkError(expired=False)
    response = response_of(db.session, survey, invitation.subscriber_id)
    if not survey.is_open():
        return render_template(
            "surveys/closed.html",
            survey=survey,
            brand=brand,
            values=current_values(response),
            language=_language(),
        )
    if step != "first" and response is None:
        step = "first"  # no second page before the first answer: it would be lost
    questions = survey.questions[:1] if step == "first" else survey.questions[1:]
    values = current_values(response)
    contact_wish = (
        request.form.get("contact") == "yes"
        if problems or refused
        else bool(response and response.contact_consent)
    )
    if problems or refused:
        values |= typed_form_values(questions)
    preselected: dict[int, object] = {}
    if request.method == "GET" and step == "first":
        preselected = _preselection(survey)
        if preselected:
            log_click(
                db.session,
                survey,
                query_id("o"),
                invitation.campaign_id,
            )
            db.session.commit()
        values |= _added_to(survey, values, preselected)
    return render_template(
        "surveys/answer.html",
        survey=survey,
        brand=brand,
        questions=questions,
        values=values,
        problems=problems,
        refused=refused,
        form=ConfirmForm(),
        step=step,
        language=_language(),
        answered_before=response is not None,
        contact_wish=contact_wish,
        preselected=bool(preselected),
        first_number=1 if step == "first" else 2,
        total=len(survey.questions),
        chosen_topics=_topics_chosen(survey, values, _language()),
    ), (400 if refused else 200)


def _topics_chosen(
    survey: Survey, values: dict[int, object], language: str
) -> list[str]:
    """The topics of the answers the person chose: what a contact wish is about."""
    chosen = {
        option_id
        for value in values.values()
        if isinstance(value, list)
        for option_id in value
    }
    topic_ids = {
        option.topic_id
        for question in survey.questions
        for option in question.options
        if option.id in chosen and option.topic_id
    }
    if not topic_ids:
        return []
    topics = db.session.scalars(select(Topic).where(Topic.id.in_(topic_ids)))
    return sorted(topic.label(language) for topic in topics)


@bp.route("/umfrage/<int:survey_id>/danke")
@cookieless
def thanks(survey_id: int) -> str:
    survey = _survey(survey_id)
    return render_template(
        "surveys/thanks.html",
        survey=survey,
        brand=_brand(survey, query_id("c")),
        language=_language(),
        public=request.args.get("offen") == "1",  # no mail, so no link to change it
    )


@bp.route("/umfrage/<int:survey_id>/offen/<key>", methods=["GET", "POST"])
@cookieless
@throttled("public-survey", "PUBLIC_SURVEY_RATE_LIMIT")
def public_answer(survey_id: int, key: str) -> str | tuple[str, int] | BaseResponse:
    """For people who are not subscribed: anonymous, asks region and organisation."""
    survey = _survey(survey_id)
    if key != survey.public_key:
        abort(404)
    if not survey.is_open():
        return render_template(
            "surveys/closed.html", survey=survey, values={}, language=_language()
        )
    regions = list(db.session.scalars(select(Region).order_by(Region.name)))
    form = ConfirmForm()
    problems: dict[int, str] = {}
    # A click in the web version chose an answer, as in the mail.
    values: dict = _preselection(survey) if request.method == "GET" else {}
    preselected = bool(values)
    refused = request.method == "POST" and not form.validate()
    if refused:  # a form token of another page, or too old: show it again
        values = typed_form_values(survey.questions)
    elif request.method == "POST":
        if request.form.get("website"):  # honeypot: bots fill every field
            return redirect(url_for("surveys.thanks", survey_id=survey.id, offen=1))
        shapes = [QuestionShape.of(q) for q in survey.questions]
        try:
            answers = parse_answers(shapes, request.form)
        except AnswerError as error:
            problems = error.problems
            values = typed_form_values(survey.questions)
        else:
            region_id = form_id("region_id")
            org_type = request.form.get("org_type") or None
            _statements, on = answer_statements()
            save_public_answers(
                on(db.session.connection()),
                survey.id,
                shapes,
                answers,
                region_id if region_id in {r.id for r in regions} else None,
                org_type if org_type in ORG_TYPE_LABELS else None,
            )
            db.session.commit()
            return redirect(url_for("surveys.thanks", survey_id=survey.id, offen=1))
    return _whole_survey(
        survey,
        "public",
        values,
        preselected,
        problems=problems,
        refused=refused,
        regions=regions,
        org_types=ORG_TYPE_LABELS,
    ), (400 if refused else 200)


@bp.route("/umfrage/<int:survey_id>/probe/<key>")
@cookieless
def probe(survey_id: int, key: str) -> str:
    """Where the survey buttons of a test mail or preview lead: the survey as its
    recipients see it, the clicked answer chosen, and nothing that saves."""
    survey = _survey(survey_id)
    if key != survey.public_key:
        abort(404)
    values = _preselection(survey)
    return _whole_survey(survey, "probe", values, bool(values))


def _whole_survey(
    survey: Survey,
    step: str,
    values: dict,
    preselected: bool,
    problems: dict[int, str] | None = None,
    refused: bool = False,
    **extra: object,
) -> str:
    """Every question on one page, for people without a personal link (the public
    link) or trying the survey out (the test view)."""
    return render_template(
        "surveys/answer.html",
        survey=survey,
        questions=survey.questions,
        values=values,
        form=ConfirmForm(),
        step=step,
        language=_language(),
        answered_before=False,
        preselected=preselected,
        first_number=1,
        total=len(survey.questions),
        chosen_topics=[],
        problems=problems or {},
        refused=refused,
        **extra,
    )
