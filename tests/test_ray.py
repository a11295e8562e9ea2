"""`storyline ingest --ray` on a real local Ray cluster: the same briefing as one process.

The cluster's address comes from STORYLINE_RAY_ADDRESS, which `scripts/with-ray-cluster.sh`
sets (CI runs the tests under it). Without it the cluster tests skip; with it, a cluster that
does not answer fails them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import SAMPLE

ADDRESS = os.environ.get("STORYLINE_RAY_ADDRESS", "")
STORYLINE = [sys.executable, "-m", "storyline"]


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*STORYLINE, *args], capture_output=True, text=True, timeout=600, env=env, cwd=SAMPLE.parent
    )


@pytest.fixture(scope="module")
def cluster() -> str:
    if not ADDRESS:
        pytest.skip("STORYLINE_RAY_ADDRESS is not set: run under scripts/with-ray-cluster.sh, as CI does")
    host, _, port = ADDRESS.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as e:
        pytest.fail(f"STORYLINE_RAY_ADDRESS={ADDRESS} but no Ray cluster answers there: {e}")
    return ADDRESS


@pytest.mark.ray
@pytest.mark.models
def test_ray_ingest_gives_the_single_process_briefing(cluster, tmp_path):
    on_ray, alone, parquet = tmp_path / "ray.db", tmp_path / "alone.db", tmp_path / "parquet"
    manifest = str(SAMPLE / "manifest.jsonl")
    done = _run("ingest", str(SAMPLE), "--manifest", manifest, "--db", str(on_ray), "--ray", cluster,
                "--parquet", str(parquet), "-q")  # fmt: skip
    assert done.returncode == 0, done.stderr

    import pyarrow.parquet as pq

    table = pq.read_table(parquet)
    assert table.num_rows == 8 and table.column("failure").null_count == 8
    assert sorted(table.column("index").to_pylist()) == list(range(8))

    # The brief finds every parse and every article's quote tags done on the cluster.
    ray_brief = _run("brief", str(SAMPLE), "--manifest", manifest, "--db", str(on_ray), "--format", "json",
                     "-v")  # fmt: skip
    assert ray_brief.returncode == 0, ray_brief.stderr
    assert "0 articles parsed, 8 from the store" in ray_brief.stderr
    assert "0 articles tagged, 8 from the store" in ray_brief.stderr
    one_process = _run("brief", str(SAMPLE), "--manifest", manifest, "--db", str(alone), "--format", "json")
    assert one_process.returncode == 0, one_process.stderr
    assert ray_brief.stdout == one_process.stdout
    assert json.loads(ray_brief.stdout)["articles"]

    # The store's own views work as after a single-process ingest.
    for command in (["events", "--format", "json"], ["timeline", "--format", "json"]):
        ray_view = _run(*command, "--db", str(on_ray))
        assert ray_view.returncode == 0, ray_view.stderr
        assert ray_view.stdout == _run(*command, "--db", str(alone)).stdout


@pytest.mark.ray
@pytest.mark.models
def test_ray_ingest_fails_the_items_a_single_process_fails(cluster, tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(SAMPLE, folder)
    (folder / "09_empty.txt").write_text("", "utf-8")
    (folder / "10_too_short.txt").write_text("Read more.\n", "utf-8")
    (folder / "11_nav.html").write_text("<html><body><nav>Home | World</nav></body></html>", "utf-8")
    outputs = []
    for name, extra in (("alone", []), ("ray", ["--ray", cluster, "--parquet", str(tmp_path / "pq")])):
        db = str(tmp_path / f"{name}.db")
        done = _run("ingest", str(folder), "--manifest", str(folder / "manifest.jsonl"), "--db", db, *extra)
        assert done.returncode == 0, done.stderr
        tally = [line for line in done.stderr.splitlines() if "articles read" in line]
        failures = _run("failures", "--db", db).stdout
        brief = _run("brief", str(folder), "--manifest", str(folder / "manifest.jsonl"), "--db", db,
                     "--format", "json", "-q")  # fmt: skip
        outputs.append((tally, failures, brief.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == ["8 articles read, 8 new, 8 in store, 3 failed"]


@pytest.mark.ray
def test_ray_ingest_into_a_used_parquet_folder_is_refused(cluster, tmp_path):
    parquet = tmp_path / "parquet"
    parquet.mkdir()
    (parquet / "old.parquet").write_bytes(b"")
    db = str(tmp_path / "s.db")
    done = _run("ingest", str(SAMPLE), "--db", db, "--ray", cluster, "--parquet", str(parquet))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: {parquet}: the Parquet folder is not empty; pass a new --parquet folder"
    ]


def test_ray_address_nobody_answers_is_a_one_line_error(tmp_path):
    pytest.importorskip("ray", reason="needs the [ray] extra")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = _run("ingest", str(SAMPLE), "--db", str(tmp_path / "s.db"), "--ray", f"127.0.0.1:{port}")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: no Ray cluster answers at 127.0.0.1:{port}")
    assert not (tmp_path / "s.db").exists() or "articles" not in lines[0]


def test_without_ray_the_flag_says_how_to_install_and_ingest_works(tmp_path):
    # A process in which `import ray` fails, as where the extra is not installed.
    script = "import sys; sys.modules['ray'] = None; from storyline.cli import main; main()"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300, env=env
        )

    db = str(tmp_path / "s.db")
    refused = run("ingest", str(SAMPLE), "--db", db, "--ray", "auto")
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "error: --ray needs Ray Data, which is not installed: pip install 'storyline[ray]'"
    ]
    plain = run("ingest", str(SAMPLE), "--db", db)
    assert plain.returncode == 0, plain.stderr
    assert "8 articles read, 8 new" in plain.stderr


@pytest.mark.parametrize(
    ("documents", "workers", "batch_size", "expected"),
    [
        (120, 2, 16, (8, 15)),  # enough documents: batches as large as allowed, 4+ blocks a worker
        (30, 2, 16, (8, 4)),  # few documents: smaller batches, so the short ones even the loads out
        (3, 2, 16, (3, 1)),
        (1, 4, 16, (1, 1)),
        (1000, 2, 16, (63, 16)),  # never more than batch_size documents a batch
    ],
)
def test_documents_are_cut_into_enough_blocks_for_every_worker(documents, workers, batch_size, expected):
    from storyline.distributed.ray_runner import _batching

    blocks, per_batch = _batching(documents, workers, batch_size)
    assert (blocks, per_batch) == expected
    assert blocks * per_batch >= documents > (blocks - 1) * per_batch
