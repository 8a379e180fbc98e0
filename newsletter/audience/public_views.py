"""Pages for subscribers, who have no account: sign-up, confirmation, unsubscribe and
the preference centre. A GET never changes anything: mail scanners open every link."""

from datetime import timedelta

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from core.db import db
from core.extensions import csrf
from core.forms import ConfirmForm
from core.models import Region
from core.policy import public
from core.regions import all_regions
from core.throttle import count, note, throttled
from newsletter.audience.consent import (
    JOINT_SLUG,
    current_text,
    list_consent,
)
from newsletter.audience.erasure import erase, erasure_key
from newsletter.audience.forms import PreferencesForm, SignupForm
from newsletter.audience.link_views import (
    preferences_link_error,
    subscriber_from_preferences_token,
)
from newsletter.audience.mail_queue import deliver, queue_confirmation
from newsletter.audience.models import (
    MailingList,
    Subscriber,
    SubscriberStatus,
    TextKind,
)
from newsletter.audience.profile_form import (
    fill_choices,
    profile_form_data,
    profile_from_form,
    selected_lists,
)
from newsletter.audience.subscriptions import (
    RequestMeta,
    SubscriptionError,
    allowed_lists,
    confirm,
    sign_up,
    unsubscribe,
    update_preferences,
)
from newsletter.audience.tokens import (
    CONFIRM_MAX_AGE,
    LinkError,
    read_token,
)
from newsletter.blueprint import bp

FORGED_UNSUBSCRIBE = "unsubscribe:forged"


def _region(slug: str) -> Region:
    region = db.session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        abort(404)
    return region


def _language() -> str:
    return str(get_locale() or "de")[:2]


def _meta() -> RequestMeta:
    if not current_app.config["CONSENT_STORE_REQUEST_METADATA"]:
        return RequestMeta(language=_language())
    return RequestMeta(
        request.remote_addr, request.user_agent.string[:500], _language()
    )


def link_error(error: LinkError) -> tuple[str, int]:
    return render_template("newsletter/link_error.html", expired=error.expired), 400


@bp.route("/anmelden/<region_slug>", methods=["GET", "POST"])
@public
@throttled("signup", "SIGNUP_RATE_LIMIT")
def signup(region_slug: str) -> str | BaseResponse | tuple[str, int]:
    region = _region(region_slug)
    form = SignupForm()
    fill_choices(form, region)
    if request.method == "GET":
        form.language.data = _language()
        # The snippet on the agencies' sites hands over the address with a GET.
        form.email.data = request.args.get("email", "")[:254]
    if form.validate_on_submit():
        if form.website.data:  # honeypot: answer as if all went well
            return redirect(
                url_for("newsletter.signup_thanks", region_slug=region.slug)
            )
        try:
            subscriber, to_confirm = sign_up(
                db.session,
                region,
                profile_from_form(form),
                form.lists.data or [],
                meta=_meta(),
            )
            mail = (
                queue_confirmation(db.session, subscriber, to_confirm, "form")
                if to_confirm
                else None
            )
            db.session.commit()
        except SubscriptionError as error:
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(error)]
        else:
            if mail is not None:
                # A relay that says "later" leaves it queued: the job retries.
                deliver(db.session, mail)
                db.session.commit()
            return redirect(
                url_for("newsletter.signup_thanks", region_slug=region.slug)
            )
    language = _language()
    return render_template(
        "newsletter/signup.html",
        form=form,
        region=region,
        consent=current_text(db.session, TextKind.CONSENT, region.id, language),
        joint_consent=current_text(db.session, TextKind.CONSENT, None, language),
        has_joint=bool(form.joint_list_ids),
    )


@bp.route("/anmelden/<region_slug>/danke")
@public
def signup_thanks(region_slug: str) -> str:
    return render_template("newsletter/signup_thanks.html", region=_region(region_slug))


@bp.route("/bestaetigen/<token>", methods=["GET", "POST"])
@public
def confirm_page(token: str) -> str | tuple[str, int]:
    try:
        payload = read_token("confirm", token, max_age=CONFIRM_MAX_AGE)
    except LinkError as error:
        return link_error(error)
    subscriber = db.session.get(Subscriber, payload["s"])
    if subscriber is None or subscriber.status == SubscriberStatus.ERASED:
        return link_error(LinkError(expired=False))
    form = ConfirmForm()
    if form.validate_on_submit():
        confirm(db.session, subscriber.id, payload["l"], _meta())
        db.session.commit()
        return render_template("newsletter/confirmed.html", subscriber=subscriber)
    lists = selected_lists(db.session, payload["l"])
    texts = [(ml, list_consent(db.session, ml, _language())) for ml in lists]
    return render_template(
        "newsletter/confirm.html", form=form, subscriber=subscriber, texts=texts
    )


@bp.route("/abmelden/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def unsubscribe_page(token: str) -> str | tuple[str, int]:
    """RFC 8058: a POST (no cookie, no CSRF token) unsubscribes at once with 200.
    A forged or broken link gets the same 200 and the same bytes on POST (no oracle
    for guessing tokens), changes nothing and is counted."""
    try:
        payload = read_token("unsubscribe", token)
        mailing_list = db.session.get(MailingList, payload["l"])
        if mailing_list is None:
            raise LinkError(expired=False)
    except LinkError as error:
        if request.method != "POST":
            return link_error(error)
        note(FORGED_UNSUBSCRIBE)
        current_app.logger.warning(
            "unsubscribe: a forged or broken link was posted (%d in the last hour)",
            count(FORGED_UNSUBSCRIBE, timedelta(hours=1)),
        )
        return unsubscribe_received()
    if request.method == "POST":
        campaign_id = payload.get("c")
        unsubscribe(
            db.session,
            payload["s"],
            mailing_list.id,
            campaign_id=campaign_id if isinstance(campaign_id, int) else None,
        )
        db.session.commit()
        return unsubscribe_received()
    return render_template("newsletter/unsubscribe.html", mailing_list=mailing_list)


def unsubscribe_received() -> str:
    """The answer to every one-click POST, valid or not: it names no list, no
    region and sets no cookie, so its bytes tell nothing about the token."""
    return render_template("newsletter/unsubscribed.html")


def _list_texts(subscriber: Subscriber) -> dict[int, str]:
    """Each list's consent text, as the consent log will name it for a list the
    person adds here (in her language)."""
    texts = {}
    for mailing_list in allowed_lists(db.session, subscriber.region):
        text = list_consent(db.session, mailing_list, subscriber.language)
        if text is not None:
            texts[mailing_list.id] = text.text
    return texts


@bp.route("/einstellungen/<token>", methods=["GET", "POST"])
@public
def preferences(token: str) -> str | tuple[str, int] | BaseResponse:
    try:
        subscriber = subscriber_from_preferences_token(token)
    except LinkError as error:
        return preferences_link_error(error)
    form = PreferencesForm(obj=None)
    fill_choices(form, subscriber.region)
    if request.method == "GET":
        form.process(data=profile_form_data(subscriber))
    elif form.validate_on_submit():
        profile = profile_from_form(form, email=subscriber.email or "")
        update_preferences(db.session, subscriber, profile, form.lists.data or [])
        db.session.commit()
        return render_template(
            "newsletter/preferences.html",
            form=form,
            subscriber=subscriber,
            token=token,
            saved=True,
            list_texts=_list_texts(subscriber),
            link_days=current_app.config["PREFERENCES_LINK_DAYS"],
        )
    return render_template(
        "newsletter/preferences.html",
        form=form,
        subscriber=subscriber,
        token=token,
        saved=False,
        list_texts=_list_texts(subscriber),
        link_days=current_app.config["PREFERENCES_LINK_DAYS"],
    )


@bp.route("/einstellungen/<token>/loeschen", methods=["POST"])
@public
def erase_me(token: str) -> str | tuple[str, int]:
    try:
        subscriber = subscriber_from_preferences_token(token)
    except LinkError as error:
        return preferences_link_error(error)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    region = subscriber.region
    erase(db.session, subscriber, erasure_key())
    db.session.commit()
    return render_template("newsletter/erased.html", region=region)


@bp.route("/datenschutz/<region_slug>")
@public
def privacy(region_slug: str) -> str:
    """A controller's privacy notice and imprint; "interregional": the joint one."""
    if region_slug == JOINT_SLUG:
        region, controllers = None, all_regions(db.session)
    else:
        region = _region(region_slug)
        controllers = [region]
    notice = current_text(
        db.session, TextKind.PRIVACY, region.id if region else None, _language()
    )
    return render_template(
        "newsletter/privacy.html",
        region=region,
        controllers=controllers,
        notice=notice,
    )
