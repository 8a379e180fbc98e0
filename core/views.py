"""Login, logout, the home page and the language switch."""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from core.auth import (
    authenticate,
    end_login_session,
    normalise_email,
    start_login_session,
)
from core.db import db
from core.forms import LanguageForm, LoginForm
from core.home import panels_for
from core.login_guard import note_failure, note_success, take_try
from core.policy import public, requires
from core.throttle import throttled
from core.throttle_page import wait_page
from core.urls import safe_next

bp = Blueprint("core", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
@throttled("login-address", "LOGIN_RATE_LIMIT")
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        email = normalise_email(form.email.data or "")
        taken = take_try(email)
        if not taken.allowed:
            return wait_page(taken.wait_seconds, account=True)
        user = authenticate(db.session, email, form.password.data or "")
        if user is None:
            note_failure(email, taken)
            flash(_("Email address or password is wrong."), "error")
        else:
            note_success(email)
            start_login_session(db.session, user)
            db.session.commit()
            language = session.get("lang")
            session.clear()  # a fresh session on login: no fixation
            if language:
                session["lang"] = language
            login_user(user)
            return redirect(safe_next(form.next.data) or url_for("core.home"))
    return render_template("core/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    if current_user.is_authenticated and current_user.session_token:
        end_login_session(db.session, current_user.session_token)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("core.login"))


@bp.route("/")
@requires("home")
def home() -> str:
    return render_template("core/home.html", panels=panels_for(current_user))


@bp.route("/healthz")
@public
def health() -> Response:
    """For load balancers and uptime checks: the app answers (nothing else is read)."""
    return Response("ok", mimetype="text/plain")


@bp.route("/language", methods=["POST"])
@public
def set_language() -> Response:
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.language = form.lang.data
            db.session.commit()
    return redirect(safe_next(form.next.data) or url_for("core.home"))
