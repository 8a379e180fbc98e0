"""Reading the waves' tables off a page as a person reads them: cell texts, the
answer repeated on each of its rows."""

import html as entities
import re


def _text(cell: str) -> str:
    return " ".join(entities.unescape(re.sub(r"<[^>]+>", "", cell)).split())


def trend_rows(page: str, section: str = 'id="waves-title"') -> list[list[str]]:
    """The header and body rows of every table in the waves' section."""
    part = page.split(section)[1].split("</section>")[0]
    rows: list[list[str]] = []
    answer = ""
    for row in re.findall(r"<tr>(.*?)</tr>", part, flags=re.S):
        cells = re.findall(r"<t([hd])([^>]*)>(.*?)</t[hd]>", row, flags=re.S)
        texts = [_text(body) for _kind, _attributes, body in cells]
        if cells and 'scope="col"' in cells[0][1]:
            answer = ""  # a new table
        elif cells and "rowspan" in cells[0][1]:
            answer = texts[0]
        elif cells and texts and 'scope="row"' in cells[0][1] and answer:
            texts = [answer, *texts]
        if texts not in rows or not rows:
            rows.append(texts)
    return rows
