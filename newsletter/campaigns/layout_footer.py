"""The footer every mail must show its reader (§ 5 DDG, RFC 8058's page, GDPR):
checked on the compiled HTML of a layout, as a mail program shows it. A link in a
comment or an imprint in a hidden element is not there for her."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements without content: never opened, so never closed.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
    | {"param", "source", "track", "wbr"}
)
# Styles that hide an element with all it holds. (A font size of 0 does not: MJML
# sets it on columns, and their text sets its own.)
HIDING = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all"
    r"|opacity\s*:\s*0(?:\.0*)?\s*(?:;|$|!)|max-height\s*:\s*0+(?:px)?\s*(?:;|$|!)",
    re.IGNORECASE,
)
CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
CLASS_NAME = re.compile(r"\.([\w-]+)")


def hidden_classes(compiled: str) -> set[str]:
    """Class names that a style sheet in the mail hides."""
    sheets = re.findall(r"<style[^>]*>(.*?)</style>", compiled, re.S | re.I)
    return {
        name
        for sheet in sheets
        for selector, declarations in CSS_RULE.findall(sheet)
        if HIDING.search(declarations)
        for name in CLASS_NAME.findall(selector)
    }


@dataclass
class _Element:
    tag: str
    hidden: bool
    href: str | None = None
    text: list[str] = field(default_factory=list)


class VisibleParts(HTMLParser):
    """Collects the text a reader sees and the links she sees with their text."""

    def __init__(self, hiding_classes: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.hiding_classes = hiding_classes
        self.open: list[_Element] = []
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []

    def _hides(self, attrs: dict[str, str | None]) -> bool:
        classes = set((attrs.get("class") or "").split())
        return (
            "hidden" in attrs
            or bool(HIDING.search(attrs.get("style") or ""))
            or bool(classes & self.hiding_classes)
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        values = dict(attrs)
        hidden = bool(self.open and self.open[-1].hidden) or self._hides(values)
        hidden = hidden or tag in ("style", "title", "head", "script")
        href = values.get("href") if tag == "a" else None
        self.open.append(_Element(tag, hidden, href))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                for element in self.open[index:][::-1]:
                    if element.href is not None and not element.hidden:
                        self.links.append((element.href, "".join(element.text)))
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1].hidden:
            return
        self.text.append(data)
        for element in self.open:
            if element.href is not None:
                element.text.append(data)


def visible_parts(compiled: str) -> VisibleParts:
    """The text and links (address, text) a reader sees of compiled HTML."""
    parts = VisibleParts(hidden_classes(compiled))
    parts.feed(compiled)
    parts.close()
    return parts


def shows_link(parts: VisibleParts, address: str) -> bool:
    """True if a visible link with visible text leads to the address."""
    return any(href.strip() == address and text.strip() for href, text in parts.links)


def shows_text(parts: VisibleParts, text: str) -> bool:
    """True if the text stands visibly in the mail."""
    return text in " ".join(" ".join(parts.text).split())
