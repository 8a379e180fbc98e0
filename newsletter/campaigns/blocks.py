"""Content blocks and their registry.

A block is a `Block`: a JSON object {"id", "type", …fields}. Each type says which
fields it has, how it renders to MJML and to plain text, and what the checklist
should warn about. Packages built on the newsletter (surveys) register their own
types at app creation, so the newsletter never imports them."""

import html as html_module
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Required, TypedDict, TypeVar
from urllib.parse import urlsplit

import nh3
from flask import Flask
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markupsafe import escape

from core.registry import registry

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
    "code",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


class Block(TypedDict, total=False):
    """One block as stored in a campaign's JSON. Every field is a string, as the
    editor posts it; each type uses its own few. Packages that register a type
    extend this with their fields (surveys: `SurveyBlock`)."""

    id: Required[str]
    type: Required[str]
    text: str  # heading
    body: str  # text
    image: str  # image: a media file name
    alt: str
    caption: str
    link: str  # image, event
    label: str  # button
    url: str
    left: str  # columns
    right: str
    title: str  # event
    date: str
    place: str


BlockT = TypeVar("BlockT", bound=Block)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Any
    kind: str = "text"  # text, textarea, url, datetime, image, select
    required: bool = False
    help: Any = ""
    # For "select": the (value, label) pairs a campaign of the given region (None:
    # interregional) may use, asked when the editor is shown and when a block is saved.
    choices: Callable[[int | None], list[tuple[str, str]]] | None = None


@dataclass
class RenderContext:
    language: str
    region_name: str
    media_url: Callable[[str], str]
    # The layout's colour, so that buttons match the region's header.
    accent: str = "#0b5d50"
    # Filled by packages that need per-campaign data (surveys add their own).
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BlockType(Generic[BlockT]):
    kind: str
    label: Any
    fields: tuple[FieldSpec, ...]
    mjml: Callable[[BlockT, RenderContext], str]
    text: Callable[[BlockT, RenderContext], str]
    check: Callable[[BlockT], list[str]] = lambda block: []
    # Problems that depend on when the issue goes out (a survey that closes first).
    check_at: Callable[[BlockT, datetime], list[str]] = lambda block, when: []


def register_block(app: Flask, block_type: BlockType[Any]) -> None:
    """Make a block type available to this app's editor and renderer."""
    registry(app).blocks[block_type.kind] = block_type


def block_types() -> dict[str, BlockType[Any]]:
    return registry().blocks


def new_block(kind: str) -> Block:
    """An empty block of a registered type."""
    spec = block_types()[kind]
    block = Block(id=uuid.uuid4().hex[:12], type=kind)
    block.update({f.name: "" for f in spec.fields})  # type: ignore[typeddict-item]
    return block


SAFE_SCHEMES = ("http", "https", "mailto")
# Placeholders filled with our own https addresses: a link may be just one of them.
OUR_LINKS = re.compile(r"\{\{\s*(unsubscribe_url|preferences_url|web_url)\s*\}\}")


def safe_url(url: str) -> str | None:
    """The URL if its scheme is http(s) or mailto and it holds no placeholder (a
    name in an address would reach a third party, unencoded, and a counted link
    cannot carry it), or one of our own link placeholders, whole; else None."""
    url = (url or "").strip()
    if OUR_LINKS.fullmatch(url):
        return url
    if urlsplit(url).scheme in SAFE_SCHEMES and "{{" not in url:
        return url
    return None


def _keep_safe_links(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return safe_url(value)
    return value


def markdown_html(source: str) -> str:
    """Markdown to sanitised HTML: no script, no event handler, no unknown tag, and
    no link whose scheme a placeholder could decide."""
    html = _markdown.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes=set(SAFE_SCHEMES),
        link_rel="noopener",
        attribute_filter=_keep_safe_links,
    )


MARKDOWN_LINK = re.compile(r'href="([^"]*)"')


def markdown_link_problems(block: Block, *names: str) -> list[str]:
    """Links in Markdown fields that would be dropped: say so in the checklist."""
    return [
        str(_l("The link “%(url)s” is not an http(s) address.", url=href))
        for name in names
        for href in MARKDOWN_LINK.findall(_markdown.render(str(block.get(name) or "")))
        if safe_url(html_module.unescape(href)) is None
    ]


def attr(value: object) -> str:
    """A value for an MJML attribute or text, escaped."""
    return str(escape(value or ""))


def url_problems(block: Block, *names: str) -> list[str]:
    """Link fields whose scheme is not http(s) or mailto, or that hold a
    placeholder."""
    return [
        _url_problem(str(block.get(name)))
        for name in names
        if block.get(name) and safe_url(str(block.get(name))) is None
    ]


def _url_problem(url: str) -> str:
    if "{{" in url and urlsplit(url).scheme in SAFE_SCHEMES:
        return str(
            _l(
                "The link “%(url)s” contains a placeholder: a link's address cannot "
                "be personalised (only {{ web_url }}, {{ preferences_url }} or "
                "{{ unsubscribe_url }} on their own). Please remove the placeholder.",
                url=url,
            )
        )
    return str(_l("The link “%(url)s” is not an http(s) address.", url=url))


def _required(block: Block, spec: BlockType[Any]) -> list[str]:
    return [
        str(_l("%(block)s: “%(field)s” is empty.", block=spec.label, field=f.label))
        for f in spec.fields
        if f.required and not str(block.get(f.name) or "").strip()
    ]


def block_problems(block: Block, when: datetime) -> list[str]:
    """Checklist findings for one block sent at `when`: empty required fields, bad
    links, alt texts, what its type checks."""
    spec = block_types().get(block.get("type", ""))
    if spec is None:
        return [str(_l("Unknown block type “%(type)s”.", type=block.get("type")))]
    return _required(block, spec) + spec.check(block) + spec.check_at(block, when)
