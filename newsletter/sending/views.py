"""Managers schedule, start, pause, resume and cancel sending, and watch it live."""

from datetime import datetime, timedelta

from babel.dates import format_timedelta
from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_number, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response as BaseResponse

from core.audit import record
from core.db import db, utcnow
from core.forms import ConfirmForm
from core.policy import requires
from core.timezone import NonexistentTime, ambiguity_note, local_to_utc, zone_for
from newsletter.audience.models import Subscriber
from newsletter.blueprint import bp
from newsletter.campaigns.audiences import automation_facts, standing_kinds
from newsletter.campaigns.checklist import checklist
from newsletter.campaigns.editing import CampaignError
from newsletter.campaigns.labels import campaign_status_label, shown_status
from newsletter.campaigns.models import Campaign, CampaignStatus
from newsletter.campaigns.views import get_campaign
from newsletter.sending.control import (
    cancel,
    ensure_sendable,
    pause,
    resume,
    schedule,
    unschedule,
)
from newsletter.sending.counts import counts
from newsletter.sending.forms import ScheduleForm
from newsletter.sending.lease import sender_seen_within
from newsletter.sending.models import Delivery, DeliveryStatus
from newsletter.sending.recipients import count_recipients

SENDER_SILENT_SECONDS = 60


def live_numbers(campaign: Campaign) -> dict:
    """Counts, the rate of the last minute and the time left, for the live page."""
    kept = counts(db.session, campaign.id)
    minute_ago = utcnow() - timedelta(minutes=1)
    last_minute = (
        db.session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(
                Delivery.campaign_id == campaign.id,
                Delivery.status == DeliveryStatus.SENT,
                Delivery.sent_at >= minute_ago,
            )
        )
        or 0
    )
    unsent = kept.get("queued", 0) + kept.get("claimed", 0)
    cancelled = kept.get("cancelled", 0)
    if campaign.status == CampaignStatus.CANCELLED:
        # The worker marks them later; the gate already holds them back.
        cancelled, unsent = cancelled + unsent, 0
    waiting = unsent + kept.get("sending", 0)
    rate = last_minute / 60
    running = campaign.status == CampaignStatus.SENDING
    seconds_left = round(waiting / rate) if running and rate and waiting else None
    shown = shown_status(campaign)
    # A manager who started sending without a worker would otherwise watch a still bar.
    no_sender = (
        running
        and waiting > 0
        and not sender_seen_within(db.session, SENDER_SILENT_SECONDS)
    )
    return {
        "status": campaign.status,
        "shown_status": shown,
        "status_label": campaign_status_label(shown),
        "total": sum(kept.values()),
        "sent": kept.get("sent", 0),
        "waiting": waiting,
        "failed": kept.get("failed", 0) + kept.get("bounced", 0),
        "uncertain": kept.get("uncertain", 0),
        "skipped": kept.get("skipped", 0),
        "cancelled": cancelled,
        "rate_per_minute": last_minute,
        "seconds_left": seconds_left,
        "time_left": time_left(seconds_left),
        "stop_reason": campaign.stop_reason,
        "no_sender": no_sender,
    }


def time_left(seconds: int | None) -> str:
    """An estimate as people say it: "ca. 3 Min."; a dash without one."""
    if seconds is None:
        return "–"
    estimate = format_timedelta(seconds, format="short", locale=get_locale())
    return _("about %(time)s", time=estimate)


@bp.route("/campaigns/<int:campaign_id>/send")
@requires("campaigns")
def campaign_sending(campaign_id: int) -> str:
    campaign = get_campaign(campaign_id)
    problems = list(
        db.session.execute(
            select(
                Delivery.status, Delivery.reason, Delivery.last_error, Subscriber.email
            )
            .outerjoin(Subscriber, Subscriber.id == Delivery.subscriber_id)
            .where(
                Delivery.campaign_id == campaign.id,
                Delivery.status.in_(("failed", "bounced", "uncertain")),
            )
            .order_by(Delivery.status, Subscriber.email)
            .limit(500)
        )
    )
    return render_template(
        "newsletter/campaign_sending.html",
        campaign=campaign,
        automation=automation_facts(db.session, campaign),
        standing=campaign.kind in standing_kinds(),
        language="de",
        numbers=live_numbers(campaign),
        problems=problems,
        recipients=count_recipients(db.session, campaign)
        if campaign.status in ("draft", "scheduled")
        else None,
        form=ScheduleForm(),
        action_form=ConfirmForm(),
        timezone=current_app.config["TIMEZONE"],
        scheduled_zone=zone_for(campaign.scheduled_at, current_app.config["TIMEZONE"]),
    )


def _cancelled_message(campaign: Campaign) -> str:
    """Says at once how many will not be sent (the worker marks them later)."""
    kept = counts(db.session, campaign.id)
    unsent = kept.get("queued", 0) + kept.get("claimed", 0)
    if not unsent:
        return _("The issue is cancelled; nothing more will be sent.")
    return ngettext(
        "The issue is cancelled; %(count)s message will not be sent.",
        "The issue is cancelled; %(count)s messages will not be sent.",
        unsent,
        count=format_number(unsent),
    )


@bp.route("/campaigns/<int:campaign_id>/progress.json")
@requires("campaigns")
def campaign_progress(campaign_id: int) -> BaseResponse:
    return jsonify(live_numbers(get_campaign(campaign_id)))


def _confirmation(
    campaign: Campaign,
    action: str,
    form: ScheduleForm | ConfirmForm,
    local: datetime | None,
) -> str | None:
    """The confirmation page, unless the form confirms exactly the recipients who
    would get the issue now (a changed number asks again). An issue that could not
    be sent (checklist errors) is refused before anyone is asked to confirm."""
    zone = current_app.config["TIMEZONE"]
    ensure_sendable(campaign, utcnow() if local is None else local_to_utc(local, zone))
    recipients = count_recipients(db.session, campaign)
    if recipients.total == 0:
        raise CampaignError(
            _(
                "Nobody would receive this issue: no confirmed subscriber is in "
                "its target."
            )
        )
    confirmed = request.form.get("confirm_total", type=int)
    if confirmed == recipients.total:
        return None
    if confirmed is not None:
        flash(
            _("The number of recipients has changed; please confirm again."), "warning"
        )
    return render_template(
        "newsletter/campaign_send_confirm.html",
        campaign=campaign,
        action=action,
        form=form,
        local=local,
        recipients=recipients,
        findings=[m for severity, m in checklist(campaign) if severity == "warning"],
        # A time the clocks pass twice: say which one before it is confirmed.
        note=ambiguity_note(local, zone) if local is not None else None,
        timezone=zone,
    )


def _send_time(action: str, form: ScheduleForm | ConfirmForm) -> datetime | None:
    """The wall-clock time asked for (None: now); a past time is refused."""
    if action != "schedule":
        return None
    local = datetime.combine(form.date.data, form.time.data)  # type: ignore[union-attr]
    if local_to_utc(local, current_app.config["TIMEZONE"]) < utcnow():
        raise CampaignError(_("This time has passed; use “Send now” instead."))
    return local


@bp.route("/campaigns/<int:campaign_id>/send", methods=["POST"])
@requires("campaigns")
def campaign_send_action(campaign_id: int) -> str | BaseResponse:
    campaign = get_campaign(campaign_id)
    action = request.form.get("action", "")
    back = redirect(url_for("newsletter.campaign_sending", campaign_id=campaign.id))
    if campaign.kind in standing_kinds():
        # Resumed here, a welcome mail would welcome whoever confirmed while it
        # was off: it is switched on and off on its own page only.
        flash(_("This mail is switched on and off on its own page."), "error")
        return back
    form = ScheduleForm() if action == "schedule" else ConfirmForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return back
    try:
        if action in ("schedule", "now"):
            local = _send_time(action, form)
            page = _confirmation(campaign, action, form, local)
            if page is not None:
                return page
            if local is None:
                schedule(campaign, utcnow())
                message = _("Sending starts within a few seconds.")
            else:
                schedule(campaign, local_to_utc(local, current_app.config["TIMEZONE"]))
                message = _(
                    "Scheduled for %(when)s.", when=local.strftime("%d.%m.%Y %H:%M")
                )
                # A time the clocks pass twice: say which one, visibly.
                note = ambiguity_note(local, current_app.config["TIMEZONE"])
                if note:
                    message = f"{message} {note}"
        elif action == "unschedule":
            unschedule(campaign)
            message = _("The issue is a draft again.")
        elif action == "pause":
            pause(campaign, by=current_user.name or current_user.email)
            message = _("Sending is paused.")
        elif action == "resume":
            resume(campaign)
            message = _("Sending continues.")
        elif action == "cancel":
            cancel(campaign)
            message = _cancelled_message(campaign)
        else:
            return back
    except (CampaignError, NonexistentTime) as error:
        db.session.rollback()
        flash(str(error), "error")
        return back
    record(db.session, current_user.id, action, "campaign", campaign.id)
    db.session.commit()
    flash(message, "info")
    return back
