"""The import graph: no cycles, and renderers never reach up into the pipeline.

Every ``import`` is counted, including lazy ones inside functions (they are
still arrows of the design); imports under ``if TYPE_CHECKING:`` are not, as
they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "surveykit"
# What the renderers must not import: they lay out a document, they do not compute one.
ABOVE_RENDER = {
    "surveykit.report",
    "surveykit.pipeline",
    "surveykit.analyses",
    "surveykit.suppression",
    "surveykit.check",
    "surveykit.cli",
    "surveykit.tables",
    "surveykit.stats",
    "surveykit.ingest",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The surveykit modules ``name`` imports anywhere in its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # ``from package import submodule`` imports the submodule.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        out.update(t for t in targets if t in modules and t != name)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_graph_is_read() -> None:
    graph = import_graph()
    assert "surveykit.render.document" in graph["surveykit.render.terminal"]
    # A lazy import inside a function counts.
    assert "surveykit.render.figures" in graph["surveykit.render.document"]


def test_no_import_cycle() -> None:
    assert _cycles(import_graph()) == []


def test_a_cycle_would_be_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert _cycles(graph) == [["a", "b", "c", "a"]]


def test_renderers_do_not_import_report_logic() -> None:
    graph = import_graph()
    upward = {
        (name, target)
        for name, targets in graph.items()
        if name.startswith("surveykit.render")
        for target in targets
        if any(target == up or target.startswith(up + ".") for up in ABOVE_RENDER)
    }
    assert upward == set()
