"""The quality gate: headline figures against the floors in bench/baseline.toml.

Each benchmark writes ``bench/out/STAGE.json`` with a flat ``headline`` dict;
``[STAGE]`` in baseline.toml holds a floor per figure and ``[STAGE.max]`` a
ceiling for figures where lower is better (errors, seconds, memory).

    .venv/bin/python -m bench.gate            # check every stage that has results
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).parent
BASELINE = HERE / "baseline.toml"
OUT = HERE / "out"


def floors() -> dict:
    return tomllib.loads(BASELINE.read_text(encoding="utf-8"))


def check(stage: str, headline: dict, quiet: bool = False) -> list[str]:
    """Regressions of one stage's headline figures (printed as a table unless ``quiet``)."""
    table = floors().get(stage, {})
    limits = [(name, value, ">=") for name, value in table.items() if name != "max"]
    limits += [(name, value, "<=") for name, value in table.get("max", {}).items()]
    regressions = []
    if not quiet:
        print(f"== {stage}: against bench/baseline.toml")
    for name, limit, sign in limits:
        value = headline.get(name)
        if value is None:
            verdict = "not measured"
        else:
            ok = value >= limit if sign == ">=" else value <= limit
            verdict = "ok" if ok else "REGRESSION"
            if not ok:
                regressions.append(f"{stage}.{name} = {value} (limit {sign} {limit})")
        if not quiet:
            shown = "-" if value is None else (f"{value:.4g}" if isinstance(value, float) else value)
            print(f"  {name:40s} {shown!s:>10} {sign} {limit:<8} {verdict}")
    return regressions


def main() -> int:
    regressions = []
    for stage in floors():
        path = OUT / f"{stage}.json"
        if not path.exists():
            print(f"== {stage}: no results (run .venv/bin/python -m bench.{stage})")
            continue
        regressions += check(stage, json.loads(path.read_text(encoding="utf-8")).get("headline", {}))
    for line in regressions:
        print(f"regression: {line}", file=sys.stderr)
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
