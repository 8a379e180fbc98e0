"""The application factory. It builds the app and nothing else: no scheduler, no
migration, no network."""

import importlib
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    current_app,
    g,
    has_request_context,
    jsonify,
    render_template,
    request,
)
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_number,
    format_percent,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import make_url
from werkzeug.exceptions import HTTPException
from werkzeug.local import LocalProxy
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from core import config as settings
from core import cookieless
from core.api_errors import api_error, is_api_request
from core.auth import load_user_by_session
from core.cli import register_commands
from core.db import UNPINGED, db
from core.extensions import babel, csrf, login_manager
from core.i18n import select_locale, select_timezone
from core.ids import IdConverter
from core.imprint import imprint_lines
from core.input_guard import refuse_control_characters
from core.policy import require_login
from core.registry import NavEntry, add_nav_entry, admin_pages, nav_entries
from core.scheduler import Job, add_job
from core.throttle import purge_throttle_events
from core.throttle_page import too_many_requests_page


def create_app(config: dict[str, Any] | type | None = None) -> Flask:
    """Build the app from the config class named by APP_ENV, the environment and
    `config` (a class or a dict of overrides, as tests pass)."""
    app = Flask(
        __name__,
        template_folder=str(settings.ROOT / "templates"),
        instance_path=str(settings.INSTANCE),
    )
    load_config(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_security(app)
    register_errorhandlers(app)
    register_commands(app)
    register_jobs(app)
    return app


def load_config(app: Flask, config: dict[str, Any] | type | None) -> None:
    """Class defaults, then the environment, then explicit overrides; then validate."""
    base = config if isinstance(config, type) else settings.config_class()
    app.config.from_object(base)
    settings.apply_environment(app.config)
    app.config.from_prefixed_env("BRUECKE")
    if isinstance(config, dict):
        app.config.update(config)
    settings.validate(app.config)


def ensure_sqlite_directory(uri: str) -> None:
    """SQLite cannot create the folder of its file (flaskr makes its instance too)."""
    url = make_url(uri)
    if url.get_backend_name() == "sqlite" and url.database not in (
        None,
        "",
        ":memory:",
    ):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def ping_server_databases(config: dict[str, Any]) -> None:
    """A database server may drop idle connections (restarts, failover): test each
    one before use. A SQLite file has no server, and the ping would cost every
    request a round trip. Hot paths that run their transaction again on a dropped
    connection instead (core.direct_sql.direct_statements) take the same database
    without the ping from the UNPINGED engine, whose commits do not wait for the
    disk either (synchronous_commit off, measured: 0.42 → 0.48 of hello world for
    the answer POST): a crash of the server or machine may lose the last fraction
    of a second of them, never half of one, which is what SQLite with
    synchronous=NORMAL (core.db) risks on a power cut."""
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if make_url(uri).get_backend_name() == "sqlite":
        return
    options = config["SQLALCHEMY_ENGINE_OPTIONS"]
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, **options}
    connect_args = options.get("connect_args", {})
    server_options = f"{connect_args.get('options', '')} -c synchronous_commit=off"
    config["SQLALCHEMY_BINDS"] = {
        UNPINGED: {
            **options,
            "url": uri,
            "pool_pre_ping": False,
            "connect_args": {**connect_args, "options": server_options.strip()},
        },
        **config.get("SQLALCHEMY_BINDS", {}),
    }


def register_extensions(app: Flask) -> None:
    ensure_sqlite_directory(app.config["SQLALCHEMY_DATABASE_URI"])
    ping_server_databases(app.config)
    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(settings.ROOT / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "core.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    login_manager.user_loader(lambda token: load_user_by_session(db.session, token))
    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_blueprints(app: Flask) -> None:
    """The core's own views, then each feature package named in FEATURES."""
    app.url_map.converters["int"] = IdConverter
    from core import imprint_views  # noqa: F401 - its routes join the admin pages
    from core.admin_views import bp as admin_bp
    from core.views import bp as core_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(admin_bp)
    add_nav_entry(
        app,
        NavEntry(_l("Overview"), "core.home", "home", order=0),
    )
    add_nav_entry(
        app,
        NavEntry(_l("Administration"), "admin.users", "users", ("admin.",), order=90),
    )
    if app.config["DEV_MAILBOX"]:
        from core.devmail_views import bp as devmail_bp

        app.register_blueprint(devmail_bp)
    # Imported by name so that core never depends on the packages built on it.
    for package in app.config["FEATURES"]:
        importlib.import_module(package).init_app(app)


def register_security(app: Flask) -> None:
    cookieless.init_app(app)
    app.before_request(refuse_control_characters)
    app.before_request(lambda: require_login(app.view_functions))
    app.after_request(security_headers)


def security_headers(response: Response) -> Response:
    """Headers every answer carries; no inline script is ever needed."""
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        "img-src 'self' data:; "
        "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'",
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # A page reached by a personal token must not hand it on to the next site.
    personal = request.view_args and ({"token", "key"} & set(request.view_args))
    headers.setdefault(
        "Referrer-Policy",
        "no-referrer" if personal else "strict-origin-when-cross-origin",
    )
    if personal:
        # Nor may a shared browser, proxy or back button keep a copy of it.
        headers["Cache-Control"] = "no-store"
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["HSTS"]:
        headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response


def register_errorhandlers(app: Flask) -> None:
    def render_error(error: HTTPException) -> Response | tuple[str, int]:
        code = error.code or 500
        if is_api_request():
            return api_error(error, code)
        if request.accept_mimetypes.best == "application/json":
            # The editors' background saves: they show the message, not a page.
            return json_error(error, code)
        template = (
            f"errors/{code}.html" if code in (403, 404) else "errors/generic.html"
        )
        return render_template(template, error=error, code=code), code

    for code in (400, 403, 404, 405, 500, 503):
        app.register_error_handler(code, render_error)
    app.register_error_handler(429, too_many_requests_page)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["format_number"] = format_number
    app.jinja_env.filters["decimal"] = format_decimal  # decimal(format="0.00")
    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.globals["imprint_lines"] = imprint_lines

    @app.context_processor
    def layout_context() -> dict[str, Any]:
        if not has_request_context():  # mails rendered by jobs and commands
            return {}
        from flask_babel import get_locale
        from flask_login import current_user

        from core.forms import LanguageForm
        from core.policy import allowed

        def can(permission: str) -> bool:
            return current_user.is_authenticated and allowed(current_user, permission)

        def language_form() -> LanguageForm:
            # Made when a page shows it: its CSRF token starts a session, and a
            # page without the switch (the one-click unsubscribe receipt) sets no
            # cookie.
            if "language_form" not in g:
                g.language_form = LanguageForm()
            return g.language_form

        return {
            "can": can,
            "nav_entries": nav_entries(),
            "admin_pages": admin_pages(),
            "current_locale": str(get_locale()),
            "cookieless": cookieless.on_cookieless_page(),
            "language_form": LocalProxy(language_form),
            "request_path": request.full_path.rstrip("?"),
        }


def json_error(error: HTTPException, code: int) -> Response:
    """An error as the editors' scripts read it: {"saved": false, "message": …}."""
    if getattr(error, "for_people", False):
        message = str(error.description)
    elif code == 400:
        message = _(
            "The request could not be processed. Please reload the page and try again."
        )
    elif code == 404:
        message = _(
            "Something chosen in the form is no longer available (perhaps deleted "
            "meanwhile). Please choose again; what you typed stays in the form."
        )
    else:
        message = _(
            "An unexpected error occurred. Nothing you saved before is lost; "
            "please try again."
        )
    response = jsonify(saved=False, message=message)
    response.status_code = code
    return response


def register_jobs(app: Flask) -> None:
    """The core's own housekeeping, run by the one scheduler process."""
    add_job(app, Job("core.purge_throttle_events", purge_throttle_events, 3600))
