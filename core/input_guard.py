"""Invisible control characters are refused at every input: NUL and the other C0
characters but tab and line breaks, DEL and C1, and what XML cannot hold (PostgreSQL
refuses NUL in text, spreadsheet writers refuse the rest, and no person types them
on purpose)."""

import re
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from wtforms import Field
from wtforms.validators import ValidationError

# C0 but tab and line breaks, DEL, C1, lone surrogates and the two non-characters
# U+FFFE and U+FFFF: none can be typed, and XML (XLSX) cannot hold them.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]"
)


# What ends a line: in a mail header it would end the header and start another.
LINE_BREAKS = re.compile("[\r\n\u2028\u2029]")
ONE_LINE = _l("Please enter only one line here (no line breaks).")


def has_line_break(value: str) -> bool:
    return LINE_BREAKS.search(value) is not None


class SingleLine:
    """The validator of every single-line field (core.forms.Form adds it to each
    one): a line break is refused with a message, not saved."""

    def __call__(self, form: Any, field: Field) -> None:
        if isinstance(field.data, str) and has_line_break(field.data):
            raise ValidationError(str(ONE_LINE))


def has_control_characters(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def strip_control_characters(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value)


def without_control_characters(value: Any) -> Any:
    """The value with control characters removed from every text in it, inside lists
    and dicts too: files are made from rows that may predate the input checks."""
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, dict):
        return {
            without_control_characters(k): without_control_characters(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [without_control_characters(item) for item in value]
    return value


class ControlCharacters(BadRequest):
    """A 400 whose message is meant for the person who typed the input."""

    for_people = True

    def __init__(self) -> None:
        super().__init__(
            str(
                _l(
                    "Your input contains invisible control characters (for example "
                    "from a copied text). Please remove them and try again; nothing "
                    "has been saved."
                )
            )
        )


def refuse_control_characters() -> None:
    """before_request hook: every form field and query value, every method."""
    values = [*request.args.values(), *request.form.values(), *request.form]
    values += [upload.filename or "" for upload in request.files.values()]
    if any(has_control_characters(value) for value in values):
        raise ControlCharacters()
