"""How the package is put together: the promises of the issue "The engine in stages" that no
single behaviour test would notice breaking."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parent.parent / "src" / "salesperf"
MODULES = sorted(SRC.rglob("*.py"))
LONG = 520  # "no module over ~500 lines without a reason stated at its top"


def _imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    return [(node.module or "", alias.name) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) for alias in node.names]


def _is_module(name: str) -> bool:
    return (SRC / f"{name}.py").is_file() or (SRC / name).is_dir()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_imports_another_module_s_private_names(path: Path) -> None:
    """A helper two modules need gets a name without an underscore where both can see it;
    importing a private module (`from salesperf import _conditions`) is fine."""
    private = [f"{module}.{name}" for module, name in _imports(path)
               if name.startswith("_") and not name.startswith("__")
               and (module.startswith("salesperf") or not module)
               and not (module == "salesperf" and _is_module(name))]
    assert private == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_a_long_module_says_why_at_its_top(path: Path) -> None:
    text = path.read_text("utf-8")
    if text.count("\n") > LONG:
        docstring = ast.get_docstring(ast.parse(text)) or ""
        assert "over 500 lines" in docstring, f"{path.name}: split it or say why it is long"


def test_the_engine_is_a_package_of_stages() -> None:
    """A newcomer finds each stage from the names alone."""
    engine = SRC / "_engine"
    names = {p.stem for p in engine.glob("*.py")} | {p.name for p in engine.iterdir()
                                                     if p.is_dir() and p.name != "__pycache__"}
    assert {"crediting", "earning", "rates", "payments", "statements", "explain"} <= names
    earning = {p.stem for p in (engine / "earning").glob("*.py")}
    assert {"commission", "spiff", "bonus"} <= earning
