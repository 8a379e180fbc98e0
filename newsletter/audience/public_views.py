"""Pages for subscribers, who have no account: sign-up, confirmation, unsubscribe and
the preference centre. A GET never changes anything: mail scanners open every link."""

from functools import partial

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from core.after_response import after_response
from core.cookieless import cookieless
from core.db import db
from core.forms import ConfirmForm
from core.models import Region
from core.regions import all_regions
from core.throttle import throttled
from newsletter.audience.consent import (
    JOINT_SLUG,
    current_text,
    list_consent,
)
from newsletter.audience.erasure import erase, erasure_key
from newsletter.audience.forms import EraseForm, PreferencesForm, SignupForm
from newsletter.audience.link_views import (
    LinkKind,
    link_error,
    subscriber_from_preferences_token,
)
from newsletter.audience.mail_queue import (
    deliver_queued,
    queue_confirmation,
    queue_signed_up_again,
)
from newsletter.audience.models import (
    ConsentSource,
    MailingList,
    Subscriber,
    SubscriberStatus,
    SubscriptionStatus,
    TextKind,
)
from newsletter.audience.profile_form import (
    fill_choices,
    profile_form_data,
    profile_from_form,
    selected_lists,
)
from newsletter.audience.sections import preference_sections
from newsletter.audience.shown_texts import ShownTexts, texts_for
from newsletter.audience.subscriptions import (
    RequestMeta,
    SubscriptionError,
    confirm,
    preference_lists,
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


def _region(slug: str) -> Region:
    region = db.session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        abort(404)
    return region


def page_language() -> str:
    return str(get_locale() or "de")[:2]


def request_meta(shown: ShownTexts | None = None) -> RequestMeta:
    if not current_app.config["CONSENT_STORE_REQUEST_METADATA"]:
        return RequestMeta(language=page_language(), shown=shown)
    return RequestMeta(
        request.remote_addr, request.user_agent.string[:500], page_language(), shown
    )


def texts_changed_meanwhile() -> str:
    return _(
        "The consent text has been changed in the meantime. Please read the "
        "current text below and agree again; your entries are kept."
    )


@bp.route("/anmelden/<region_slug>", methods=["GET", "POST"])
@cookieless
@throttled("signup", "SIGNUP_RATE_LIMIT")
def signup(region_slug: str) -> str | BaseResponse | tuple[str, int]:
    region = _region(region_slug)
    form = SignupForm()
    fill_choices(form, region)
    language = page_language()
    controllers = [region.id, *([None] if form.joint_list_ids else [])]
    shown = texts_for(db.session, controllers, language)
    message = None
    if request.method == "GET":
        form.language.data = language
        # The snippet on the agencies' sites hands over the address with a GET.
        form.email.data = request.args.get("email", "")[:254]
    if form.validate_on_submit():
        if form.website.data:  # honeypot: answer as if all went well
            return redirect(
                url_for("newsletter.signup_thanks", region_slug=region.slug)
            )
        if shown.were_shown_by(form):
            done = _sign_up_from(form, region, shown)
            if done is not None:
                return done
        else:
            # Agreeing counts only for a text the person saw: she agrees anew.
            message = texts_changed_meanwhile()
            form.consent.data = form.consent_joint.data = False
    shown.put_into(form)
    return render_template(
        "newsletter/signup.html",
        form=form,
        region=region,
        consent=shown.find(TextKind.CONSENT, region.id),
        joint_consent=shown.find(TextKind.CONSENT, None),
        has_joint=bool(form.joint_list_ids),
        message=message,
    )


def _sign_up_from(
    form: SignupForm, region: Region, shown: ShownTexts
) -> BaseResponse | None:
    """Record the sign-up and send the opt-in mail; None (and the error on the
    form) when the person has something to fix."""
    try:
        subscriber, to_confirm = sign_up(
            db.session,
            region,
            profile_from_form(form),
            form.lists.data or [],
            meta=request_meta(shown),
        )
        # One mail queued whoever signs up (a new address its confirmation, a
        # known one a note), and sent after the answer: neither the work nor the
        # relay's round trip tells whether the address is known.
        mail = (
            queue_confirmation(db.session, subscriber, to_confirm, "form")
            if to_confirm
            else queue_signed_up_again(db.session, subscriber)
        )
        db.session.commit()
    except SubscriptionError as error:
        db.session.rollback()
        form.email.errors = [*form.email.errors, str(error)]
        return None
    after_response(partial(deliver_queued, mail.id))
    return redirect(url_for("newsletter.signup_thanks", region_slug=region.slug))


@bp.route("/anmelden/<region_slug>/danke")
@cookieless
def signup_thanks(region_slug: str) -> str:
    return render_template("newsletter/signup_thanks.html", region=_region(region_slug))


@bp.route("/bestaetigen/<token>", methods=["GET", "POST"])
@cookieless
def confirm_page(token: str) -> str | tuple[str, int]:
    try:
        payload = read_token("confirm", token, max_age=CONFIRM_MAX_AGE)
    except LinkError as error:
        return link_error(error, LinkKind.CONFIRM)
    subscriber = db.session.get(Subscriber, payload["s"])
    if (
        subscriber is None
        or subscriber.status == SubscriberStatus.ERASED
        or not _still_to_confirm(subscriber, payload["l"])
    ):
        return link_error(LinkError(expired=False), LinkKind.CONFIRM)
    form = ConfirmForm()
    if form.validate_on_submit():
        confirm(db.session, subscriber.id, payload["l"], request_meta())
        db.session.commit()
        return render_template("newsletter/confirmed.html", subscriber=subscriber)
    lists = selected_lists(db.session, payload["l"])
    texts = [(ml, list_consent(db.session, ml, page_language())) for ml in lists]
    return render_template(
        "newsletter/confirm.html", form=form, subscriber=subscriber, texts=texts
    )


def _still_to_confirm(subscriber: Subscriber, list_ids: list[int]) -> bool:
    """Whether the link still means something: a list of it waits for confirmation
    or is confirmed (pressing again is harmless); False once the person ended the
    sign-up or left every one of them."""
    return any(
        sub.list_id in list_ids
        and sub.status in (SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE)
        for sub in subscriber.subscriptions
    )


def unsubscribe_source() -> str:
    """RFC 8058: the mail program's button posts exactly this; our page does not."""
    if request.form.get("List-Unsubscribe") == "One-Click":
        return ConsentSource.ONE_CLICK
    return ConsentSource.FORM


@bp.route("/anmeldung-beenden/<token>", methods=["GET", "POST"])
@cookieless
def end_signup_page(token: str) -> str | tuple[str, int]:
    """The opt-in mail's List-Unsubscribe: a POST (the mail program's one-click, or
    the button of the page a GET shows) withdraws the sign-up for its lists, so
    the confirmation link confirms nothing any more. Forged POSTs get the same
    answer and change nothing."""
    try:
        payload = read_token("end_signup", token)
        subscriber_id, list_ids = int(payload["s"]), list(payload["l"])
    except (LinkError, KeyError, TypeError, ValueError):
        if request.method != "POST":
            return link_error(LinkError(expired=False), LinkKind.END_SIGNUP)
        return render_template("newsletter/signup_ended.html")
    if request.method == "POST":
        source = unsubscribe_source()
        for list_id in list_ids:
            unsubscribe(db.session, subscriber_id, list_id, source)
        db.session.commit()
        return render_template("newsletter/signup_ended.html")
    return render_template("newsletter/end_signup.html")


def _list_texts(lists: list[MailingList], shown: ShownTexts) -> dict[int, str]:
    """Each list's consent text, as the consent log will name it for a list the
    person adds here (in her language)."""
    texts = {}
    for mailing_list in lists:
        text = shown.find(TextKind.CONSENT, mailing_list.region_id)
        if text is not None:
            texts[mailing_list.id] = text.text
    return texts


@bp.route("/einstellungen/<token>", methods=["GET", "POST"])
@cookieless
def preferences(token: str) -> str | tuple[str, int] | BaseResponse:
    try:
        subscriber = subscriber_from_preferences_token(token)
    except LinkError as error:
        return link_error(error, LinkKind.SETTINGS)
    form = PreferencesForm(obj=None)
    offered = preference_lists(db.session, subscriber)
    fill_choices(form, subscriber.region, offered)
    controllers = [ml.region_id for ml in offered]
    shown = texts_for(db.session, controllers, subscriber.language)
    saved, message = False, None
    if request.method == "GET":
        form.process(data=profile_form_data(subscriber))
    elif form.validate_on_submit():
        if shown.were_shown_by(form):
            profile = profile_from_form(form, email=subscriber.email or "")
            chosen = form.lists.data or []
            update_preferences(db.session, subscriber, profile, chosen, shown)
            db.session.commit()
            saved = True
        else:
            # Adding a list agrees to its text: only to one she has seen.
            message = texts_changed_meanwhile()
            hers = {
                sub.list_id
                for sub in subscriber.subscriptions
                if sub.status == SubscriptionStatus.ACTIVE
            }
            form.lists.data = [i for i in form.lists.data or [] if i in hers]
    shown.put_into(form)
    erase_form = EraseForm()
    if request.args.get("erase") == "unconfirmed":
        erase_form.confirm_erase.errors = [
            _("Please confirm that your data should be deleted.")
        ]
    elif request.args.get("erase") == "stale":
        erase_form.confirm_erase.errors = [
            _(
                "This form is too old or does not belong to this page. "
                "Please check your entries and send it again."
            )
        ]
    return render_template(
        "newsletter/preferences.html",
        form=form,
        erase_form=erase_form,
        subscriber=subscriber,
        token=token,
        saved=saved,
        message=message,
        sections=preference_sections(subscriber, token),
        list_texts=_list_texts(offered, shown),
        link_days=current_app.config["PREFERENCES_LINK_DAYS"],
    )


@bp.route("/einstellungen/<token>/loeschen", methods=["POST"])
@cookieless
def erase_me(token: str) -> str | tuple[str, int] | BaseResponse:
    try:
        subscriber = subscriber_from_preferences_token(token)
    except LinkError as error:
        return link_error(error, LinkKind.SETTINGS)
    form = EraseForm()
    if not form.validate_on_submit():
        # No flash: this page has no session (core.cookieless); the address says
        # why (a form left open too long, or the box not ticked).
        why = "stale" if form.csrf_token.errors else "unconfirmed"
        return redirect(
            url_for("newsletter.preferences", token=token, erase=why, _anchor="erase")
        )
    region = subscriber.region
    erase(db.session, subscriber, erasure_key())
    db.session.commit()
    return render_template("newsletter/erased.html", region=region)


@bp.route("/datenschutz/<region_slug>")
@cookieless
def privacy(region_slug: str) -> str:
    """A controller's privacy notice and imprint; "interregional": the joint one."""
    if region_slug == JOINT_SLUG:
        region, controllers = None, all_regions(db.session)
    else:
        region = _region(region_slug)
        controllers = [region]
    notice = current_text(
        db.session, TextKind.PRIVACY, region.id if region else None, page_language()
    )
    return render_template(
        "newsletter/privacy.html",
        region=region,
        controllers=controllers,
        notice=notice,
    )
