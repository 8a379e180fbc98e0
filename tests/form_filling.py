"""Submit a page's form as a browser would: every field with the value it shows, then
the changes a test makes, and the button pressed."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False

    def handle_starttag(self, tag: str, attrs_list: list) -> None:
        attrs = {k: v if v is not None else "" for k, v in attrs_list}
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "file", "button"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.fields.append((name, attrs.get("value", default)))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self.fields.append((self._select, value))
                self._selected = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._selected and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    """(name, value) pairs the form would send, in document order."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.fields


def submit(
    client,
    page_url: str,
    form_id: str,
    action: str,
    changes: dict | None = None,
    post_url: str | None = None,
):
    """Open the page, change fields (a list value replaces all of that name) and
    press the button whose value is `action`."""
    changes = changes or {}
    html = client.get(page_url).get_data(as_text=True)
    fields = [(k, v) for k, v in form_fields(html, form_id) if k not in changes]
    for name, value in changes.items():
        values = value if isinstance(value, list) else [value]
        fields.extend((name, v) for v in values)
    data: dict[str, list] = {}
    for name, value in [*fields, ("action", action)]:
        data.setdefault(name, []).append(value)
    return client.post(
        post_url or page_url,
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
