"""What a custom layout may contain: the template may name only the known
placeholders and use plain text filters; the HTML it makes may not run script,
submit forms elsewhere, change the base address or link anywhere but http(s) and
mailto — it is shown on our own site as the web version."""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from jinja2 import nodes

from newsletter.campaigns.blocks import safe_url

# What a layout may name of the region.
REGION_FIELDS = (
    "name",
    "slug",
    "agency",
    "imprint",
    "privacy_url",
    "sender_name",
    "sender_email",
)
INCLUDES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
TEXT_FILTERS = frozenset(
    {
        "capitalize",
        "center",
        "d",
        "default",
        "e",
        "escape",
        "first",
        "join",
        "last",
        "length",
        "lower",
        "replace",
        "striptags",
        "title",
        "trim",
        "truncate",
        "upper",
        "wordcount",
    }
)
FORBIDDEN_TAGS = re.compile(
    r"<\s*(script|base|form|iframe|frame|object|embed|meta|link|style\s+src)\b",
    re.IGNORECASE,
)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
LINKS = re.compile(r"""\s(?:href|src|action|background)\s*=\s*["']([^"']*)["']""", re.I)


@dataclass(frozen=True)
class LayoutError(Exception):
    message: str
    line: int | None

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return str(
            _l("Line %(line)s: %(message)s", line=self.line, message=self.message)
        )


def check_names(tree: nodes.Template, placeholders: set[str]) -> None:
    """Refuse anything but the known placeholders, the region's fields, the
    template's own loop variables and plain text filters: no attributes, items,
    calls, includes or imports beyond them."""
    for include in tree.find_all(INCLUDES):
        raise LayoutError(
            str(_l("A layout cannot include, import or extend other templates.")),
            include.lineno,
        )
    for used in tree.find_all(nodes.Filter):  # also those of {% filter %} blocks
        if used.name not in TEXT_FILTERS:
            raise LayoutError(
                str(_l("Unknown filter “%(name)s”.", name=used.name)), used.lineno
            )
    known = placeholders | {"loop"}
    known |= {n.name for n in tree.find_all(nodes.Name) if n.ctx == "store"}
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Call, nodes.Name)):
        name = _allowed_name(node, known)
        if name is not None:
            raise LayoutError(
                str(_l("Unknown placeholder “%(name)s”.", name=name)), node.lineno
            )


def _allowed_name(node: nodes.Node, known: set[str]) -> str | None:
    """None if the node is allowed, else the name to show in the message."""
    if isinstance(node, nodes.Name):
        return None if node.name in known else node.name
    if (
        isinstance(node, nodes.Getattr)
        and isinstance(node.node, nodes.Name)
        and node.node.name == "region"
        and node.attr in REGION_FIELDS
    ):
        return None
    if isinstance(node, nodes.Getattr):
        return f"{getattr(node.node, 'name', '…')}.{node.attr}"
    return "()" if isinstance(node, nodes.Call) else "[]"


def check_html(rendered: str) -> None:
    """Refuse HTML that could run or send anything from the web version."""
    problem = _first_problem(rendered)
    if problem is not None:
        position, message = problem
        raise LayoutError(message, rendered.count("\n", 0, position) + 1)


def _first_problem(rendered: str) -> tuple[int, str] | None:
    tag = FORBIDDEN_TAGS.search(rendered)
    if tag:
        return tag.start(), str(
            _l("“<%(tag)s>” is not allowed in a layout.", tag=tag.group(1).lower())
        )
    handler = EVENT_HANDLER.search(rendered)
    if handler:
        return handler.start(), str(_l("Event handlers (on…=) are not allowed."))
    for link in LINKS.finditer(rendered):
        if link.group(1) and safe_url(link.group(1)) is None:
            return link.start(), str(
                _l(
                    "The link “%(url)s” is not an http(s) address.",
                    url=link.group(1),
                )
            )
    return None
