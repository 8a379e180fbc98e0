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
from newsletter.campaigns.plain_text import markdown_text

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
    kind: str = "text"  # text, textarea, url, date, image, select
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
    """The URL if its scheme is http(s) or mailto, written out before any placeholder
    (so that no recipient's name or organisation can turn it into javascript:), or
    one of our own link placeholders; else None."""
    url = (url or "").strip()
    if OUR_LINKS.fullmatch(url):
        return url
    scheme = urlsplit(url).scheme
    if scheme in SAFE_SCHEMES and "{{" not in url[: len(scheme) + 1]:
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


def _markdown_link_problems(block: Block, *names: str) -> list[str]:
    """Links in Markdown fields that would be dropped: say so in the checklist."""
    return [
        str(_l("The link “%(url)s” is not an http(s) address.", url=href))
        for name in names
        for href in MARKDOWN_LINK.findall(_markdown.render(str(block.get(name) or "")))
        if safe_url(html_module.unescape(href)) is None
    ]


def _attr(value: object) -> str:
    return str(escape(value or ""))


def _url_problems(block: Block, *names: str) -> list[str]:
    return [
        str(_l("The link “%(url)s” is not an http(s) address.", url=block.get(name)))
        for name in names
        if block.get(name) and safe_url(str(block.get(name))) is None
    ]


def _required(block: Block, spec: BlockType[Any]) -> list[str]:
    return [
        str(_l("%(block)s: “%(field)s” is empty.", block=spec.label, field=f.label))
        for f in spec.fields
        if f.required and not str(block.get(f.name) or "").strip()
    ]


# --- the built-in blocks -------------------------------------------------------------


def _heading_mjml(block: Block, ctx: RenderContext) -> str:
    return (
        '<mj-section><mj-column><mj-text font-size="22px" font-weight="bold" '
        f'css-class="heading"><h2>{_attr(block.get("text"))}</h2></mj-text>'
        "</mj-column></mj-section>"
    )


def _heading_text(block: Block, ctx: RenderContext) -> str:
    text = block.get("text") or ""
    return f"{text}\n{'=' * len(text)}"


def _text_mjml(block: Block, ctx: RenderContext) -> str:
    return (
        f"<mj-section><mj-column><mj-text>{markdown_html(block.get('body', ''))}"
        "</mj-text></mj-column></mj-section>"
    )


def _text_text(block: Block, ctx: RenderContext) -> str:
    return markdown_text(block.get("body") or "", safe_url)


def _image_mjml(block: Block, ctx: RenderContext) -> str:
    if not block.get("image"):
        return ""
    href = safe_url(block.get("link", ""))
    link = f' href="{_attr(href)}"' if href else ""
    caption = (
        '<mj-text font-size="13px" color="#4f5b62">'
        f"{_attr(block.get('caption'))}</mj-text>"
        if block.get("caption")
        else ""
    )
    src = _attr(ctx.media_url(block["image"]))
    return (
        f'<mj-section><mj-column><mj-image src="{src}" '
        f'alt="{_attr(block.get("alt"))}"{link} />{caption}</mj-column></mj-section>'
    )


def _image_text(block: Block, ctx: RenderContext) -> str:
    return f"[{block.get('alt') or ''}]"


def _image_check(block: Block) -> list[str]:
    problems = _url_problems(block, "link")
    if block.get("image") and not (block.get("alt") or "").strip():
        problems.append(str(_l("An image has no alternative text.")))
    return problems


def _button_mjml(block: Block, ctx: RenderContext) -> str:
    url = safe_url(block.get("url", ""))
    if not url:
        return ""
    return (
        f'<mj-section><mj-column><mj-button href="{_attr(url)}" '
        f'background-color="{_attr(ctx.accent)}" color="#ffffff">'
        f"{_attr(block.get('label'))}"
        "</mj-button></mj-column></mj-section>"
    )


def _button_text(block: Block, ctx: RenderContext) -> str:
    url = safe_url(block.get("url", ""))
    return f"{block.get('label') or ''} ({url})" if url else ""


def _divider_mjml(block: Block, ctx: RenderContext) -> str:
    return (
        '<mj-section><mj-column><mj-divider border-color="#d4dadd" '
        'border-width="1px" /></mj-column></mj-section>'
    )


def _divider_text(block: Block, ctx: RenderContext) -> str:
    return "-" * 40


def _columns_mjml(block: Block, ctx: RenderContext) -> str:
    left = markdown_html(block.get("left", ""))
    right = markdown_html(block.get("right", ""))
    return (
        f"<mj-section><mj-column><mj-text>{left}</mj-text></mj-column>"
        f"<mj-column><mj-text>{right}</mj-text></mj-column></mj-section>"
    )


def _columns_text(block: Block, ctx: RenderContext) -> str:
    left = markdown_text(block.get("left") or "", safe_url)
    right = markdown_text(block.get("right") or "", safe_url)
    return f"{left}\n\n{right}".strip()


def _event_mjml(block: Block, ctx: RenderContext) -> str:
    url = safe_url(block.get("link", ""))
    more = str(_l("More information"))
    link = f'<p><a href="{_attr(url)}">{_attr(more)}</a></p>' if url else ""
    return (
        '<mj-section background-color="#eef6f4"><mj-column><mj-text>'
        f'<p style="margin:0;font-size:13px;color:#4f5b62">{_attr(block.get("date"))}'
        f" · {_attr(block.get('place'))}</p>"
        f'<h3 style="margin:4px 0">{_attr(block.get("title"))}</h3>{link}'
        "</mj-text></mj-column></mj-section>"
    )


def _event_text(block: Block, ctx: RenderContext) -> str:
    lines = [
        block.get("title") or "",
        f"{block.get('date') or ''} · {block.get('place') or ''}",
    ]
    url = safe_url(block.get("link", ""))
    if url:
        lines.append(f"{_l('More information')} ({url})")
    return "\n".join(lines)


BUILT_IN = [
    BlockType(
        "heading",
        _l("Heading"),
        (FieldSpec("text", _l("Heading"), required=True),),
        _heading_mjml,
        _heading_text,
    ),
    BlockType(
        "text",
        _l("Text"),
        (
            FieldSpec(
                "body",
                _l("Text"),
                "textarea",
                True,
                _l("Markdown: **bold**, *italic*, [link](https://…), - lists"),
            ),
        ),
        _text_mjml,
        _text_text,
        lambda b: _markdown_link_problems(b, "body"),
    ),
    BlockType(
        "image",
        _l("Image"),
        (
            FieldSpec("image", _l("Picture"), "image", True),
            FieldSpec(
                "alt", _l("Alternative text (what the picture shows)"), required=True
            ),
            FieldSpec("caption", _l("Caption")),
            FieldSpec("link", _l("Link (optional)"), "url"),
        ),
        _image_mjml,
        _image_text,
        _image_check,
    ),
    BlockType(
        "button",
        _l("Button"),
        (
            FieldSpec("label", _l("Label"), required=True),
            FieldSpec("url", _l("Link"), "url", True),
        ),
        _button_mjml,
        _button_text,
        lambda b: _url_problems(b, "url"),
    ),
    BlockType("divider", _l("Divider"), (), _divider_mjml, _divider_text),
    BlockType(
        "columns",
        _l("Two columns"),
        (
            FieldSpec("left", _l("Left column"), "textarea", True),
            FieldSpec("right", _l("Right column"), "textarea", True),
        ),
        _columns_mjml,
        _columns_text,
        lambda b: _markdown_link_problems(b, "left", "right"),
    ),
    BlockType(
        "event",
        _l("Event"),
        (
            FieldSpec("title", _l("Title"), required=True),
            FieldSpec("date", _l("Date and time"), required=True),
            FieldSpec("place", _l("Place")),
            FieldSpec("link", _l("Link"), "url"),
        ),
        _event_mjml,
        _event_text,
        lambda b: _url_problems(b, "link"),
    ),
]


def register_built_in_blocks(app: Flask) -> None:
    for block_type in BUILT_IN:
        register_block(app, block_type)


def block_problems(block: Block, when: datetime) -> list[str]:
    """Checklist findings for one block sent at `when`: empty required fields, bad
    links, alt texts, what its type checks."""
    spec = block_types().get(block.get("type", ""))
    if spec is None:
        return [str(_l("Unknown block type “%(type)s”.", type=block.get("type")))]
    return _required(block, spec) + spec.check(block) + spec.check_at(block, when)
