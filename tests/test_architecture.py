"""The architecture rules of the project, kept true by reading the source.

- The library ``hamscore/`` never imports the web app, the web framework, the database layer or
  the template engine; it reads no environment.
- Only ``hamscore/bulk.py`` imports polars, so scoring one submission never pays for it.
- The web app uses the library through its public surface only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = sorted((ROOT / "hamscore").rglob("*.py"))
WEBAPP = sorted((ROOT / "webapp").rglob("*.py"))

FORBIDDEN_IN_LIBRARY = ("webapp", "litestar", "sqlalchemy", "alembic", "jinja2", "psycopg", "uvicorn")
PUBLIC_LIBRARY_MODULES = ("hamscore", "hamscore.bulk", "hamscore.cli")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_the_library_has_modules_to_check():
    assert any(p.name == "scoring.py" for p in LIBRARY)


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_it_keeps_the_library_free_of_web_database_and_template_imports(path):
    bad = [m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN_IN_LIBRARY]
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_it_keeps_polars_inside_the_bulk_module(path):
    uses_polars = any(m.split(".")[0] == "polars" for m in imported_modules(path))
    assert not uses_polars or path.name == "bulk.py", f"{path.name} imports polars"


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_it_keeps_the_library_from_reading_the_environment(path):
    source = path.read_text(encoding="utf-8")
    assert "os.environ" not in source
    assert "getenv" not in source


@pytest.mark.parametrize("path", LIBRARY + WEBAPP, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_it_never_evaluates_code(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    assert not {"eval", "exec", "compile"} & set(calls)


@pytest.mark.parametrize("path", WEBAPP, ids=lambda p: p.name)
def test_it_lets_the_web_app_use_only_the_public_library(path):
    private = [
        m for m in imported_modules(path)
        if m.split(".")[0] == "hamscore" and m not in PUBLIC_LIBRARY_MODULES
    ]
    assert private == [], f"{path.relative_to(ROOT)} imports {private}; use `import hamscore`"


def test_importing_the_library_does_not_import_polars():
    import subprocess
    import sys

    code = "import sys, hamscore; hamscore.load; print('polars' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
