"""Managers' pages of the newsletter."""

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from core.db import db
from core.policy import requires, visible_region_ids
from newsletter import bp
from newsletter.models import Subscriber

PAGE_SIZE = 50


@bp.route("/subscribers")
@requires("subscribers")
def subscribers() -> str:
    query = select(Subscriber).where(Subscriber.email.is_not(None))
    regions = visible_region_ids(current_user)
    if regions is not None:
        query = query.where(Subscriber.region_id.in_(regions))
    if search := request.args.get("q", "").strip():
        pattern = f"%{search.lower()}%"
        query = query.where(
            Subscriber.email.like(pattern)
            | func.lower(Subscriber.name).like(pattern)
            | func.lower(Subscriber.organisation).like(pattern)
        )
    page = max(request.args.get("page", 1, type=int), 1)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(Subscriber.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return render_template(
        "newsletter/subscribers.html",
        subscribers=list(rows),
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        search=search,
    )
