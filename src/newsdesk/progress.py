"""Progress bars for the CLI (rich): total, rate and time left on stderr; the library takes a plain callback."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator


@contextmanager
def bar(
    description: str, total: int | None, unit: str = "articles", enabled: bool = True
) -> Iterator[Callable[[int], None] | None]:
    """A progress bar as an ``advance(n)`` callback (``None`` when not ``enabled``); ``total`` None when not known."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TextColumn("elapsed"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task(description, total=total, rate="")

        def advance(n: int) -> None:
            speed = progress.tasks[task].speed
            progress.update(task, advance=n, rate=f"{speed:.1f} {unit}/s" if speed else "")

        yield advance
