"""Imports and links flow one way: an app may use the apps to its left, never those to its
right (README, "Layout"). Read from the source with ``ast`` and from the templates, so that a
lazy import inside a function, or a link in a template, counts as much as a top-level import.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Left to right. A module belongs to the longest prefix that names it.
LAYERS = [
    "config",  # the helpers apps call (shell, rate limits, text checks): no app below them
    "audit",  # the audit trail's records; each app follows its own models
    "integrations",  # API foundations, webhooks, the task queue
    "events",
    "participants",
    "feedback",
    "reports",
    "privacy",  # reads and erases a person's data everywhere
    "backups",  # exchanges the whole database
    "audit.pages",  # the history pages: they look up workshops and registrations
    "integrations.pages",  # the tokens' and webhooks' pages: they read the organisers
]
# The project's wiring: settings, URLs and middleware name every app; nothing imports them.
WIRING = {
    "config.settings",
    "config.urls",
    "config.middleware",
    "config.wsgi",
    "config.asgi",
    "config.gunicorn.conf",
}
# Where each URL namespace's pages are served.
NAMESPACES = {
    "events": "events",
    "participants": "participants",
    "feedback": "feedback",
    "reports": "reports",
    "privacy": "privacy",
    "audit": "audit.pages",
    "integrations": "integrations.pages",
}
URL_IN_TEMPLATE = re.compile(r"""\{%\s*url\s+["'](\w+):""")
URL_IN_CODE = re.compile(r"""\b(?:reverse|reverse_lazy|redirect)\(\s*["'](\w+):""")


def layer_of(module: str) -> int | None:
    found = [layer for layer in LAYERS if module == layer or module.startswith(layer + ".")]
    return LAYERS.index(max(found, key=len)) if found else None


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def tops():
    return dict.fromkeys(layer.split(".")[0] for layer in LAYERS)


def sources(root: Path = ROOT):
    for top in tops():
        yield from sorted((root / top).rglob("*.py"))


def imported(path: Path, root: Path = ROOT):
    """(line, module) of every import in ``path``, relative ones resolved."""
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            yield node.lineno, module
            for alias in node.names:  # "from audit import pages" imports audit.pages
                yield node.lineno, f"{module}.{alias.name}"


def crossings(root: Path = ROOT):
    """Each import of a module to the right, and each URL of a namespace to the right."""
    for path in sources(root):
        source = module_name(path, root)
        if source in WIRING:
            continue
        here = layer_of(source)
        for line, target in imported(path, root):
            there = layer_of(target)
            if target in WIRING or (there is not None and there > here):
                yield f"{path.relative_to(root)}:{line} imports {target}"
        text = path.read_text(encoding="utf-8")
        for match in URL_IN_CODE.finditer(text):
            there = layer_of(NAMESPACES.get(match.group(1), ""))
            if there is not None and there > here:
                line = text.count("\n", 0, match.start()) + 1
                yield f"{path.relative_to(root)}:{line} links to {match.group(1)}:"


def template_crossings(root: Path = ROOT):
    """Each {% url %} in an app's templates of a namespace to the right of the app; an app's
    templates may name its own pages."""
    for top in tops():
        here = layer_of(top)
        for path in sorted((root / top).rglob("templates/**/*.html")):
            for match in URL_IN_TEMPLATE.finditer(path.read_text(encoding="utf-8")):
                namespace = match.group(1)
                there = layer_of(NAMESPACES.get(namespace, ""))
                if namespace != top and there is not None and there > here:
                    yield f"{path.relative_to(root)} links to {namespace}:"


def test_every_module_has_a_layer():
    assert [str(p) for p in sources() if layer_of(module_name(p)) is None] == []


def test_no_module_imports_or_links_to_the_right():
    assert list(crossings()) == []


def test_no_template_links_to_the_right():
    assert list(template_crossings()) == []


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("events.models", "events"),
        ("audit.registry", "audit"),
        ("audit.pages.views", "audit.pages"),
        ("integrations.rest", "integrations"),
        ("integrations.pages.views", "integrations.pages"),
        ("config.shell", "config"),
    ],
)
def test_layers_are_found_by_the_longest_prefix(module, layer):
    assert LAYERS[layer_of(module)] == layer


def test_the_check_sees_a_lazy_import_a_link_and_a_template_link(tmp_path):
    (tmp_path / "events" / "templates" / "events").mkdir(parents=True)
    (tmp_path / "events" / "late.py").write_text(
        "from . import models\n\n\ndef f():\n    from participants import models\n"
        "    return reverse('reports:dashboard')\n"
    )
    (tmp_path / "events" / "templates" / "events" / "page.html").write_text(
        "{% url 'events:home' %}{% url 'feedback:list' slug %}"
    )
    assert list(crossings(tmp_path)) == [
        "events/late.py:5 imports participants",
        "events/late.py:5 imports participants.models",
        "events/late.py:6 links to reports:",
    ]
    assert list(template_crossings(tmp_path)) == [
        "events/templates/events/page.html links to feedback:"
    ]


# Shared infrastructure that lived in events, and where it is now. The old modules stay for
# the migrations written before the move; an admin may subclass another app's ModelAdmin.
MOVED_TO_CONFIG = {
    "events.constraints": "config.constraints",
    "events.tokens": "config.tokens",
    "events.admin": "config.admin_helpers",
}


def test_shared_infrastructure_is_imported_from_config():
    """Named constraints, tokens and admin helpers are config's: only a migration imports
    them from where they were."""
    found = []
    for path in sources():
        if "migrations" in path.parts or module_name(path) in MOVED_TO_CONFIG:
            continue
        for line, target in imported(path):
            old = next((m for m in MOVED_TO_CONFIG if target.startswith(m + ".")), None)
            if old == "events.admin" and module_name(path).startswith("events."):
                continue  # the events admin's own names
            if old or (target in MOVED_TO_CONFIG and target != "events.admin"):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert found == []
