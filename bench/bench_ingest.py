"""Benchmark: how fast storyline reads the web's formats, next to the tools a user would use bare.

Measures, in one run:
  1. HTML extraction on the 181 pages of the article-extraction benchmark: storyline's
     `clean_document` (trafilatura with metadata, link and furniture rules, debris rules) beside
     bare `trafilatura.extract` and `trafilatura.bare_extraction(with_metadata=True)`; pages/s,
     best of 3 passes (the issue's bound: within 1.5x of bare trafilatura);
  2. WARC streaming: the same pages written N times into one gzipped WARC (warcio), then read
     record by record by storyline's `iter_warc` (FastWARC) beside warcio's `ArchiveIterator`,
     records/s; then the whole `storyline.pipeline.ingest` of the archive (read, extract, clean,
     store in SQLite) in pages/s, and the process's peak memory for 1x and Nx the archive, to show
     that memory does not grow with the archive.

Run from the project root:
    .venv/bin/python bench/bench_ingest.py [--shared ../shared] [--copies 10]
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

PASSES = 3


def extraction(pages) -> dict[str, float]:
    """Pages per CPU-second of each extractor. CPU time of this process, not wall time, and
    each page's fastest of PASSES runs with the extractors taking turns page by page, so that
    load from other processes on a 2-core machine hits them alike."""
    import trafilatura

    from storyline.evaluate.extraction import storyline_extractor

    extractors = {
        "storyline clean_document": lambda p: storyline_extractor(p.html, p.url),
        "trafilatura.extract (bare)": lambda p: trafilatura.extract(p.html, url=p.url),
        "trafilatura.bare_extraction + metadata": lambda p: trafilatura.bare_extraction(
            p.html, url=p.url, with_metadata=True
        ),
    }
    best = {name: [float("inf")] * len(pages) for name in extractors}
    for _ in range(PASSES):
        for i, page in enumerate(pages):
            for name, extract in extractors.items():
                started = time.process_time()
                extract(page)
                best[name][i] = min(best[name][i], time.process_time() - started)
    return {name: len(pages) / sum(times) for name, times in best.items()}


def write_warc(path: Path, pages, copies: int) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    count = 0
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for copy in range(copies):
            for page in pages:
                http = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                url = f"{page.url}?copy={copy}"
                writer.write_record(
                    writer.create_warc_record(
                        url, "response", payload=io.BytesIO(page.html.encode("utf-8")), http_headers=http
                    )
                )
                count += 1
    return count


def warc_reading(path: Path, records: int) -> dict[str, float]:
    """Records/s of each reader, best of PASSES runs taken in turns. storyline checks each
    record's block digest and decodes the HTML; the warcio peer is timed doing the same (digest
    check, payload decoded) and bare."""
    from warcio.archiveiterator import ArchiveIterator

    from storyline.ingest.warc import iter_warc

    def ours() -> int:
        return sum(1 for _ in iter_warc(path, max_bytes=50 * 2**20))

    def warcio_reader(check: bool) -> int:
        count = 0
        with open(path, "rb") as f:
            for record in ArchiveIterator(f, check_digests=check):
                if record.rec_type == "response":
                    body = record.content_stream().read()
                    if check:
                        body.decode("utf-8", errors="replace")
                    count += 1
        return count

    readers = {
        "storyline iter_warc (FastWARC, digests checked, decoded)": ours,
        "warcio (digests checked, decoded)": lambda: warcio_reader(True),
        "warcio (bare read)": lambda: warcio_reader(False),
    }
    best = dict.fromkeys(readers, float("inf"))
    for _ in range(PASSES):
        for name, read in readers.items():
            started = time.perf_counter()
            n = read()
            best[name] = min(best[name], time.perf_counter() - started)
            assert n == records, (name, n, records)
    return {name: records / seconds for name, seconds in best.items()}


INGEST_CHILD = """
import json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
from storyline import pipeline
from storyline.store import Store
started = time.perf_counter()
with Store(sys.argv[2]) as store:
    result = pipeline.ingest([sys.argv[1]], store)
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "articles": len(result.article_ids),
                  "failures": len(result.failures),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def warc_ingest(path: Path, folder: Path) -> dict:
    """The whole ingest of an archive, in a fresh process so that peak memory is its own."""
    db = folder / f"{path.stem}.db"
    out = subprocess.run(
        [sys.executable, "-c", INGEST_CHILD, str(path), str(db)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from storyline.evaluate.extraction import read_benchmark

    pages = read_benchmark(Path(args.shared) / "data" / "extraction")
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    print(f"# HTML extraction, {len(pages)} pages, each page's fastest of {PASSES} runs")
    speeds = extraction(pages)
    for name, value in speeds.items():
        print(f"{name:45} {value:7.1f} pages per CPU-second")
    ratio = speeds["trafilatura.extract (bare)"] / speeds["storyline clean_document"]
    print(f"{'storyline is slower than bare trafilatura by':45} {ratio:7.2f}x (bound: 1.5x)")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small, big = folder / "one.warc.gz", folder / "many.warc.gz"
        n_small = write_warc(small, pages, 1)
        n_big = write_warc(big, pages, args.copies)
        print(f"\n# WARC reading, {n_big} records ({big.stat().st_size / 2**20:.1f} MB gzipped)")
        for name, value in warc_reading(big, n_big).items():
            print(f"{name:58} {value:7.0f} records/s")
        print("\n# WARC ingest (read, extract, clean, store), fresh process each")
        for label, path, n in (("1x", small, n_small), (f"{args.copies}x", big, n_big)):
            r = warc_ingest(path, folder)
            print(
                f"{label:4} {n:6} records: {r['seconds']:7.1f} s = {n / r['seconds']:5.1f} pages/s, "
                f"{r['articles']} articles, {r['failures']} failed, peak memory {r['peak_mb']:.0f} MB"
            )
    used = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"\n(this process: {used.ru_utime - cpu_before.ru_utime:.0f} s CPU; check `uptime` for "
        "other load: on 2 cores, anything else running skews these figures)"
    )


if __name__ == "__main__":
    main()
