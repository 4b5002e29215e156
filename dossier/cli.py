"""The dossier's command line: ingest seeds, build the site, serve a live preview, start a dossier.

`dossier COMMAND` (the console command) works on the dossier in the current folder;
`python build.py COMMAND` on the checkout that holds build.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import signal
import sys
from pathlib import Path

log = logging.getLogger("dossier")
TERMINATED = 128 + signal.SIGTERM
CHECKOUT = Path(__file__).resolve().parent.parent  # where benchmarks/ is, beside build.py
BENCHMARKS = CHECKOUT / "benchmarks"


class Terminated(SystemExit):
    """SIGTERM arrived: unwind as Ctrl-C does (a build drops its staging folder, stops its indexer).

    A SystemExit, so that no event loop or request handler takes it for an error and carries on.
    """


def raise_terminated(signum, frame) -> None:
    raise Terminated(TERMINATED)


def main(argv: list[str] | None = None, root: Path | None = None, prog: str = "dossier") -> int:
    """Run one command; ``root`` is the dossier's folder (default: the current one)."""
    parser = make_parser(root or Path.cwd(), prog)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO, format="%(message)s", stream=sys.stderr
    )
    signal.signal(signal.SIGTERM, raise_terminated)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    except Terminated:
        print("stopped (SIGTERM)", file=sys.stderr)
        return TERMINATED
    except (
        Exception
    ) as error:  # the last line of defence: one line, never a traceback unless --debug
        if args.debug:
            raise
        print(
            f"error: {type(error).__name__}: {error} (run again with --debug for details)",
            file=sys.stderr,
        )
        return 1


def make_parser(root: Path, prog: str = "dossier") -> argparse.ArgumentParser:
    """The command line: ingest then build with no command, or one command per job."""
    common, paths, site = option_groups(root)
    parser = argparse.ArgumentParser(
        prog=prog,
        parents=[common, paths, site],
        description="Arabic-first publisher for curated dossiers. "
        "With no command: ingest new seeds, then build.",
    )
    parser.set_defaults(run=run_default, prog=prog)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add_command in (add_ingest, add_entities, add_build, add_bench, add_serve, add_init):
        add_command(commands, common, paths, site)
    return parser


def option_groups(root: Path) -> tuple[argparse.ArgumentParser, ...]:
    """The options several commands share: --debug; the seeds and content folders; the site's."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks and debug messages")
    paths = argparse.ArgumentParser(add_help=False)
    paths.add_argument(
        "--seeds",
        type=Path,
        default=root / "seeds",
        help="folder of raw seed documents (default: seeds/)",
    )
    paths.add_argument(
        "--content",
        type=Path,
        default=root / "content",
        help="folder of curated pages (default: content/)",
    )
    site = argparse.ArgumentParser(add_help=False)
    site.add_argument(
        "--out", type=Path, default=root / "site", help="output folder (default: site/)"
    )
    site.add_argument("--base-url", help="public URL of the site, for the feed and sitemap")
    site.add_argument("--drafts", action="store_true", help="include draft pages")
    site.add_argument(
        "--layouts",
        type=Path,
        help="templates folder (default: layouts/ beside the content folder)",
    )
    site.add_argument(
        "--no-search", dest="search", action="store_false", help="do not build the search index"
    )
    site.add_argument(
        "--timings",
        action="store_true",
        help="print the seconds spent in each phase (one JSON line)",
    )
    return common, paths, site


def add_ingest(commands, common, paths, site) -> None:
    ingest = commands.add_parser(
        "ingest",
        parents=[common, paths],
        help="turn new seeds into pages under content/",
        description="Split each seed into articles and write one page per new article. "
        "Pages already in the dossier are never changed unless --force.",
    )
    ingest.add_argument(
        "--force",
        action="store_true",
        help="regenerate pages from their seeds, keeping a backup of each",
    )
    ingest.add_argument(
        "--around",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="resolve a weekday named in an article to the nearest such date (marked inferred)",
    )
    ingest.add_argument(
        "--retag",
        action="store_true",
        help="re-detect entities on the pages already in content/ after the gazetteer "
        "changed, keeping the curator's own additions and removals",
    )
    ingest.set_defaults(run=run_ingest)


def add_entities(commands, common, paths, site) -> None:
    entities = commands.add_parser(
        "entities",
        parents=[common, paths],
        help="list names in the pages that the gazetteer does not know",
        description="List the names ingest could not place (after cue words such as «الرئيس», "
        "«مدينة», "
        "«حزب», «صحيفة»; «… بن …», «أبو …»; Latin-script names), with their counts and an "
        "example line, the most widespread first.",
    )
    entities.add_argument(
        "--min",
        type=int,
        default=2,
        metavar="N",
        help="only names in N articles or more (default: 2)",
    )
    entities.add_argument(
        "--limit", type=int, default=50, metavar="N", help="list at most N names (default: 50)"
    )
    entities.add_argument(
        "--write",
        action="store_true",
        help="append the listed names to content/_data/entities.yaml, each marked 'review: true'",
    )
    entities.set_defaults(run=run_entities)


def add_build(commands, common, paths, site) -> None:
    build = commands.add_parser(
        "build",
        parents=[common, paths, site],
        help="render content/ into site/",
        description="Render the curated pages into a static website.",
    )
    build.set_defaults(run=run_build)


def add_bench(commands, common, paths, site) -> None:
    bench = commands.add_parser(
        "bench",
        parents=[common],
        help="time builds of a synthetic dossier",
        description="Generate a synthetic Arabic dossier of N articles from the bundled seed's "
        "sentences, then time cold, no-op and one-edit builds (median of runs).",
    )
    bench.add_argument(
        "--articles", type=int, default=1000, help="how many articles (default: 1000)"
    )
    bench.add_argument("--runs", type=int, default=3, help="runs of each measurement (default: 3)")
    bench.add_argument(
        "--compare",
        action="store_true",
        help="also build the same articles with Hugo, if installed",
    )
    bench.add_argument(
        "--no-preview",
        dest="preview",
        action="store_false",
        help="skip the preview's measurements (they build the whole site twice more)",
    )
    bench.add_argument(
        "--keep",
        type=Path,
        help="generate into this folder and keep it (default: a temporary folder)",
    )
    bench.set_defaults(run=run_bench)


def add_serve(commands, common, paths, site) -> None:
    serve = commands.add_parser(
        "serve",
        parents=[common, paths, site],
        help="build, then preview with live reload",
        description="Ingest new seeds, build, and serve site/ with live reload; rebuild on "
        "every change to content/, layouts/, seeds/ or the settings file.",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; the next free one if taken)"
    )
    serve.add_argument("--no-open", action="store_true", help="do not open a web browser")
    serve.set_defaults(run=run_serve)


def add_init(commands, common, paths, site) -> None:
    init = commands.add_parser(
        "init",
        parents=[common],
        help="start a new dossier in a folder",
        description="Create a dossier: settings, a gazetteer to fill, seeds/ and "
        "content/; it builds with the packaged layouts until you copy "
        "one into its layouts/ to change it.",
    )
    init.add_argument("folder", type=Path, help="a new or empty folder")
    init.set_defaults(run=run_init)


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def print_errors(errors: list) -> None:
    """Each problem on a line of its own, `path:line: message`, on standard error."""
    for error in errors:
        print(error, file=sys.stderr)


def run_ingest(args: argparse.Namespace) -> int:
    from dossier.ingest import ingest_seeds

    if getattr(args, "retag", False):
        return run_retag(args)
    report = ingest_seeds(
        args.seeds,
        args.content,
        force=getattr(args, "force", False),
        around=getattr(args, "around", None),
    )
    print_errors(report.errors)
    log.info(
        "ingest: %d new page(s), %d article(s) already in the dossier, %d problem(s)",
        len(report.written),
        report.skipped,
        len(report.errors),
    )
    return 1 if report.errors else 0


def run_retag(args: argparse.Namespace) -> int:
    from dossier.retag import retag_pages

    report = retag_pages(args.content)
    for change in report.changes:
        print(change.describe())
    print_errors(report.errors)
    log.info(
        "retag: %d page(s) changed, %d unchanged, %d problem(s)",
        len(report.changes),
        report.unchanged,
        len(report.errors),
    )
    return 1 if report.errors else 0


def run_entities(args: argparse.Namespace) -> int:
    from dossier.candidates import find_candidates, write_candidates
    from dossier.errors import ContentError

    if args.min < 1 or args.limit < 1:
        print(f"{args.prog} entities: --min and --limit must be at least 1", file=sys.stderr)
        return 2
    candidates, errors = find_candidates(args.content)
    listed = [c for c in candidates if len(c.pages) >= args.min][: args.limit]
    for candidate in listed:
        print(
            f"{len(candidate.pages):5d} {candidate.count:6d}  {candidate.kind:<13} {candidate.name}"
            f"  | {candidate.example}"
        )
    if args.write and listed:
        try:
            path = write_candidates(args.content, listed)
        except ContentError as error:
            errors.append(error)
        else:
            log.info("entities: %d name(s) added to %s, marked 'review: true'", len(listed), path)
    print_errors(errors)
    log.info(
        "entities: %d unknown name(s), %d listed (articles, times, kind, name, example)",
        len(candidates),
        len(listed),
    )
    return 1 if errors else 0


def run_build(args: argparse.Namespace) -> int:
    from dossier.builder import Builder, BuildOptions, BuildResult
    from dossier.errors import ContentError
    from dossier.lock import SiteLock
    from dossier.parallel import default_workers

    try:
        with SiteLock(args.out, "build").hold():  # another build of this site/ finishes first
            options = BuildOptions(
                args.content,
                args.out,
                layouts_dir=args.layouts,
                base_url=args.base_url,
                drafts=args.drafts,
                search=args.search,
                workers=default_workers(),
            )
            builder = Builder.for_cli(options)
            result = builder.build()
    except ContentError as error:
        result = BuildResult(errors=[error])
    print_errors(result.errors)
    if result.errors:
        log.info("build failed: %d problem(s); %s was left as it was", len(result.errors), args.out)
        return 1
    log.info(
        "built %d page(s), %d output(s) rendered, %d file(s) changed, in %.0f ms",
        result.pages,
        result.rendered,
        len(result.changed),
        result.seconds * 1000,
    )
    if args.timings:
        print(
            "timings: " + json.dumps({phase: round(s, 4) for phase, s in result.timings.items()}),
            file=sys.stderr,
        )
    return 0


def run_bench(args: argparse.Namespace) -> int:
    if not ((CHECKOUT / "build.py").is_file() and (BENCHMARKS / "bench.py").is_file()):
        print(
            f"{args.prog} bench: needs a checkout of the dossier project ({BENCHMARKS} is "
            "not installed with the package)",
            file=sys.stderr,
        )
        return 2
    sys.path.insert(0, str(BENCHMARKS.parent))  # the checkout: benchmarks/ is never installed
    from benchmarks.bench import run_benchmark

    if args.articles < 1 or args.runs < 1:
        print(f"{args.prog} bench: --articles and --runs must be at least 1", file=sys.stderr)
        return 2
    print(run_benchmark(args.articles, args.runs, args.compare, args.keep, args.preview))
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from dossier.builder import Builder, BuildOptions
    from dossier.serve import serve

    options = BuildOptions(
        args.content,
        args.out,
        layouts_dir=args.layouts,
        base_url=args.base_url,
        drafts=args.drafts,
        root_path="/",  # the preview server answers any missed address with 404.html
    )
    builder = Builder.for_preview(options)
    serve(
        builder,
        args.seeds,
        host=args.host,
        port=args.port,
        open_browser=not args.no_open,
        settings_path=builder.settings_path,
    )
    return 0


def run_init(args: argparse.Namespace) -> int:
    from dossier.errors import ContentError
    from dossier.init import init_dossier

    try:
        written = init_dossier(args.folder)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
    log.info(
        "init: a new dossier in %s (%d files); put seeds in %s, then: %s ingest && %s build",
        args.folder,
        len(written),
        args.folder / "seeds",
        args.prog,
        args.prog,
    )
    return 0


def run_default(args: argparse.Namespace) -> int:
    ingest_status = run_ingest(args)
    return max(ingest_status, run_build(args))
