"""Work that runs after the answer has gone to the client: what it costs (a mail
relay's round trip, a lookup) does not show in how long the answer took, so the
answer's timing tells nothing about, say, whether an address is known."""

from collections.abc import Callable

from flask import after_this_request, current_app
from werkzeug.wrappers import Response


def after_response(work: Callable[[], None]) -> None:
    """Run `work` in a fresh app context once the server has sent this request's
    answer (and closes it). A failure is logged; the answer has gone already."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run() -> None:
        with app.app_context():
            try:
                work()
            except Exception:  # the answer is out: nobody is left to tell but the log
                app.logger.exception("work after the response failed")

    @after_this_request
    def schedule(response: Response) -> Response:
        response.call_on_close(run)
        return response
