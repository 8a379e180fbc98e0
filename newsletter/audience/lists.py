"""Which mailing lists a manager may use: those of the controller she acts for."""

from newsletter.audience.models import MailingList
from newsletter.audience.scope import current_scope, scoped_lists


def visible_lists() -> list[MailingList]:
    """The lists the logged-in user acts for, by name."""
    return scoped_lists(current_scope())
