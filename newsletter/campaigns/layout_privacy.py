"""What a layout's compiled HTML may not do with a reader's mail: fetch anything
from elsewhere (a picture, a style sheet, a font: each fetch tells a third party
that and when she opened it; the privacy notice says opens are not tracked and
nothing comes from a CDN), or put her personal links anywhere but as the address
of a link of ours. The whole text is searched, comments included: Outlook reads
what stands in its conditional comments."""

import re

from flask_babel import lazy_gettext as _l

from newsletter.campaigns.layout_safety import LayoutError

# Attributes by which a mail program fetches on opening.
FETCHING = re.compile(
    r"""\s(src|srcset|background|poster|data|dynsrc|lowsrc)\s*="""
    r"""\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))""",
    re.IGNORECASE,
)
# Style sheets fetch through url(…) and @import.
CSS_FETCH = re.compile(r"url\s*\(|@import", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""\s([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
PERSONAL_LINK = re.compile(r"\{\{\s*(unsubscribe_url|preferences_url|web_url)\s*\}\}")
ANY_PLACEHOLDER = re.compile(r"\{\{\s*\w+\s*\}\}")


def check_privacy(compiled: str) -> None:
    """Raise LayoutError if the compiled layout fetches from anywhere, or carries a
    placeholder inside an attribute other than a link's whole address."""
    for fetch in FETCHING.finditer(compiled):
        address = fetch.group(2) or fetch.group(3) or fetch.group(4)
        raise LayoutError(_fetch_message(address or fetch.group(1)), None)
    css = CSS_FETCH.search(compiled)
    if css:
        raise LayoutError(
            _fetch_message(compiled[css.start() : css.start() + 60]), None
        )
    for attribute in ATTRIBUTE.finditer(compiled):
        name = attribute.group(1).lower()
        value = attribute.group(2) or attribute.group(3) or ""
        if not ANY_PLACEHOLDER.search(value):
            continue
        if name == "href" and PERSONAL_LINK.fullmatch(value.strip()):
            continue
        raise LayoutError(
            str(
                _l(
                    "Personal placeholders may only stand alone as a link's address "
                    '(href="{{ unsubscribe_url }}"), never inside another '
                    "address or attribute: “%(value)s” would hand them to third "
                    "parties.",
                    value=value,
                )
            ),
            None,
        )


def _fetch_message(what: str) -> str:
    return str(
        _l(
            "A layout cannot load anything from elsewhere (pictures, style sheets, "
            "fonts): every such fetch tells third parties who opened the mail. "
            "Found: “%(what)s”. Please put pictures into the issue as picture "
            "blocks.",
            what=what,
        )
    )
