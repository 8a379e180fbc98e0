"""The blocks every issue can use: heading, text, picture, button, divider, two
columns and event, each rendered to MJML and to plain text."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from newsletter.campaigns.blocks import (
    Block,
    BlockType,
    FieldSpec,
    RenderContext,
    attr,
    markdown_html,
    markdown_link_problems,
    register_block,
    safe_url,
    url_problems,
)
from newsletter.campaigns.event_dates import shown_event_date
from newsletter.campaigns.plain_text import markdown_text


def _heading_mjml(block: Block, ctx: RenderContext) -> str:
    return (
        '<mj-section><mj-column><mj-text font-size="22px" font-weight="bold" '
        f'css-class="heading"><h2>{attr(block.get("text"))}</h2></mj-text>'
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
    link = f' href="{attr(href)}"' if href else ""
    caption = (
        '<mj-text font-size="13px" color="#4f5b62">'
        f"{attr(block.get('caption'))}</mj-text>"
        if block.get("caption")
        else ""
    )
    src = attr(ctx.media_url(block["image"]))
    return (
        f'<mj-section><mj-column><mj-image src="{src}" '
        f'alt="{attr(block.get("alt"))}"{link} />{caption}</mj-column></mj-section>'
    )


def _image_text(block: Block, ctx: RenderContext) -> str:
    return f"[{block.get('alt') or ''}]"


def _image_check(block: Block) -> list[str]:
    problems = url_problems(block, "link")
    if block.get("image") and not (block.get("alt") or "").strip():
        problems.append(str(_l("An image has no alternative text.")))
    return problems


def _button_mjml(block: Block, ctx: RenderContext) -> str:
    url = safe_url(block.get("url", ""))
    if not url:
        return ""
    return (
        f'<mj-section><mj-column><mj-button href="{attr(url)}" '
        f'background-color="{attr(ctx.accent)}" color="#ffffff">'
        f"{attr(block.get('label'))}"
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
    date = shown_event_date(block.get("date") or "", ctx.language)
    url = safe_url(block.get("link", ""))
    more = str(_l("More information"))
    link = f'<p><a href="{attr(url)}">{attr(more)}</a></p>' if url else ""
    return (
        '<mj-section background-color="#eef6f4"><mj-column><mj-text>'
        f'<p style="margin:0;font-size:13px;color:#4f5b62">{attr(date)}'
        f" · {attr(block.get('place'))}</p>"
        f'<h3 style="margin:4px 0">{attr(block.get("title"))}</h3>{link}'
        "</mj-text></mj-column></mj-section>"
    )


def _event_text(block: Block, ctx: RenderContext) -> str:
    lines = [
        block.get("title") or "",
        f"{shown_event_date(block.get('date') or '', ctx.language)}"
        f" · {block.get('place') or ''}",
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
        lambda b: markdown_link_problems(b, "body"),
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
        lambda b: url_problems(b, "url"),
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
        lambda b: markdown_link_problems(b, "left", "right"),
    ),
    BlockType(
        "event",
        _l("Event"),
        (
            FieldSpec("title", _l("Title"), required=True),
            FieldSpec("date", _l("Date and time"), "datetime", required=True),
            FieldSpec("place", _l("Place")),
            FieldSpec("link", _l("Link"), "url"),
        ),
        _event_mjml,
        _event_text,
        lambda b: url_problems(b, "link"),
    ),
]


def register_built_in_blocks(app: Flask) -> None:
    for block_type in BUILT_IN:
        register_block(app, block_type)
