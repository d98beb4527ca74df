"""Quality and speed benchmarks: ``python -m bench.<stage> [--limit N]``, figures in bench/out/."""
