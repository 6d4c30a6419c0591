"""The contract between forms and services (issue #9): a form checks what a service would
refuse through Django's public hooks (``clean``, ``validate_unique``, ``add_error``), never by
overriding the private ``_post_clean``, whose steps Django may change in any release."""

import ast

from tests.test_layers import ROOT, sources


def private_overrides(path, root=ROOT):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "_post_clean":
                    yield f"{path.relative_to(root)}:{item.lineno} {node.name}._post_clean"


def test_no_form_overrides_djangos_private_post_clean():
    assert [found for path in sources() for found in private_overrides(path)] == []


def test_the_check_sees_an_override(tmp_path):
    module = tmp_path / "forms.py"
    module.write_text(
        "class RoleForm:\n    def clean(self):\n        pass\n\n"
        "    def _post_clean(self):\n        super()._post_clean()\n",
        encoding="utf-8",
    )
    assert list(private_overrides(module, tmp_path)) == ["forms.py:5 RoleForm._post_clean"]
