"""Run every benchmark, then the quality gate: ``make bench`` (well over an hour on 2 cores).

.venv/bin/python -m bench [--limit N]     # N: a quick run on the first N items of each dataset
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from . import gate

STAGES = (
    "clean",
    "ingest",
    "language",
    "dedup",
    "stories",
    "extract_places",
    "extract_facts",
    "claims",
    "events",
    "reconcile",
    "watch",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="items per dataset, for a quick run")
    args = parser.parse_args()
    failed = []
    for stage in STAGES:
        command = [sys.executable, "-m", f"bench.{stage}"] + (["--limit", str(args.limit)] if args.limit else [])
        print(f"\n#### {' '.join(command[1:])}", flush=True)
        if subprocess.run(command).returncode != 0:
            failed.append(stage)
    print()
    status = gate.main()
    if failed:
        print(f"benchmarks that failed to run: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed or status else 0


if __name__ == "__main__":
    sys.exit(main())
