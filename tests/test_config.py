"""Settings: frozen defaults, the `STORYLINE_*` variables, and config.py as their one reader."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from storyline import config
from storyline.config import DEFAULTS, Settings, from_environment
from storyline.errors import ConfigError

SRC = Path(config.__file__).parent


def test_defaults_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.claims.lead_sentences = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.claims = config.ClaimSettings()  # type: ignore[misc]


def test_defaults_every_stage_field_has_a_default():
    for stage in dataclasses.fields(Settings):
        settings = getattr(DEFAULTS, stage.name)
        assert dataclasses.is_dataclass(settings), stage.name
        assert settings == type(settings)(), stage.name


def test_defaults_keep_each_stage_lead_sentences_apart():
    # Same word, different settings: changing one must not move the others' outputs.
    assert DEFAULTS.events.date_lead_sentences == DEFAULTS.timeline.lead_sentences == 3
    assert DEFAULTS.claims.lead_sentences == DEFAULTS.corpus_timeline.lead_sentences == 5


def test_from_environment_without_variables_is_the_defaults():
    assert from_environment({}) == DEFAULTS
    assert from_environment({"STORYLINE_DB": "", "STORYLINE_ONNX": ""}) == DEFAULTS
    assert from_environment({"HOME": "/nowhere", "STORYLINE_UNKNOWN": "x"}) == DEFAULTS


@pytest.mark.parametrize(
    ("name", "text", "stage", "key", "value"),
    [
        ("STORYLINE_DB", "corpus/story.db", "store", "db", Path("corpus/story.db")),
        ("STORYLINE_SPACY_MODEL", "en_core_web_trf", "models", "spacy_model", "en_core_web_trf"),
        ("STORYLINE_EMBEDDING_MODEL", "/models/minilm", "models", "embedding_model", "/models/minilm"),
        ("STORYLINE_ONNX", "0", "models", "onnx", False),
        ("STORYLINE_ONNX", "off", "models", "onnx", False),
        ("STORYLINE_ONNX", "True", "models", "onnx", True),
        ("STORYLINE_CACHE", "/var/cache/storyline", "models", "cache_dir", Path("/var/cache/storyline")),
        ("STORYLINE_TOKEN", "s3cret", "web", "token", "s3cret"),
    ],
)
def test_from_environment_reads_each_variable(name, text, stage, key, value):
    settings = from_environment({name: text})
    assert getattr(getattr(settings, stage), key) == value
    # nothing else moves
    assert dataclasses.replace(getattr(settings, stage), **{key: getattr(getattr(DEFAULTS, stage), key)}) == (
        getattr(DEFAULTS, stage)
    )


def test_from_environment_covers_every_variable_the_docs_list():
    documented = (SRC.parents[1] / "docs" / "operations.md").read_text()
    for name in config.ENVIRONMENT:
        assert f"`{name}`" in documented, name


def test_from_environment_reads_os_environ_at_call_time(monkeypatch):
    monkeypatch.setenv("STORYLINE_DB", "later.db")
    assert from_environment().store.db == Path("later.db")
    monkeypatch.delenv("STORYLINE_DB")
    assert from_environment().store.db == DEFAULTS.store.db


@pytest.mark.parametrize("text", ["maybe", "2", "-1", "yes please"])
def test_from_environment_bad_switch_names_variable_and_value(text):
    with pytest.raises(ConfigError) as caught:
        from_environment({"STORYLINE_ONNX": text})
    message = str(caught.value)
    assert "STORYLINE_ONNX" in message and repr(text) in message
    assert "\n" not in message


def test_cli_bad_variable_fails_in_one_line(tmp_path):
    env = {"HOME": str(tmp_path), "STORYLINE_ONNX": "maybe", "PYTHONPATH": str(SRC.parent)}
    result = subprocess.run(
        [sys.executable, "-m", "storyline", "failures", "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "error: STORYLINE_ONNX='maybe' is not a switch; set it to 1 or 0 (or true/false, yes/no, on/off)"
    ]
    assert not (tmp_path / "x.db").exists()


def _environment_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """Each read of a `STORYLINE_*` variable: os.environ[...], os.environ.get(...),
    os.getenv(...), and a click option's envvar="STORYLINE_...", by its name written out or
    by a module constant holding it (`TOKEN_ENV = "STORYLINE_TOKEN"`)."""
    constants = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and str(node.value.value).startswith("STORYLINE")
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        names: list[ast.expr] = []
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ"):
            names.append(node.slice)
        elif isinstance(node, ast.Call):
            func = ast.unparse(node.func)
            if func in ("os.getenv", "getenv", "os.environ.get", "environ.get", "os.environ.setdefault"):
                names.extend(node.args[:1])
            names.extend(k.value for k in node.keywords if k.arg in ("envvar", "auto_envvar_prefix"))
        for name in names:
            for part in ast.walk(name):
                if isinstance(part, ast.Constant) and str(part.value).startswith("STORYLINE"):
                    found.append((getattr(node, "lineno", 0), str(part.value)))
                elif isinstance(part, ast.Name) and part.id in constants:
                    found.append((getattr(node, "lineno", 0), part.id))
    return found


def test_environment_read_scan_finds_each_kind_of_read():
    source = (
        "import os\n"
        "a = os.environ['STORYLINE_A']\n"
        "b = os.environ.get('STORYLINE_B')\n"
        "c = os.getenv('STORYLINE_C', '1')\n"
        "d = click.option('--d', envvar='STORYLINE_D')\n"
        "E_ENV = 'STORYLINE_E'\n"
        "e = os.environ.get(E_ENV)\n"
        "f = os.environ.get('HOME')\n"
    )
    names = sorted(name for _, name in _environment_reads(ast.parse(source)))
    assert names == ["E_ENV", "STORYLINE_A", "STORYLINE_B", "STORYLINE_C", "STORYLINE_D"]


def test_config_is_the_one_reader_of_storyline_variables():
    readers = {}
    for path in sorted(SRC.rglob("*.py")):
        reads = _environment_reads(ast.parse(path.read_text(), str(path)))
        if reads:
            readers[str(path.relative_to(SRC))] = reads
    readers.pop("config.py", None)
    assert readers == {}, f"read STORYLINE_* through storyline.config.from_environment: {readers}"
    assert len(list(SRC.rglob("*.py"))) > 50  # the scan saw the package
