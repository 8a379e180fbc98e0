"""Custom MJML layouts per region, edited in the browser. They are checked before they
are saved (template syntax, known placeholders only, well-formed MJML, the content
placeholder), so that nothing broken is ever stored, and rendered in an immutable
sandbox that is handed plain values only (a layout is text a manager types: it must
not reach the database, other regions or anyone's account)."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - our own managers' text, parsed only
from typing import Any

from flask_babel import lazy_gettext as _l
from jinja2 import Template, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from core.mjml import mjml_to_html
from newsletter.campaigns.layout_footer import shows_link, shows_text, visible_parts
from newsletter.campaigns.layout_limits import (
    MAX_SOURCE,
    BoundedSandbox,
    bounded_output,
    structure_problem,
)
from newsletter.campaigns.layout_privacy import check_privacy
from newsletter.campaigns.layout_safety import (
    REGION_FIELDS,
    LayoutError,
    check_html,
    check_names,
)

_sandbox = BoundedSandbox(autoescape=True)
# What a layout may name: these values, and these fields of the region.
PLAIN_TYPES = (str, int, float, bool, type(None))
# Every mail links to unsubscribe and settings and names its sender (§ 5 DDG) with
# a link to the privacy notice.
REQUIRED_MARKERS = (
    "unsubscribe_url",
    "preferences_url",
    "region.imprint",
    "privacy_url",
)
ENDING_TAGS = re.compile(
    r"(<(mj-(?:text|button|raw|table|navbar-link))\b[^>]*>)(.*?)(</\2>)", re.DOTALL
)
SAMPLE_IMPRINT = "Impressum der Region (Muster)"
SAMPLE_PRIVACY_URL = "https://x.example/datenschutz"
SAMPLE_CONTEXT = {
    "content": Markup(
        "<mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section>"
    ),
    "subject": "Betreff",
    "preheader": "",
    "language": "de",
    "region": {
        **dict.fromkeys(REGION_FIELDS, "Region"),
        "imprint": SAMPLE_IMPRINT,
        "privacy_url": SAMPLE_PRIVACY_URL,
    },
    "texts": [],
    "imprints": [SAMPLE_IMPRINT],
    "privacy_url": SAMPLE_PRIVACY_URL,
}


def check_layout(source: str) -> None:
    """Raise LayoutError (with the line) unless the layout can render a newsletter."""
    if "{{ content }}" not in source and "{{content}}" not in source:
        raise LayoutError(
            str(_l("The layout must contain {{ content }} where the blocks go.")), None
        )
    rendered = _render_sample(source)
    check_privacy(rendered)
    check_html(rendered)
    compiled = _check_mjml(rendered)
    check_privacy(compiled)
    for marker in REQUIRED_MARKERS:
        if marker not in source:
            raise LayoutError(
                str(
                    _l(
                        "The layout must contain {{ %(marker)s }} "
                        "(required in every mail).",
                        marker=marker,
                    )
                ),
                None,
            )
    _check_footer_visible(compiled)


def _check_footer_visible(compiled: str) -> None:
    """The footer as the reader sees it: links and imprint neither in a comment
    nor in a hidden element."""
    parts = visible_parts(compiled)
    links = {
        "unsubscribe_url": "{{ unsubscribe_url }}",
        "preferences_url": "{{ preferences_url }}",
        "privacy_url": SAMPLE_PRIVACY_URL,
    }
    for marker, address in links.items():
        if not shows_link(parts, address):
            raise LayoutError(
                str(
                    _l(
                        "The layout must show {{ %(marker)s }} as a visible link "
                        "with a text (not in a comment or a hidden element).",
                        marker=marker,
                    )
                ),
                None,
            )
    if not shows_text(parts, SAMPLE_IMPRINT):
        raise LayoutError(
            str(
                _l(
                    "The layout must show {{ region.imprint }} visibly (not in a "
                    "comment or a hidden element)."
                )
            ),
            None,
        )


def _parsed(source: str) -> tuple[nodes.Template, Template]:
    """The layout's tree and template, if it is of a size and shape the sandbox
    can bound; LayoutError otherwise."""
    if len(source) > MAX_SOURCE:
        raise LayoutError(
            str(_l("The layout is too long (at most %(n)s characters).", n=MAX_SOURCE)),
            None,
        )
    try:
        tree = _sandbox.parse(source)
        template = _sandbox.from_string(source)
    except TemplateSyntaxError as error:
        raise LayoutError(error.message or "syntax error", error.lineno) from None
    problem = structure_problem(tree)
    if problem is not None:
        raise LayoutError(*problem)
    return tree, template


def _render_sample(source: str) -> str:
    tree, template = _parsed(source)
    check_names(tree, set(SAMPLE_CONTEXT) | set(PASS_THROUGH))
    try:
        return bounded_output(template.generate(**{**SAMPLE_CONTEXT, **PASS_THROUGH}))
    except SecurityError as error:
        raise LayoutError(str(error), None) from None
    except Exception as error:  # the sandbox and filters raise many kinds
        raise LayoutError(
            str(_l("The layout cannot be rendered (%(error)s).", error=error)), None
        ) from None


def _check_mjml(rendered: str) -> str:
    """The compiled HTML of a well-formed layout; LayoutError otherwise."""
    # Inside "ending tags" MJML takes HTML (<br>, &nbsp;): only the MJML around must
    # be well-formed XML. Emptying them keeps the line numbers.
    skeleton = ENDING_TAGS.sub(
        lambda m: m.group(1) + "\n" * m.group(3).count("\n") + m.group(4), rendered
    )
    try:
        root = ET.fromstring(skeleton)  # noqa: S314 - see the import
    except ET.ParseError as error:
        raise LayoutError(
            str(
                _l(
                    "The MJML is not well-formed (%(error)s).",
                    error=str(error).split(":")[0],
                )
            ),
            error.position[0],
        ) from None
    if root.tag != "mjml" or root.find("mj-body") is None:
        raise LayoutError(
            str(_l("The layout needs an <mjml> root with an <mj-body>.")), 1
        )
    try:
        return mjml_to_html(rendered)
    except Exception as error:  # mjml-python raises ValueError and others
        raise LayoutError(
            str(_l("The MJML cannot be compiled (%(error)s).", error=error)), None
        ) from None


# Personal placeholders pass through the layout untouched, to be filled per recipient.
PASS_THROUGH = {
    name: Markup("{{ " + name + " }}")  # noqa: S704 - fixed names, no user text
    for name in (
        "unsubscribe_url",
        "preferences_url",
        "web_url",
        "first_name",
        "name",
        "organisation",
        "greeting",
    )
}


def ensure_plain(value: Any, path: str = "context") -> None:
    """Raise TypeError unless the value is made of str, numbers, bools, None, lists
    and dicts with str keys: all a user-editable template may ever be handed."""
    if isinstance(value, PLAIN_TYPES):
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            ensure_plain(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path} has a key that is not a string: {key!r}")
            ensure_plain(item, f"{path}.{key}")
        return
    raise TypeError(f"{path} is a {type(value).__name__}, not a plain value")


def render_custom(source: str, context: dict[str, Any]) -> str:
    """Render a custom layout in the immutable sandbox, with plain values only."""
    values = {**context, **PASS_THROUGH}
    ensure_plain(values)
    _tree, template = _parsed(source)
    try:
        return bounded_output(template.generate(**values))
    except SecurityError as error:
        raise LayoutError(str(error), None) from None


STARTER = """<mjml lang="{{ language }}">
  <mj-head>
    <mj-title>{{ subject }}</mj-title>
    <mj-preview>{{ preheader }}</mj-preview>
    <mj-attributes><mj-all font-family="Arial, Helvetica, sans-serif" /></mj-attributes>
  </mj-head>
  <mj-body background-color="#f5f7f6" width="600px">
    <mj-section background-color="#0b5d50">
      <mj-column>
        <mj-text color="#ffffff" font-size="22px">
          Brückenschlag {{ region.name }}
        </mj-text>
      </mj-column>
    </mj-section>
    {{ content }}
    <mj-section>
      <mj-column>
        <mj-text font-size="12px" color="#4f5b62">{{ region.imprint }}<br>
          <a href="{{ privacy_url }}">Datenschutz</a> ·
          <a href="{{ unsubscribe_url }}">Abmelden</a> ·
          <a href="{{ preferences_url }}">Einstellungen</a> ·
          <a href="{{ web_url }}">Webversion</a>
        </mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
