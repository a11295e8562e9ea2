"""The package layout: no import cycle anywhere, and a normal run never imports training code."""

from __future__ import annotations

import ast
from pathlib import Path

import storyline

PACKAGE = Path(storyline.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["storyline", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, *, top_level_only: bool) -> set[str]:
    """The storyline modules that module `name` names in an import statement."""
    tree = ast.parse(MODULES[name].read_text("utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    named = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [base])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                named.add(full if full in MODULES else base)
    return {m for m in named if m in MODULES and m != name}


def _closure(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_imports(name, top_level_only=True))
    return seen


def test_no_module_imports_itself_through_others():
    graph = {name: _imports(name, top_level_only=False) for name in MODULES}
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    assert cycles == []


def test_a_normal_run_never_imports_training_code():
    for entry in ("storyline", "storyline.cli", "storyline.web", "storyline.pipeline"):
        reached = _closure(entry)
        assert not {m for m in reached if m.startswith("storyline.training")}, entry
