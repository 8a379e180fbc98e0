"""Who may do what: the one policy every view goes through.

Views are private by default (see `require_login`); `public` marks the exceptions and
`requires` names the permission a view needs.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user
from sqlalchemy import ColumnElement, SQLColumnExpression, false, true
from werkzeug.wrappers import Response

from core.api_errors import to_login
from core.db import db
from core.ids import form_id
from core.models import Region, Role, User
from core.regions import all_regions

F = TypeVar("F", bound=Callable[..., Any])

PERMISSIONS: dict[str, frozenset[Role]] = {
    "home": frozenset(Role),
    "subscribers": frozenset({Role.ADMIN, Role.MANAGER}),
    "campaigns": frozenset({Role.ADMIN, Role.MANAGER}),
    "surveys": frozenset({Role.ADMIN, Role.MANAGER}),
    "analysis": frozenset({Role.ADMIN, Role.MANAGER, Role.ANALYST}),
    "users": frozenset({Role.ADMIN}),
}


def allowed(user: User, permission: str) -> bool:
    """True if the user's role grants the permission."""
    return Role(user.role) in PERMISSIONS[permission]


def public(view: F) -> F:
    """Mark a view as reachable without logging in."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def requires(permission: str) -> Callable[[F], F]:
    """Refuse (403) a logged-in user whose role lacks the permission."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return to_login()
            if not allowed(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        guarded.permission = permission  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def visible_region_ids(user: User) -> set[int] | None:
    """The regions whose data the user may see; None means every region."""
    if user.role == Role.MANAGER and user.region_id is not None:
        return {user.region_id}
    return None


def managed_region_ids(user: User) -> set[int] | None:
    """The regions whose Kompetenzlandschaft the user moderates (profiles, proposals);
    None means every region. Profiles always belong to a region, so that is the
    regional manager's own; an interregional manager (who acts for the joint list
    only) and analysts moderate none; administrators every region."""
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.MANAGER and user.region_id is not None:
        return {user.region_id}
    return set()


def check_manages(user: User, region_id: int | None) -> None:
    """Answer 404 for a profile of a region the user does not moderate."""
    regions = managed_region_ids(user)
    if regions is not None and region_id not in regions:
        abort(404)


def acting_for(user: User, controller: int | None) -> bool:
    """True if the user acts for the controller of a list: a region's agency (its
    region id) or, for None, both agencies jointly (the interregional list).

    Administrators act for every controller; a regional manager for her region's
    agency only; an interregional manager for the joint list only; analysts for
    none (they see aggregates)."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.MANAGER:
        return False
    return controller == user.region_id


def visible_regions() -> list[Region]:
    """The regions whose people and figures the logged-in user may see, in display
    order (an interregional manager: both, for the joint list's people)."""
    regions = visible_region_ids(current_user)
    return [r for r in all_regions(db.session) if regions is None or r.id in regions]


def acted_for_regions() -> list[Region]:
    """The regions whose own agency the logged-in user acts for (their issues,
    surveys, welcome mails and layouts), in display order; none for an
    interregional manager."""
    return [r for r in all_regions(db.session) if acting_for(current_user, r.id)]


def check_acting_for(user: User, controller: int | None) -> None:
    """Answer 404 for an issue, survey, welcome mail or layout of a controller (a
    region's id, None: the joint one) the user does not act for."""
    if not acting_for(user, controller):
        abort(404)


def held(
    user: User, controller: SQLColumnExpression[int | None]
) -> ColumnElement[bool]:
    """A condition on the controller column of issues, surveys or templates (a
    region's id, NULL: the joint one): true where the user acts for it."""
    if user.role == Role.ADMIN:
        return true()
    if user.role != Role.MANAGER:
        return false()
    if user.region_id is None:
        return controller.is_(None)
    return controller == user.region_id


def reads_answers_of(user: User, controller: int | None) -> bool:
    """True if the answers to a survey of this controller are the user's to read
    person by person (free text, contact wishes): her own controller's, and a
    joint survey's for either agency's managers, who are its joint controllers."""
    joint = controller is None and user.role == Role.MANAGER
    return joint or acting_for(user, controller)


def region_for_new_object() -> int | None:
    """The controller a new issue or survey belongs to: a manager's own (for an
    interregional manager None, the joint one), 404 if the form names another;
    for administrators the one the form names (None: interregional), 404 for a
    region that does not exist."""
    chosen = form_id("region_id")
    if current_user.role != Role.ADMIN:
        if chosen is not None and chosen != current_user.region_id:
            abort(404)
        return current_user.region_id
    if chosen is not None and db.session.get(Region, chosen) is None:
        abort(404)
    return chosen


def check_region(user: User, region_id: int | None) -> None:
    """Answer 404 for a person's record of a region the user may not see."""
    regions = visible_region_ids(user)
    if regions is not None and region_id not in regions:
        abort(404)


def require_login(view_functions: dict[str, Callable[..., Any]]) -> Response | None:
    """before_request hook: everything not marked public needs a logged-in user."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = view_functions.get(request.endpoint)
    if view is None or getattr(view, "is_public", False):
        return None
    if not current_user.is_authenticated:
        return to_login()
    return None
