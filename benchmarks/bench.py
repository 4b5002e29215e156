"""Benchmark: generate a synthetic Arabic dossier of N articles, then time cold, no-op and one-edit
builds.

Everything is deterministic (a seeded random generator over the bundled seed's sentences), so two
runs on the same machine build the same corpus. Each build runs as a separate `build.py` process,
as a user would run it; its peak memory is read from the kernel (wait4), children included.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from dossier.gazetteer import KINDS, load_gazetteer
from dossier.textio import decode_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_9fdb9262263929b5.txt"
GAZETTEER = ROOT / "content" / "_data" / "entities.yaml"
SENTENCE_END = re.compile(r"(?<=[.!؟])\s+")
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = 6 * 365
PHASES = ("load", "markdown", "collect", "render", "write", "search")
SAMPLE_SECONDS = 0.5  # reading PSS costs CPU: every 0.1 s it took 10% of a core at 64,000
TIMINGS_PREFIX = "timings: "
# Builds run as on a user's machine, where Python keeps the compiled modules between runs: this
# sandbox sets PYTHONDONTWRITEBYTECODE, which adds 0.07 s of compiling (CPU) to every run.
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
RATIOS = (
    ("cold build", "Hugo, then Pagefind"),
    ("cold build, no search index", "Hugo cold build"),
    ("one edit, command line", "Hugo cold build"),
    ("no-op rebuild", "Hugo cold build"),
)
HUGO_LAYOUTS = {
    "_default/baseof.html": '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
    '<title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>\n',
    "_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>'
    '<time>{{ .Date.Format "2006-01-02" }}</time>{{ .Content }}{{ range .Params.tags }}'
    '<a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}{{ end }}\n',
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
    "index.html": '{{ define "main" }}<ul>{{ range .Site.RegularPages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
}


# --- The corpus ---------------------------------------------------------------------------------


def seed_sentences(seed_path: Path = SEED) -> list[str]:
    """The bundled seed's sentences (paragraph text split at full stops), headlines left out."""
    text = decode_text(seed_path.read_bytes(), str(seed_path))
    paragraphs = [line.strip() for line in text.splitlines() if len(line.strip()) > 80]
    return [s.strip() for p in paragraphs for s in SENTENCE_END.split(p) if len(s.split()) >= 4]


def entity_names(gazetteer_path: Path = GAZETTEER) -> dict[str, list[str]]:
    gazetteer = load_gazetteer(gazetteer_path, str(gazetteer_path))
    names: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for entity in gazetteer.entities:
        names[entity.kind].append(entity.name)
    return names


def synthetic_article(
    number: int, rng: random.Random, sentences: list[str], names: dict[str, list[str]]
) -> tuple[dict, str]:
    """One article's front matter and Markdown body: 400-800 words, some headings and quotes."""
    target = rng.randint(400, 800)
    paragraphs, count = [], 0
    while count < target:
        if paragraphs and rng.random() < 0.12:
            paragraphs.append("## " + " ".join(rng.choice(sentences).split()[:5]))
        elif paragraphs and rng.random() < 0.1:
            paragraphs.append("> " + rng.choice(sentences))
        paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 3)))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    chosen = {
        kind: sorted(set(rng.sample(names[kind], min(len(names[kind]), rng.randint(lo, hi)))))
        for kind, (lo, hi) in {
            "places": (1, 3),
            "people": (0, 2),
            "organizations": (0, 2),
            "sources": (1, 2),
        }.items()
    }
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    title_words = rng.choice(sentences).split()[: rng.randint(5, 9)]
    meta = {
        "title": " ".join(title_words) + f" ({number})",
        "slug": f"a{number:06d}",
        "date": day.isoformat(),
        "lang": "ar",
        "dir": "rtl",
        "status": "reviewed",
        "summary": SENTENCE_END.split(paragraphs[0])[0],
        **chosen,
    }
    return meta, "\n\n".join(paragraphs) + "\n"


def generate(root: Path, articles: int, seed: int = 2019) -> Path:
    """Write a synthetic dossier (content/, its gazetteer, dossier.yaml) under root; return root."""
    rng = random.Random(seed)
    sentences, names = seed_sentences(), entity_names()
    content = root / "content"
    shutil.rmtree(content, ignore_errors=True)
    (content / "_data").mkdir(parents=True)
    shutil.copyfile(GAZETTEER, content / "_data" / "entities.yaml")
    (root / "dossier.yaml").write_text(
        yaml.safe_dump(
            {
                "title": f"ملف اصطناعي من {articles} مقال",
                "description": "ملف للقياس.",
                "base_url": "https://example.org/bench/",
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    for number in range(articles):
        meta, body = synthetic_article(number, rng, sentences, names)
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        (content / f"{meta['slug']}.md").write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return root


def hugo_project(dossier: Path, target: Path) -> Path:
    """The same articles as a Hugo site with minimal templates: article pages, home, a page per
    tag."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "content" / "articles").mkdir(parents=True)
    (target / "hugo.yaml").write_text(
        "baseURL: https://example.org/bench/\nlanguageCode: ar\ntitle: bench\n"
        "disableKinds: [RSS, sitemap, robotsTXT, 404]\ntaxonomies: {tag: tags}\n",
        encoding="utf-8",
    )
    for relative, text in HUGO_LAYOUTS.items():
        path = target / "layouts" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for page_path in sorted((dossier / "content").glob("*.md")):
        _, front, body = page_path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        tags = [name for kind in KINDS for name in meta.get(kind) or ()]
        hugo_meta = {
            "title": meta["title"],
            "date": meta["date"],
            "slug": meta["slug"],
            "tags": tags,
        }
        (target / "content" / "articles" / page_path.name).write_text(
            "---\n" + yaml.safe_dump(hugo_meta, allow_unicode=True) + "---\n" + body,
            encoding="utf-8",
        )
    return target


# --- Measuring ----------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_mb: float
    phases: dict[str, float] = field(default_factory=dict)
    cpu_seconds: float = 0.0  # user and system time of the command and its children


def run_measured(command: list[str], cwd: Path) -> Run:
    """Run a command; return its wall time, peak memory and the phase timings it printed.

    The peak is the larger of the kernel's (wait4: the largest single process, children
    included) and the sum of the proportional memory (PSS) of the command and all its
    descendants together (the build, its workers, the indexer), sampled every 0.5 s.
    """
    with (
        open(os.devnull, "wb") as devnull,
        subprocess.Popen(
            command, cwd=cwd, env=USER_ENV, stdout=devnull, stderr=subprocess.PIPE
        ) as process,
    ):
        started = time.perf_counter()
        sampler = PeakSampler(process.pid)
        sampler.start()
        stderr = process.stderr.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        failed = f"{' '.join(map(str, command))} failed ({process.returncode})"
        raise RuntimeError(f"{failed}:\n{stderr[-2000:]}")
    phases = {}
    for line in stderr.splitlines():
        if line.startswith(TIMINGS_PREFIX):
            phases = json.loads(line[len(TIMINGS_PREFIX) :])
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, max(usage.ru_maxrss / 1024, sampler.peak_mb), phases, cpu)


class PeakSampler(threading.Thread):
    """The largest sum of PSS over a process and its descendants, sampled until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self._done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(SAMPLE_SECONDS):
            self.peak_mb = max(self.peak_mb, tree_pss_mb(self.pid))

    def stop(self) -> None:
        self._done.set()
        self.join()


def tree_pss_mb(pid: int) -> float:
    """The proportional memory of a process and its descendants (Linux /proc; 0 elsewhere)."""
    total_kb, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        seen.add(current)
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            tasks = Path(f"/proc/{current}/task").iterdir()
            children = [c for task in tasks for c in (task / "children").read_text().split()]
        except OSError:
            continue
        total_kb += next(
            (int(x.split()[1]) for x in rollup.splitlines() if x.startswith("Pss:")), 0
        )
        todo += [int(child) for child in children if int(child) not in seen]
    return total_kb / 1024


def build_command(dossier: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        str(ROOT / "build.py"),
        "build",
        "--content",
        str(dossier / "content"),
        "--out",
        str(dossier / "site"),
        "--timings",
        *extra,
    ]


def clear_site(dossier: Path) -> None:
    for leftover in (
        "site",
        ".site.staging",
        ".site.staging.json",
        ".site.old",
        ".site.cache.json",
    ):
        path = dossier / leftover
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def edit_one_article(dossier: Path, number: int) -> Path:
    """Change one article's body (a sentence appended), as a curator would."""
    pages = sorted((dossier / "content").glob("*.md"))
    path = pages[len(pages) // 2]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"\nأضاف المحرر فقرة رقم {number}.\n")
    return path


def measure_preview_edit(dossier: Path, runs: int) -> list[Run]:
    """The preview's path: one warm builder in this process, one article edited, time until its
    outputs are written."""
    from dossier.builder import Builder, BuildOptions

    builder = Builder.for_preview(BuildOptions(dossier / "content", dossier / "site-preview"))
    builder.build()
    measured = []
    for number in range(runs):
        edit_one_article(dossier, 1000 + number)
        started = time.perf_counter()
        result = builder.build()
        measured.append(
            Run(time.perf_counter() - started, 0.0, {"files written": len(result.changed)})
        )
    shutil.rmtree(dossier / "site-preview")
    return measured


def measure_preview_server(dossier: Path, runs: int) -> list[Run]:
    """The real preview server: from saving an article to its new text being served over HTTP."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, str(ROOT / "build.py"), "serve", "--no-open", "--port", str(port)]
    command += ["--content", str(dossier / "content"), "--seeds", str(dossier / "no-seeds")]
    command += ["--out", str(dossier / "site-serve")]
    log_path = dossier / "serve.log"
    with open(log_path, "wb") as log_file:
        server = subprocess.Popen(
            command, cwd=dossier, env=USER_ENV, stdout=subprocess.DEVNULL, stderr=log_file
        )
    try:
        edited = edit_one_article(dossier, 0)
        # Measure once the first search index is built (in the background): edits still trigger
        # re-indexing, as they do for a curator, and the timings include that load on the machine.
        if not _wait_for(lambda: "search index updated" in _read(log_path), 1200):
            raise RuntimeError("the preview server did not start: " + _read(log_path)[-500:])
        return _timed_edits(edited, f"http://127.0.0.1:{port}/articles/{edited.stem}/", runs)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(dossier / "site-serve", ignore_errors=True)


def _timed_edits(edited: Path, url: str, runs: int) -> list[Run]:
    """Append a marked line to an article, time until the served page shows it; runs times."""
    measured = []
    for number in range(runs):
        marker = f"فقرة القياس {number}"
        with open(edited, "a", encoding="utf-8") as handle:
            handle.write(f"\n{marker}.\n")
        started = time.perf_counter()
        if not _wait_for(lambda m=marker: m in (_fetch(url) or ""), 60, interval=0.005):
            raise RuntimeError("the preview server did not show the edit within 60 s")
        measured.append(Run(time.perf_counter() - started, 0.0))
        time.sleep(0.5)
    return measured


def _fetch(url: str) -> str | None:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(condition, seconds: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def measure(
    dossier: Path, runs: int, compare: bool, report=print, preview: bool = True
) -> dict[str, list[Run]]:
    results: dict[str, list[Run]] = {}

    def repeat(name: str, prepare, command: list[str], cwd: Path) -> None:
        results[name] = []
        for number in range(runs):
            prepare(number)
            results[name].append(run_measured(command, cwd))
            run = results[name][-1]
            seconds = f"{run.seconds:.2f} s ({run.cpu_seconds:.2f} s CPU)"
            report(f"  {name} #{number + 1}: {seconds}, {run.peak_mb:.0f} MB")

    no_search, cold = build_command(dossier, "--no-search"), build_command(dossier)
    repeat("cold build, no search index", lambda n: clear_site(dossier), no_search, dossier)
    repeat("cold build", lambda n: clear_site(dossier), cold, dossier)
    repeat("no-op rebuild", lambda n: None, cold, dossier)
    repeat("one edit, command line", lambda n: edit_one_article(dossier, n), cold, dossier)
    if preview:
        results["one edit, preview (to disk)"] = measure_preview_edit(dossier, max(runs, 5))
        results["one edit, preview server (HTTP)"] = measure_preview_server(dossier, max(runs, 5))
    if compare and shutil.which("hugo"):
        measure_hugo(dossier, repeat)
    elif compare:
        report("  hugo is not installed (Debian package 'hugo'): no comparison")
    return results


def measure_hugo(dossier: Path, repeat) -> None:
    """Hugo's cold build of the same articles, then Hugo followed by Pagefind over its article
    pages (what a Hugo user runs for search)."""
    hugo = hugo_project(dossier, dossier / "hugo")
    public = hugo / "public"
    hugo_build = ["hugo", "--quiet", "--source", str(hugo), "--destination", str(public)]
    pagefind = [sys.executable, "-m", "pagefind", "--site", str(public)]
    pagefind += ["--glob", "articles/**/*.html", "--quiet"]
    both = " ".join(map(shlex.quote, hugo_build)) + " && " + " ".join(map(shlex.quote, pagefind))
    clear = lambda n: shutil.rmtree(public, ignore_errors=True)  # noqa: E731
    repeat("Hugo cold build", clear, hugo_build, hugo)
    repeat("Hugo, then Pagefind", clear, ["sh", "-c", both], hugo)


def table(results: dict[str, list[Run]], articles: int) -> str:
    head = f"{'':32} {'median':>9} {'min':>8} {'max':>8} {'peak MB':>8} {'CPU s':>8}"
    lines = [f"{articles} articles", head]
    for name, runs in results.items():
        seconds = [r.seconds for r in runs]
        peak, cpu = max(r.peak_mb for r in runs), statistics.median(r.cpu_seconds for r in runs)
        row = f"{name:32} {statistics.median(seconds):8.3f}s {min(seconds):7.3f}s"
        lines.append(f"{row} {max(seconds):7.3f}s" + (f" {peak:8.0f} {cpu:8.2f}" if peak else ""))
    for name in ("cold build", "one edit, command line"):
        runs = results.get(name)
        if runs and runs[0].phases:
            phases = {p: statistics.median(r.phases.get(p, 0.0) for r in runs) for p in PHASES}
            spent = "  ".join(f"{p} {s:.2f}" for p, s in phases.items())
            lines.append(f"{name} phases (median s):  {spent}")
    for ours, theirs in RATIOS:
        if ours in results and theirs in results:
            ratio = median_seconds(results[ours]) / median_seconds(results[theirs])
            cpu = median_cpu(results[ours]) / (median_cpu(results[theirs]) or 1)
            lines.append(f"{ours} / {theirs}: {ratio:.2f}x (CPU time {cpu:.2f}x)")
    return "\n".join(lines)


def median_seconds(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def median_cpu(runs: list[Run]) -> float:
    return statistics.median(r.cpu_seconds for r in runs)


def machine() -> str:
    """When and where the figures were taken: date, processors, memory, load."""
    memory = next(
        (
            int(line.split()[1]) // 1024**2
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"{when}; {os.cpu_count()} cores, {memory} GB; load average {load}"


def _read(path: Path | str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def run_benchmark(
    articles: int, runs: int, compare: bool, keep: Path | None, preview: bool = True
) -> str:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as scratch:
        dossier = keep or Path(scratch)
        clear_site(dossier)
        started = time.perf_counter()
        generate(dossier, articles)
        took = time.perf_counter() - started
        print(f"generated {articles} articles in {dossier} in {took:.1f} s", file=sys.stderr)
        before = machine()
        report = lambda line: print(line, file=sys.stderr)  # noqa: E731
        results = measure(dossier, runs, compare, report=report, preview=preview)
        return f"{table(results, articles)}\nstarted {before}\nended {machine()}"
