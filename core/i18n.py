"""Language choice: the person's explicit choice, then the browser, then German."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    """The locale for this request."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # jobs and commands: German unless forced
        return str(languages[0])
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    if current_user.is_authenticated and current_user.language in languages:
        return str(current_user.language)
    return request.accept_languages.best_match(languages) or languages[0]


def select_timezone() -> str:
    """Times are shown in the configured zone (Europe/Berlin)."""
    return current_app.config["TIMEZONE"]
