"""Run the fuzz targets for a while: `python fuzz/run.py --minutes 10 [--target html ...]`.

Exits 1 on the first crash or hang, printing the input that caused it (saved under
fuzz/crashes/); exits 0 when every target ran its share of the time without one.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fuzz.strategies import strategy_for  # noqa: E402
from fuzz.targets import TARGETS, run_bounded, sample_warc  # noqa: E402

CRASHES = Path(__file__).resolve().parent / "crashes"


def fuzz(name: str, seconds: float) -> int:
    """Run one target for about `seconds`; return the number of inputs tried."""
    target, tried = TARGETS[name], 0
    deadline = time.monotonic() + seconds

    @settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy_for(name, sample_warc()))
    def round_(data: bytes) -> None:
        nonlocal tried
        tried += 1
        try:
            run_bounded(target, data)
        except BaseException:
            CRASHES.mkdir(exist_ok=True)
            path = CRASHES / f"{name}-{hashlib.sha1(data).hexdigest()[:12]}"
            path.write_bytes(data)
            print(f"{name}: crash or hang, input saved to {path}", file=sys.stderr)
            raise

    while time.monotonic() < deadline:
        round_()
    return tried


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--target", action="append", choices=sorted(TARGETS))
    args = parser.parse_args()
    names = args.target or list(TARGETS)
    share = args.minutes * 60 / len(names)
    for name in names:
        started = time.monotonic()
        try:
            tried = fuzz(name, share)
        except Exception as e:  # the crash itself was printed by hypothesis
            print(f"{name}: FAILED ({type(e).__name__})", file=sys.stderr)
            return 1
        print(f"{name}: {tried} inputs in {time.monotonic() - started:.0f} s, no crash, no hang")
    return 0


if __name__ == "__main__":
    sys.exit(main())
