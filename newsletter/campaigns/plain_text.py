"""Markdown as the plain-text part of a mail: what a reader of text mail should see,
not Markdown syntax. Emphasis loses its stars, a link becomes "text (URL)", lists
keep their bullets or numbers, table rows their cells."""

from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
SafeUrl = Callable[[str], str | None]


def _inline(children: list[Token], safe_url: SafeUrl) -> str:
    parts: list[str] = []
    links: list[tuple[int, str | None]] = []
    for token in children:
        if token.type in ("text", "code_inline", "image"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif token.type == "link_open":
            links.append((len(parts), safe_url(str(token.attrs.get("href", "")))))
        elif token.type == "link_close" and links:
            start, url = links.pop()
            text = "".join(parts[start:])
            if url and url != text:
                parts.append(f" ({url})" if text else url)
    return "".join(parts)


@dataclass
class _Writer:
    safe_url: SafeUrl
    # (group, text): lines of one list or table stay together, groups are
    # separated by an empty line.
    lines: list[tuple[int, str]] = field(default_factory=list)
    group: int = 0
    lists: list[int | None] = field(default_factory=list)  # next number, or a bullet
    bullet: str | None = None  # the marker for the next line of a list item
    cells: list[str] | None = None  # the table row being read

    def token(self, token: Token) -> None:
        kind = token.type
        opens_group = kind in ("bullet_list_open", "ordered_list_open", "table_open")
        if opens_group and not self.lists:
            self.group += 1
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(str(token.attrs.get("start", 1)))
            self.lists.append(start if kind == "ordered_list_open" else None)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            self.bullet = self._marker()
        elif kind == "tr_open":
            self.cells = []
        elif kind == "tr_close" and self.cells is not None:
            self.lines.append((self.group, " | ".join(self.cells)))
            self.cells = None
        elif kind == "inline":
            self._text(_inline(token.children or [], self.safe_url))
        elif kind in ("fence", "code_block"):
            self._text(token.content.rstrip("\n"))

    def _marker(self) -> str:
        indent = "  " * (len(self.lists) - 1)
        number = self.lists[-1]
        if number is None:
            return f"{indent}- "
        self.lists[-1] = number + 1
        return f"{indent}{number}. "

    def _text(self, text: str) -> None:
        if self.cells is not None:
            self.cells.append(text)
        elif self.bullet is not None:
            self.lines.append((self.group, self.bullet + text))
            self.bullet = None
        elif self.lists:  # a further paragraph of a list item
            self.lines.append((self.group, "  " * len(self.lists) + text))
        else:
            self.group += 1
            self.lines.append((self.group, text))

    def text(self) -> str:
        out: list[str] = []
        for index, (group, text) in enumerate(self.lines):
            if index and group != self.lines[index - 1][0]:
                out.append("")
            out.append(text)
        return "\n".join(out).strip()


def markdown_text(source: str, safe_url: SafeUrl) -> str:
    """Plain text of Markdown; a link whose address `safe_url` refuses keeps only
    its text, as in the HTML part."""
    writer = _Writer(safe_url)
    for token in _parser.parse(source or ""):
        writer.token(token)
    return writer.text()
