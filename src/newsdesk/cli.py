"""The ``newsdesk`` command: thin commands over the library.

Library errors print one line and exit 1; usage errors exit 2 (click's rule).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from .errors import NewsdeskError

DEFAULT_DB = "newsdesk.db"


def db_option(fn):
    return click.option(
        "--db",
        default=DEFAULT_DB,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="SQLite database of the desk.",
    )(fn)


def config_options(fn):
    fn = click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar="KEY=VALUE",
        help="Override one setting, e.g. --set dedup.threshold=0.85 (repeatable).",
    )(fn)
    return click.option(
        "--config",
        "config_path",
        type=click.Path(exists=True, dir_okay=False),
        help="A TOML file of settings (see docs/configuration.md).",
    )(fn)


def progress_option(fn):
    return click.option(
        "--progress/--no-progress",
        default=None,
        help="Progress bar with total, rate and time left (default: on a terminal).",
    )(fn)


def _showing(progress: bool | None) -> bool:
    return sys.stderr.isatty() if progress is None else progress


def library_errors(fn):
    """Turn library errors into a one-line message and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except NewsdeskError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(1)

    return wrapper


def open_desk(db: str, config_path: str | None = None, overrides=(), must_exist: bool = False):
    from .desk import Desk

    if must_exist and db != ":memory:" and not Path(db).exists():
        raise NewsdeskError(f"no desk at {db}; create one with `newsdesk add PATH --db {db}` or pass --db")
    return Desk(db, config=config_path, overrides=overrides, on_wait=lambda message: click.echo(message, err=True))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsdesk")
def main():
    """newsdesk: a sourced record of stories, events and claims from news articles."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@config_options
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs that do not state one.")
@click.option("--source", "source_name", help="Outlet name for inputs that do not state one.")
@progress_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for the per-article steps (parse, extract); the desk steps stay in order, so the "
    "result is the same with any number. Default: the machine's cores.",
)
@library_errors
def add(paths, db, config_path, overrides, published, source_name, progress, workers):
    """Add articles from files, folders, globs or - (stdin): text, JSONL, HTML, RSS/Atom, WARC."""
    from . import ingest
    from .progress import bar
    from .workers import default_workers

    for _ in ingest.named(paths):  # a path that does not exist is an error before the database is created
        pass
    if published is not None:
        ingest.given_date(published)
    desk = open_desk(db, config_path, overrides)
    show = _showing(progress)
    with desk, bar("adding", ingest.count(paths) if show else None, enabled=show) as advance:
        summary = desk.add(
            list(paths),
            published=published,
            source_name=source_name,
            progress=advance,
            workers=workers or default_workers(),
        )
    click.echo(str(summary))
    for skip in summary.skipped:
        click.echo(f"  skipped {skip.origin}: {skip.reason}" + (f" ({skip.detail})" if skip.detail else ""))
    if summary.undated:
        click.secho(
            f"warning: {len(summary.undated)} of the articles added have no publication date (e.g. "
            f'{summary.undated[0]}): relative dates ("on Tuesday") and event dates stay empty. Add them '
            f"again with --published YYYY-MM-DD, or give a `published` field (JSONL, sidecar .json).",
            fg="yellow",
            err=True,
        )


@main.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "parquet", "acled"]),
    default="json",
    show_default=True,
    help="json: the export contract; csv/parquet: a folder of tables; acled: ACLED-style CSV.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help="File to write (json, acled; - for stdout) or folder (csv, parquet).",
)
@progress_option
@library_errors
def export(db, fmt, output, progress):
    """Export the desk (schema newsdesk/1, docs/export.md)."""
    from .progress import bar
    from .store.export import SECTIONS, TABLES

    show = _showing(progress)
    with open_desk(db, must_exist=True) as desk:
        total, unit = {"acled": (len(desk.stories()), "stories"), "json": (len(SECTIONS), "sections")}.get(
            fmt, (len(TABLES), "tables")
        )
        with bar("exporting", total, unit, enabled=show) as advance:
            desk.export(output, fmt, progress=advance)
    if output != "-":
        click.echo(f"wrote {output}", err=True)


@main.command()
@db_option
@library_errors
def articles(db):
    """List the articles: id, published, language, source, story, title, and notes such as unsupported_language."""
    with open_desk(db, must_exist=True) as desk:
        rows = desk.store.article_rows()
        skips = desk.skips()
    for row in rows:
        mark = f" [duplicate of {row['duplicate_of']}]" if row["duplicate_of"] else ""
        mark += "".join(f" [{code}]" for code in (row["notes"] or "").split(",") if code)
        click.echo(
            f"{row['id']:<28} {row['published'] or '-':<10} {(row['language'] or '-')[:5]:<5} "
            f"{(row['source'] or '-')[:16]:<16} {(row['story'] or '-')[:12]:<12}  {row['title'][:70]}{mark}"
        )
    click.echo(f"{len(rows)} articles, {len(skips)} skipped inputs", err=True)


@main.command()
@click.argument("article_id")
@db_option
@library_errors
def show(article_id, db):
    """One article: metadata, paragraphs with their roles, repairs highlighted."""
    from .render import article_text

    with open_desk(db, must_exist=True) as desk:
        click.echo(article_text(desk.article(article_id), color=sys.stdout.isatty()))


@main.command()
@db_option
@library_errors
def skips(db):
    """Inputs that could not be read, with the reason."""
    with open_desk(db, must_exist=True) as desk:
        for skip in desk.skips():
            click.echo(f"{skip.reason:<14} {skip.origin}  {skip.detail}")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@config_options
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=None,
    help="Jaccard similarity of word 5-gram shingles at or above which two texts are near-duplicates "
    "(default: dedup.threshold, 0.8).",
)
@click.option(
    "--keep",
    type=click.Choice(["first", "longest"]),
    default=None,
    help="Write the deduplicated corpus (one text per group: the first read or the longest) instead of pairs.",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="JSONL file to write: {a, b, similarity} pairs, or the kept articles with --keep.",
)
@progress_option
@library_errors
def dedup(inputs, config_path, overrides, threshold, keep, output, progress):
    """Near-duplicates of a corpus (text, JSONL, HTML, WARC), without a database (docs/dedup.md)."""
    from . import config as config_module
    from . import ingest
    from .dedup import corpus
    from .dedup.fingerprint import Settings
    from .progress import bar

    settings_config = config_module.load(config_path, overrides)
    section = dict(settings_config["dedup"])
    if threshold is not None:
        section["threshold"] = threshold
    show = _showing(progress)
    with bar("reading", ingest.count(inputs) if show else None, enabled=show) as advance:
        found_corpus = corpus.read(list(inputs), ingest.Options.from_config(settings_config["ingest"]), advance)
    found = corpus.pairs(found_corpus.articles, Settings.from_config(section))
    out = click.open_file(output, "w", encoding="utf-8")
    with out:
        if keep:
            kept = corpus.kept(found_corpus.articles, found, keep)
            corpus.write_articles(kept, out)
        else:
            corpus.write_pairs(found_corpus.articles, found, out)
    summary = f"{len(found_corpus.articles)} articles, {len(found)} near-duplicate pairs"
    if keep:
        summary += f", kept {len(kept)}"
    if found_corpus.skipped:
        summary += f", skipped {len(found_corpus.skipped)} inputs"
    click.echo(summary, err=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write: one Parquet dataset per table of the export contract, plus records and skips.",
)
@click.option(
    "--engine",
    type=click.Choice(["dask"]),
    default="dask",
    show_default=True,
    help="Distributed engine (Dask distributed; install with pip install 'newsdesk[scale]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Address of a running Dask scheduler (tcp://host:8786); default: a local cluster.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes of the local cluster (default: the machine's cores).",
)
@config_options
@library_errors
def batch(inputs, output, engine, scheduler, workers, config_path, overrides):
    """Process a corpus (files, folders, globs: text, JSONL, HTML, feeds, WARC) on a Dask cluster into Parquet
    tables (docs/scale.md); `newsdesk load` turns the result into a desk."""
    from . import config as config_module
    from .distributed import batch as batch_module
    from .workers import default_workers

    settings = config_module.load(config_path, overrides)
    summary = batch_module.run(
        list(inputs), output, settings, scheduler=scheduler, workers=workers or default_workers()
    )
    click.echo(str(summary))
    for skip in summary.skipped:
        click.echo(f"  skipped {skip.origin}: {skip.reason}" + (f" ({skip.detail})" if skip.detail else ""))


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@db_option
@config_options
@library_errors
def load(folder, db, config_path, overrides):
    """Load a `newsdesk batch` result into a desk: its parsed articles go through the desk steps in input order
    (no parsing), so the desk can be browsed and added to."""
    from .distributed import batch as batch_module

    with open_desk(db, config_path, overrides) as desk:
        count = batch_module.load(folder, desk)
    click.echo(f"loaded {count} articles into {db}")


@main.command()
@db_option
@library_errors
def stories(db):
    """List the stories: id, title, articles (duplicates not counted), outlets, independent sources (outlets
    that copied another's text count once), first and last date."""
    from .outlets import outlet_count

    with open_desk(db, must_exist=True) as desk:
        rows = desk.stories()
        articles = {row["id"]: row for row in desk.store.article_rows()}
    click.echo(f"{'id':<16}  {'articles':>8}  {'outlets':>7}  {'indep.':>6}  {'first':<10}  {'last':<10}  title")
    for story in rows:
        count = sum(1 for a in story.articles if not articles[a]["duplicate_of"])
        extra = len(story.articles) - count
        shown = f"{count}+{extra}d" if extra else str(count)
        click.echo(
            f"{story.id:<16}  {shown:>8}  {outlet_count(articles[a] for a in story.articles):>7}  "
            f"{story.independent_sources:>6}  {story.first_published or '-':<10}  "
            f"{story.last_published or '-':<10}  {story.title[:80]}"
        )
    click.echo(f"{len(rows)} stories", err=True)


@main.command()
@click.argument("story_id")
@db_option
@library_errors
def story(story_id, db):
    """One story: its articles in time order, the paragraphs each re-uses from earlier ones, and what each adds."""
    from .reconcile.novelty import novelty_text
    from .render import story_text

    with open_desk(db, must_exist=True) as desk:
        found = desk.story(story_id)
        click.echo(story_text(desk, found, color=sys.stdout.isatty()))
        click.echo(novelty_text(desk, found))


@main.command()
@click.option("--story", help="Only the claims of this story (an id or its start, from `newsdesk stories`).")
@click.option(
    "--speaker", help="Only claims whose speaker text or resolved entity name contains NAME (any case).", metavar="NAME"
)
@click.option("--wide", is_flag=True, help="Show speakers and contents whole, contents wrapped to the terminal width.")
@db_option
@library_errors
def claims(story, speaker, wide, db):
    """Who said what: speaker (→ resolved entity), cue, stance, date and content of each attributed statement."""
    from .render import claims_table

    with open_desk(db, must_exist=True) as desk:
        click.echo(claims_table(desk.attributed(story=story, speaker=speaker), wide=wide))


@main.command()
@click.argument("sources", nargs=-1)
@db_option
@config_options
@click.option("--once", is_flag=True, help="Poll every source once, store what is new, then exit (for cron).")
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    default=None,
    help="Seconds between polls of the sources named here (default: watch.interval, 900).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also fetch loopback, private and link-local addresses (a local server, an intranet); "
    "cloud metadata addresses stay refused.",
)
@library_errors
def watch(sources, db, config_path, overrides, once, interval, allow_private):
    """Follow RSS/Atom feeds, news sitemaps and folders: poll each on its interval, add each new article
    (docs/watch.md). Without SOURCE, the [watch] sources of the config, else those the desk watched before."""
    import signal

    from .watch import Settings, Watch, watched

    desk = open_desk(db, config_path, overrides)
    with desk:
        settings = Settings.from_config(desk.config["watch"])
        found = watched(desk.store, list(sources), settings, interval)
        if not found:
            raise click.UsageError("name a feed, sitemap or folder to watch, or list them in [watch] sources")
        watcher = Watch(desk, found, settings, allow_private=allow_private, report=lambda m: click.echo(m, err=True))

        def stop(signum, frame):
            if watcher.stop.is_set():  # a second Ctrl-C does not wait
                raise KeyboardInterrupt
            click.echo("stopping after the articles in hand (Ctrl-C again to quit now)", err=True)
            watcher.stop.set()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        stats = watcher.run(once=once)
    click.echo(str(stats))


@main.command()
@db_option
@library_errors
def sources(db):
    """Health of each watched source: last poll, status, new articles (last poll / all), pages waiting, errors by kind."""
    from .watch import sources_health

    with open_desk(db, must_exist=True) as desk:
        rows = sources_health(desk.store)
    click.echo(
        f"{'last poll':<20}  {'status':<12}  {'new':>4}  {'articles':>8}  {'waiting':>7}  {'errors':<24}  source"
    )
    for row in rows:
        errors = ", ".join(f"{kind} {n}" for kind, n in row["errors"].items()) or "-"
        click.echo(
            f"{row['last_poll'] or 'never':<20}  {row['last_status'] or '-':<12}  {row['last_new']:>4}  "
            f"{row['articles']:>8}  {row['pending']:>7}  {errors:<24}  {row['source']} ({row['kind']})"
        )
    click.echo(f"{len(rows)} sources", err=True)


@main.command()
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default is reachable from this machine only.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--token",
    envvar="NEWSDESK_TOKEN",
    help="Enable POST /api/v1/articles for clients sending "
    "'Authorization: Bearer TOKEN' (also read from NEWSDESK_TOKEN).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes; each builds its own view of the desk (memory grows with them).",
)
@library_errors
def serve(db, host, port, token, workers):
    """The desk in a browser and over HTTP: pages and the JSON API /api/v1 (docs/serve.md)."""
    from .web import LOOPBACK
    from .web import serve as run

    if host not in LOOPBACK:
        click.echo(f"warning: listening on {host}: anyone who can reach it can read the desk", err=True)
    click.echo(f"serving {db} on http://{'[' + host + ']' if ':' in host else host}:{port}/ (Ctrl+C stops)", err=True)
    run(db, host=host, port=port, token=token, workers=workers)


if __name__ == "__main__":  # pragma: no cover
    main()
