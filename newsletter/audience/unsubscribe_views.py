"""The page behind a mail's unsubscribe link. The mail program's one-click POST
(RFC 8058) gets the same bytes for every token; the page's own button leads to a
page that says which lists the person still gets (each can be left there too) and
offers "Rückgängig machen": a POST that puts her back on the list just left, as a
new consent to the text the page showed. A GET never changes anything."""

from datetime import timedelta

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from core.cookieless import cookieless
from core.db import db
from core.forms import ConfirmForm
from core.throttle import count, note
from newsletter.audience.forms import UndoUnsubscribeForm
from newsletter.audience.link_views import LinkKind, link_error
from newsletter.audience.models import (
    ConsentSource,
    MailingList,
    Subscriber,
    SubscriberStatus,
    SubscriptionStatus,
    TextKind,
)
from newsletter.audience.profile_form import list_label
from newsletter.audience.public_views import (
    page_language,
    request_meta,
    texts_changed_meanwhile,
    unsubscribe_source,
)
from newsletter.audience.shown_texts import ShownTexts, texts_for
from newsletter.audience.subscriptions import unsubscribe
from newsletter.audience.tokens import LinkError, read_token, unsubscribe_token
from newsletter.audience.unsubscribe_undo import undo_unsubscribe, withdrawal_to_undo
from newsletter.blueprint import bp

FORGED_UNSUBSCRIBE = "unsubscribe:forged"


def _link(token: str) -> tuple[dict, MailingList]:
    """The payload and list of a valid unsubscribe link; LinkError otherwise."""
    payload = read_token("unsubscribe", token)
    mailing_list = db.session.get(MailingList, payload.get("l"))
    if mailing_list is None:
        raise LinkError(expired=False)
    return payload, mailing_list


def _person(payload: dict) -> Subscriber:
    """Whom the link names, for the pages that show her lists."""
    subscriber = db.session.get(Subscriber, payload.get("s"))
    if subscriber is None or subscriber.status == SubscriberStatus.ERASED:
        raise LinkError(expired=False)
    return subscriber


def _from_our_page() -> bool:
    """Our page's buttons carry a form token; a mail program's POST never does."""
    return "csrf_token" in request.form


@bp.route("/abmelden/<token>", methods=["GET", "POST"])
@cookieless  # RFC 8058: the mail program posts without cookie or token
def unsubscribe_page(token: str) -> str | tuple[str, int] | BaseResponse:
    """RFC 8058: a POST (no cookie, no CSRF token) unsubscribes at once with 200.
    A forged or broken link gets the same 200 and the same bytes on POST (no oracle
    for guessing tokens), changes nothing and is counted."""
    try:
        payload, mailing_list = _link(token)
        ours = request.method != "POST" or _from_our_page()
        subscriber = _person(payload) if ours else None
    except LinkError as error:
        if request.method != "POST" or _from_our_page():
            return link_error(error, LinkKind.SETTINGS)
        note(FORGED_UNSUBSCRIBE)
        current_app.logger.warning(
            "unsubscribe: a forged or broken link was posted (%d in the last hour)",
            count(FORGED_UNSUBSCRIBE, timedelta(hours=1)),
        )
        return unsubscribe_received()
    if request.method == "POST":
        if _from_our_page() and not ConfirmForm().validate_on_submit():
            # A tab left open too long: the page again, with a fresh button.
            assert subscriber is not None  # noqa: S101 - read above for our page
            return _show(subscriber, mailing_list, token, _stale_form()), 400
        campaign_id = payload.get("c")
        unsubscribe(
            db.session,
            payload["s"],
            mailing_list.id,
            _source(),
            campaign_id=campaign_id if isinstance(campaign_id, int) else None,
        )
        db.session.commit()
        if _from_our_page():
            return redirect(url_for("newsletter.unsubscribe_page", token=token))
        return unsubscribe_received()
    assert subscriber is not None  # noqa: S101 - read above for every GET
    return _show(subscriber, mailing_list, token)


@bp.route("/abmelden/<token>/rueckgaengig", methods=["GET", "POST"])
@cookieless
def undo_unsubscribe_page(token: str) -> str | tuple[str, int] | BaseResponse:
    """Back on the list just left: a consent of its own, with the text shown. A GET
    (a bookmark, a reload of the address after the undo) changes nothing and
    leads to the link's page."""
    if request.method == "GET":
        return redirect(url_for("newsletter.unsubscribe_page", token=token))
    try:
        payload, mailing_list = _link(token)
        subscriber = _person(payload)
    except LinkError as error:
        return link_error(error, LinkKind.SETTINGS)
    form = UndoUnsubscribeForm()
    if not form.validate_on_submit():
        abort(400)
    shown = _texts(mailing_list)
    if not shown.were_shown_by(form):
        return _show(subscriber, mailing_list, token, texts_changed_meanwhile())
    meta = request_meta(shown)
    if not undo_unsubscribe(db.session, subscriber, mailing_list.id, meta):
        db.session.rollback()
        return _show(subscriber, mailing_list, token, too_late=True), 409
    db.session.commit()
    return render_template(
        "newsletter/unsubscribe_undone.html",
        mailing_list=mailing_list,
        token=token,
        list_name=list_label(mailing_list, page_language()),
    )


def _stale_form() -> str:
    return _(
        "This form is too old or does not belong to this page. "
        "Please check your entries and send it again."
    )


def _source() -> str:
    """This page's own button (it carries a form token), else the mail program's
    one-click or another POST (logged as before)."""
    if _from_our_page():
        return ConsentSource.UNSUBSCRIBE_PAGE
    return unsubscribe_source()


def unsubscribe_received() -> str:
    """The answer to every one-click POST, valid or not: it names no list, no
    region and sets no cookie, so its bytes tell nothing about the token."""
    return render_template("newsletter/unsubscribed.html")


def _texts(mailing_list: MailingList) -> ShownTexts:
    """What coming back agrees to: the list's controller's texts, in the page's
    language."""
    return texts_for(db.session, [mailing_list.region_id], page_language())


def _leave_form(
    other: MailingList, other_token: str
) -> tuple[MailingList, str, ConfirmForm]:
    """A button that posts to another list's link: its form token is bound to
    that link, where it is checked (core.form_tokens)."""
    return (
        other,
        other_token,
        ConfirmForm(meta={"csrf_context": f"token:{other_token}"}),
    )


def _show(
    subscriber: Subscriber,
    mailing_list: MailingList,
    token: str,
    message: str | None = None,
    too_late: bool = False,
) -> str:
    """The page of the link: a button to leave the list, or (once left) what
    remains and the undo."""
    hers = {sub.list_id: sub for sub in subscriber.subscriptions}
    this = hers.get(mailing_list.id)
    on_it = this is not None and this.status != SubscriptionStatus.UNSUBSCRIBED
    remaining = [
        _leave_form(sub.mailing_list, unsubscribe_token(subscriber.id, sub.list_id))
        for sub in subscriber.subscriptions
        if sub.status == SubscriptionStatus.ACTIVE
        and sub.list_id != mailing_list.id
        # Only the same controller's lists: the mail came from it, and a
        # forwarded mail must not tell what another agency holds.
        and sub.mailing_list.region_id == mailing_list.region_id
    ]
    undo_form = None
    shown = _texts(mailing_list)
    if not on_it and withdrawal_to_undo(db.session, subscriber, mailing_list.id):
        undo_form = UndoUnsubscribeForm()
        shown.put_into(undo_form)
    return render_template(
        "newsletter/unsubscribe.html",
        mailing_list=mailing_list,
        token=token,
        on_it=on_it,
        remaining=sorted(remaining, key=lambda pair: pair[0].name),
        undo_form=undo_form,
        consent=shown.find(TextKind.CONSENT, mailing_list.region_id),
        action_form=ConfirmForm(),
        message=message,
        too_late=too_late,
        list_name=lambda ml: list_label(ml, page_language()),
    )
