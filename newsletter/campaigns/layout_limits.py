"""Bounds on what a layout may compute: it is text a manager types and runs at
every preview and send, so no expression may make a huge number, string or list,
no loop may run inside another, and the rendered page has a maximum size. Without
them `{{ 7**40353607 }}` ran until the worker was killed."""

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

# Characters or items one expression may make, and bits of one number: a layout
# needs a ruler ('─' * 40) or a little arithmetic, never more.
MAX_VALUE = 10_000
MAX_BITS = 4_096
# Characters a rendered layout may have (Gmail clips a mail at 100 KB anyway), and
# characters of the layout itself.
MAX_OUTPUT = 1_000_000
MAX_SOURCE = 100_000


class TooLarge(SecurityError):
    """A layout that would make too large a value or page."""

    def __init__(self) -> None:
        super().__init__(
            str(
                _l(
                    "The layout would make a value or a page that is too large "
                    "(at most %(n)s characters per value).",
                    n=f"{MAX_VALUE:,}".replace(",", "."),
                )
            )
        )


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Raise TooLarge before `left operator right` would make too much."""
    if operator == "**" and isinstance(left, int) and isinstance(right, int):
        if right > 0 and max(_bits(left), 1) * right > MAX_BITS and abs(left) > 1:
            raise TooLarge()
    elif operator == "*":
        sized, times = (left, right) if _length(left) is not None else (right, left)
        length = _length(sized)
        if length is not None and isinstance(times, int):
            if length * times > MAX_VALUE:
                raise TooLarge()
        elif _bits(left) + _bits(right) > MAX_BITS:
            raise TooLarge()
    elif operator == "+":
        lengths = (_length(left), _length(right))
        if None not in lengths and sum(lengths) > MAX_VALUE:  # type: ignore[arg-type]
            raise TooLarge()
    elif operator == "%" and isinstance(left, str):
        check_format(left, right)


# A conversion's width and precision ('%0*d', '%.300f', '%-99999s').
FORMAT_SPEC = re.compile(r"%[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def check_format(text: str, args: Any) -> None:
    """Raise TooLarge before `text % args` would make more than MAX_VALUE
    characters: padding is computed before any check after it could run, and a
    value the layout doubled with each `set` grows without end."""
    values = args if isinstance(args, tuple) else (args,)
    size = len(text) + sum(len(str(v)) for v in values if isinstance(v, str | int))
    for width, precision in FORMAT_SPEC.findall(text):
        if "*" in (width, precision):
            raise TooLarge()  # a width taken from the arguments: never needed
        size += int(width or 0) + int(precision or 0)
    if size > MAX_VALUE:
        raise TooLarge()


def _bounded_center(center: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(center)
    def bounded(value: str, width: int = 80) -> str:
        if isinstance(width, int) and width > MAX_VALUE:
            raise TooLarge()
        return center(value, width)

    return bounded


def _bounded_replace(replace: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(replace)  # keeps its "pass the eval context" mark
    def bounded(
        eval_ctx: Any, s: str, old: str, new: str, count: int | None = None
    ) -> str:
        text, old, new = str(s), str(old), str(new)
        growth = max(len(new) - len(old), 0)
        if len(text) + (text.count(old) if old else len(text) + 1) * growth > MAX_VALUE:
            raise TooLarge()
        return replace(eval_ctx, s, old, new, count)

    return bounded


def _bounded_format(format_: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(format_)
    def bounded(value: str, *args: Any, **kwargs: Any) -> str:
        check_format(str(value), kwargs or args)
        return format_(value, *args, **kwargs)

    return bounded


def _bounded_join(join: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(join)  # keeps its "pass the eval context" mark
    def bounded(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        items = list(value)
        total = sum(len(str(item)) for item in items) + len(str(d)) * len(items)
        if total > MAX_VALUE:
            raise TooLarge()
        return join(eval_ctx, items, d, attribute)

    return bounded


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox whose `**`, `*`, `+` and `%` and whose growing filters
    refuse results beyond the limits."""

    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters["center"] = _bounded_center(self.filters["center"])
        self.filters["replace"] = _bounded_replace(self.filters["replace"])
        self.filters["join"] = _bounded_join(self.filters["join"])
        self.filters["format"] = _bounded_format(self.filters["format"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)


def bounded_output(parts: Iterator[str]) -> str:
    """The rendered layout, stopped as soon as it grows beyond MAX_OUTPUT."""
    kept: list[str] = []
    size = 0
    for part in parts:
        size += len(part)
        if size > MAX_OUTPUT:
            raise TooLarge()
        kept.append(part)
    return "".join(kept)


def structure_problem(tree: nodes.Template) -> tuple[str, int] | None:
    """A loop inside a loop (a million turns without output), or `~` joining a
    value the layout set itself (doubling it with each `set`): the message and
    its line, else None."""
    for loop in tree.find_all(nodes.For):
        inner = next(iter(loop.find_all(nodes.For)), None)
        if inner is not None:
            return str(_l("A layout may not have a loop inside a loop.")), inner.lineno
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "store"}
    for concat in tree.find_all(nodes.Concat):
        for part in concat.nodes:
            if isinstance(part, nodes.Name) and part.name in assigned:
                return (
                    str(
                        _l(
                            "“~” may join placeholders and text, not “%(name)s”, "
                            "which the layout sets itself.",
                            name=part.name,
                        )
                    ),
                    concat.lineno,
                )
    return None
