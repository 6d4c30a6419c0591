"""What a browser would send for a form of a rendered page: read from the HTML itself, so that
a field shown with nothing selected is sent as a browser sends it (a select's first option)."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and attrs.get("name") and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            self._form.append(
                (attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "selected": "selected" in attrs,
                "text": "",
            }
            self._select["options"].append(self._option)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = {"name": attrs["name"], "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and options and not self._select["multiple"]:
                chosen = options[:1]  # what a browser sends when nothing is selected
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"]
                self._form.append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            self._form.append((self._textarea["name"], text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def submitted(html: str, *, having: str) -> dict[str, list[str]]:
    """The data of the page's form that has a field named ``having``, as a browser sends it."""
    reader = _Forms()
    reader.feed(html)
    for form in reader.forms:
        if any(name == having for name, _ in form):
            data: dict[str, list[str]] = {}
            for name, value in form:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"no form with a field named {having!r}")
