"""The public surface: __all__ is exact, and every command's help ends with an example."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import storyline
from storyline.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def test_all_is_exact():
    tree = ast.parse(Path(storyline.__file__).read_text("utf-8"))
    imported = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert set(storyline.__all__) == imported
    assert all(hasattr(storyline, name) for name in storyline.__all__)


def test_every_command_has_an_example_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text("utf-8")
    for name, command in cli.commands.items():
        assert "Example: storyline " + name in (command.help or ""), name
        assert f"storyline {name}" in readme, name


def test_every_gate_the_evaluation_docs_name_exists():
    docs = (ROOT / "docs" / "evaluation.md").read_text("utf-8")
    gates = re.findall(r"\| `(tests/test_\w+\.py)` \|", docs)
    assert len(gates) == 5
    assert [g for g in gates if not (ROOT / g).is_file()] == []
