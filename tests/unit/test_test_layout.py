"""The tests' own layout: no test module imports another. Shared helpers live in modules made for
sharing (tests/factories.py, tests/endpoints.py, tests/e2e/processes.py) and shared fixtures in
conftest.py, so running or deleting one test module never changes what another collects."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


def _imported_modules(tree: ast.Module, package: str) -> set[str]:
    """Every module a file imports, relative imports resolved against its package."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # `from tests.e2e import test_cli` names the module among the imported names
            found |= {module, *(f"{module}.{alias.name}" for alias in node.names)}
    return found


@pytest.mark.parametrize(
    ("source", "names_a_test_module"),
    [
        ("from tests.api.test_routing import add_owner", True),
        ("import tests.e2e.test_cli", True),
        ("from tests.e2e import test_cli", True),
        ("from .test_routing import add_owner", True),
        ("from ..e2e.test_cli import run", True),
        ("from tests.factories import add_owner", False),
        ("from tests.conftest import Tenant", False),
        ("from . import conftest", False),
    ],
)
def test_the_check_sees_each_way_to_import_a_test_module(source: str, names_a_test_module: bool) -> None:
    imported = _test_modules_in(_imported_modules(ast.parse(source), "tests.api"))
    assert bool(imported) is names_a_test_module, imported


def _test_modules_in(modules: set[str]) -> set[str]:
    return {m for m in modules if m.startswith("tests.") and m.rsplit(".", 1)[-1].startswith("test_")}


def test_no_module_of_the_tests_imports_a_test_module() -> None:
    offenders: dict[str, set[str]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        package = ".".join(path.relative_to(TESTS.parent).parent.parts)
        imported = _test_modules_in(_imported_modules(ast.parse(path.read_text()), package))
        if imported:
            offenders[str(path.relative_to(TESTS.parent))] = imported
    assert offenders == {}, "import shared helpers from tests/factories.py (or a conftest), not a test module"
