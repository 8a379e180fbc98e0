"""Language choice: the person's explicit choice, then the browser, then German."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user

from core.cookieless import chosen_language, on_cookieless_page


def select_locale() -> str:
    """The locale for this request."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # jobs and commands: German unless forced
        return str(languages[0])
    if on_cookieless_page():  # no session, no account: the address, the browser
        return chosen_language() or _browser_language(languages)
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    if current_user.is_authenticated and current_user.language in languages:
        return str(current_user.language)
    return _browser_language(languages)


def _browser_language(languages: tuple[str, ...]) -> str:
    return str(request.accept_languages.best_match(languages) or languages[0])


def select_timezone() -> str:
    """Times are shown in the configured zone (Europe/Berlin)."""
    return current_app.config["TIMEZONE"]
