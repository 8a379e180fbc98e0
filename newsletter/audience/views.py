"""Managers' pages for subscribers: list and filters, detail with the consent history,
add, edit, erase, export. Every view is scoped to the regions the user may see."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from core.audit import record
from core.db import db
from core.forms import ConfirmForm, refuse_unoffered
from core.ids import page_number
from core.policy import requires, visible_regions
from core.spreadsheet import chunks_of, csv_lines, xlsx_file
from newsletter.audience import exports
from newsletter.audience.erasure import erase, erase_held_by, erasure_key
from newsletter.audience.filters import SubscriberFilter, subscribers_query
from newsletter.audience.forms import ManagerAddForm, ManagerEditForm, SegmentForm
from newsletter.audience.import_columns import export_header
from newsletter.audience.labels import ORG_TYPE_LABELS
from newsletter.audience.lists import visible_lists
from newsletter.audience.mail_queue import deliver, queue_confirmation
from newsletter.audience.models import Subscriber, Topic
from newsletter.audience.personal_export import consent_events
from newsletter.audience.profile_form import (
    fill_choices,
    profile_form_data,
    profile_from_form,
)
from newsletter.audience.scope import current_scope, require_list
from newsletter.audience.sections import subscriber_sections
from newsletter.audience.subscriptions import (
    SubscriptionError,
    sign_up,
    unsubscribe,
    update_preferences,
)
from newsletter.blueprint import bp

PAGE_SIZE = 50


def get_subscriber(subscriber_id: int) -> Subscriber:
    """The subscriber, or 404 when missing, erased or on none of the lists the
    user acts for."""
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None or subscriber.email is None:
        abort(404)
    if not current_scope().includes(subscriber):
        abort(404)
    return subscriber


def filter_choices() -> dict:
    regions = visible_regions()
    return {
        "regions": regions,
        "lists": visible_lists(),
        "districts": [d for r in regions for d in r.districts],
        "topics": list(db.session.scalars(select(Topic).order_by(Topic.name))),
        "org_types": ORG_TYPE_LABELS,
        "statuses": ["active", "pending", "unsubscribed", "bounced"],
    }


@bp.route("/subscribers")
@requires("subscribers")
def subscribers() -> str:
    criteria = SubscriberFilter.from_mapping(request.args)
    query = subscribers_query(criteria, current_scope())
    page = page_number()
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(Subscriber.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    people = list(rows)
    scope = current_scope()
    return render_template(
        "newsletter/subscribers.html",
        subscribers=people,
        withheld={p.id for p in people if not scope.sees_details(p)},
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        criteria=criteria,
        segment_form=SegmentForm(),
        **filter_choices(),
    )


@bp.route("/subscribers/export.<fmt>")
@requires("subscribers")
def export_subscribers(fmt: str) -> Response | str:
    criteria = SubscriberFilter.from_mapping(request.args)
    query = subscribers_query(criteria, current_scope())
    if fmt == "xlsx":
        rows = exports.count(db.session, query)
        if rows > current_app.config["EXPORT_ROWS_IN_REQUEST"]:
            return render_template(
                "newsletter/export_offer.html",
                rows=rows,
                criteria=criteria,
                form=ConfirmForm(),
            )
    record(
        db.session,
        current_user.id,
        "export",
        "subscribers",
        None,
        format=fmt,
        filters=criteria.as_dict(),
    )
    db.session.commit()
    if fmt == "xlsx":
        workbook = xlsx_file(
            [
                (
                    _("Subscribers"),
                    export_header(),
                    exports.rows(db.session, query, current_scope().list_ids),
                )
            ]
        )
        return Response(
            chunks_of(workbook),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": 'attachment; filename="abonnenten.xlsx"'},
        )
    if fmt != "csv":
        abort(404)
    delimiter = ";" if request.args.get("sep") == "semicolon" else ","
    lines = csv_lines(
        export_header(),
        exports.rows(db.session, query, current_scope().list_ids),
        delimiter,
    )
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",  # Flask adds "; charset=utf-8"
        headers={"Content-Disposition": 'attachment; filename="abonnenten.csv"'},
    )


@bp.route("/subscribers/<int:subscriber_id>")
@requires("subscribers")
def subscriber_detail(subscriber_id: int) -> str:
    subscriber = get_subscriber(subscriber_id)
    scope = current_scope()
    return render_template(
        "newsletter/subscriber_detail.html",
        subscriber=subscriber,
        subscriptions=scope.subscriptions(subscriber),
        sees_details=scope.sees_details(subscriber),
        held_by_others=not scope.holds_all_of(subscriber),
        standing=scope.standing_of(subscriber),
        shows_home_region=scope.shows_home_region(subscriber),
        sections=subscriber_sections(subscriber, scope),
        events=consent_events(subscriber, scope),
        action_form=ConfirmForm(),
    )


@bp.route("/subscribers/new", methods=["GET", "POST"])
@requires("subscribers")
def subscriber_add() -> str | BaseResponse:
    regions = visible_regions()
    form = ManagerAddForm()
    form.region_id.choices = [SelectChoice(r.id, r.name) for r in regions]
    region = next((r for r in regions if r.id == form.region_id.data), regions[0])
    fill_choices(form, region)
    scope = current_scope()
    form.lists.choices = [c for c in form.lists.choices if scope.covers(c.value)]  # type: ignore[union-attr]
    if request.method == "POST":
        refuse_unoffered(form.lists, form.region_id, form.district_id)
    if form.validate_on_submit():
        try:
            subscriber, to_confirm = sign_up(
                db.session,
                region,
                profile_from_form(form),
                form.lists.data or [],
                source="manager",
            )
        except SubscriptionError as error:
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(error)]
        else:
            record(db.session, current_user.id, "add", "subscriber", subscriber.id)
            mail = (
                queue_confirmation(db.session, subscriber, to_confirm, "manager")
                if to_confirm
                else None
            )
            db.session.commit()
            if mail is not None:
                delivered = deliver(db.session, mail)
                db.session.commit()
                flash(
                    _(
                        "The address is saved as pending; it has received the "
                        "confirmation mail."
                    )
                    if delivered
                    else _(
                        "The address is saved as pending; the mail server is busy, "
                        "the confirmation mail follows automatically."
                    ),
                    "info",
                )
            else:
                flash(
                    _("The address is already subscribed to these newsletters."), "info"
                )
            return redirect(
                url_for("newsletter.subscriber_detail", subscriber_id=subscriber.id)
            )
    return render_template("newsletter/subscriber_add.html", form=form)


@bp.route("/subscribers/<int:subscriber_id>/edit", methods=["GET", "POST"])
@requires("subscribers")
def subscriber_edit(subscriber_id: int) -> str | BaseResponse:
    subscriber = get_subscriber(subscriber_id)
    scope = current_scope()
    if not scope.sees_details(subscriber):
        abort(404)
    if not scope.holds_all_of(subscriber):
        # One record per address: her details are every controller's that holds
        # her, so only she changes them (in her settings), never one of them.
        if request.method == "POST":
            abort(403)
        return render_template(
            "newsletter/subscriber_shared_details.html",
            subscriber=subscriber,
            standing=scope.standing_of(subscriber),
            shows_home_region=scope.shows_home_region(subscriber),
        )
    form = ManagerEditForm()
    fill_choices(form, subscriber.region)
    active_lists = [s.list_id for s in subscriber.subscriptions if s.status == "active"]
    if request.method == "GET":
        form.process(data=profile_form_data(subscriber))
    else:
        refuse_unoffered(form.district_id)
    if form.validate_on_submit():
        profile = profile_from_form(form, email=subscriber.email or "")
        # Managers change attributes; consent for lists stays the person's own.
        update_preferences(db.session, subscriber, profile, active_lists)
        record(db.session, current_user.id, "edit", "subscriber", subscriber.id)
        db.session.commit()
        flash(_("Changes saved."), "info")
        return redirect(
            url_for("newsletter.subscriber_detail", subscriber_id=subscriber.id)
        )
    return render_template(
        "newsletter/subscriber_edit.html", form=form, subscriber=subscriber
    )


@bp.route(
    "/subscribers/<int:subscriber_id>/unsubscribe/<int:list_id>", methods=["POST"]
)
@requires("subscribers")
def subscriber_unsubscribe(subscriber_id: int, list_id: int) -> BaseResponse:
    subscriber = get_subscriber(subscriber_id)
    require_list(current_scope(), list_id)
    if ConfirmForm().validate_on_submit():
        unsubscribe(db.session, subscriber.id, list_id, source="manager")
        record(
            db.session,
            current_user.id,
            "unsubscribe",
            "subscriber",
            subscriber.id,
            list_id=list_id,
        )
        db.session.commit()
        flash(_("Unsubscribed from the list."), "info")
    return redirect(
        url_for("newsletter.subscriber_detail", subscriber_id=subscriber.id)
    )


@bp.route("/subscribers/<int:subscriber_id>/erase", methods=["POST"])
@requires("subscribers")
def subscriber_erase(subscriber_id: int) -> BaseResponse:
    subscriber = get_subscriber(subscriber_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    scope = current_scope()
    if scope.holds_all_of(subscriber):
        erase(db.session, subscriber, erasure_key())
        flash(_("All personal data of this person has been erased."), "info")
    elif not scope.sees_details(subscriber):
        # Whether another controller holds her is not this manager's to learn.
        erase_held_by(db.session, subscriber, scope)
        flash(_("The person's data on your lists has been erased."), "info")
    else:
        # Another controller holds the rest; erasing it is theirs to decide.
        erase_held_by(db.session, subscriber, scope)
        flash(
            _(
                "The person's data on your lists has been erased; what another "
                "controller holds about her stays with them."
            ),
            "info",
        )
    record(db.session, current_user.id, "erase", "subscriber", subscriber.id)
    db.session.commit()
    return redirect(url_for("newsletter.subscribers"))
