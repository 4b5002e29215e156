"""Site -> list[Output]: every page, listing, feed and sitemap is a Jinja2 template. Writes nothing."""
from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import dates
from .collect import group_timeline
from .errors import ContentError
from .gazetteer import KIND_NAMES, KINDS
from .pages import Output, Page, Site, absolute_url, relative_url

BUILTIN_LAYOUTS = Path(__file__).resolve().parent.parent / "layouts"
STATIC_DIR = "static"
MEDIA_NAMES = {"video": "فيديو", "photos": "صور", "infographic": "إنفوغرافيك", "map": "خريطة"}
STATUS_NAMES = {"new": "لم تُراجع بعد", "reviewed": "مُراجَعة", "draft": "مسودة"}


class TemplateProblem(ContentError):
    """A template error, named by the template file and line."""


def make_env(layouts_dirs: list[Path]) -> jinja2.Environment:
    """Jinja over the curator's layouts first, then the built-in ones; autoescape HTML and XML; strict."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in layouts_dirs if d.is_dir()]),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(KINDS=KINDS, KIND_NAMES=KIND_NAMES, MEDIA_NAMES=MEDIA_NAMES, STATUS_NAMES=STATUS_NAMES)
    return env


def static_files(layouts_dirs: list[Path]) -> dict[str, Path]:
    """Map each static asset's output path to its source; the curator's layouts win."""
    found: dict[str, Path] = {}
    for layouts_dir in reversed(layouts_dirs):
        root = layouts_dir / STATIC_DIR
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    found[f"{STATIC_DIR}/{path.relative_to(root).as_posix()}"] = path
    return found


class Renderer:
    """Render the site's outputs with one Jinja environment and the site's settings."""

    def __init__(self, env: jinja2.Environment, site: Site, now: dt.datetime | None = None):
        self.env = env
        self.site = site
        self.settings = site.settings
        self.updated = now or _latest(site)

    def render_all(self, static: dict[str, Path]) -> list[Output]:
        """Render every output of the site, in a stable order."""
        outputs = [self.page("index.html", "home.html")]
        outputs += [self.article(page) for page in self.site.pages]
        outputs.append(self.page("timeline/index.html", "timeline.html", years=group_timeline(self.site.timeline),
                                 undated=tuple(p for p in self.site.pages if p.date is None)))
        outputs.append(self.page("entities/index.html", "entities.html"))
        outputs += [Output(term.output_path, self.page(term.output_path, "term.html", term=term).data, f"{term.kind} «{term.name}»")
                    for kind in KINDS for term in self.site.terms[kind]]
        outputs.append(self.page("search/index.html", "search.html"))
        outputs.append(self.page("404.html", "404.html"))
        outputs.append(self.page("feed.xml", "feed.xml", entries=self.site.pages[:50]))
        outputs.append(self.sitemap(outputs))
        outputs += [Output(output_path, source.read_bytes(), str(source)) for output_path, source in static.items()]
        return outputs

    def article(self, page: Page) -> Output:
        output = self.page(page.output_path, "article.html", page=page,
                           previous=self.site.previous.get(page.slug), next=self.site.next.get(page.slug))
        return Output(output.output_path, output.data, page.src_path)

    def sitemap(self, outputs: list[Output]) -> Output:
        html_paths = [o.output_path for o in outputs if o.output_path.endswith(".html") and o.output_path != "404.html"]
        return self.page("sitemap.xml", "sitemap.xml", urls=[absolute_url(self.base_url, p) for p in html_paths])

    @property
    def base_url(self) -> str:
        return self.settings.base_url or "http://localhost/"

    def page(self, output_path: str, template_name: str, **context) -> Output:
        """Render one template to one output, with links relative to where it will be written."""
        def link(target: str) -> str:
            return relative_url(output_path, target)

        def term_link(kind: str, name: str) -> str | None:
            term = self.site.term(kind, name)
            return link(term.output_path) if term else None

        try:
            template = self.env.get_template(template_name)
            text = template.render(
                site=self.site, settings=self.settings, output_path=output_path, link=link, term_link=term_link,
                root=posixpath.relpath(".", posixpath.dirname(output_path) or "."),
                absolute=lambda target: absolute_url(self.base_url, target),
                updated=self.updated, **context)
        except jinja2.TemplateSyntaxError as error:
            raise TemplateProblem(f"layouts/{error.name or template_name}", error.lineno, error.message) from None
        except jinja2.TemplateNotFound as error:
            raise TemplateProblem(f"layouts/{template_name}", None, f"template {error.name!r} not found") from None
        except (jinja2.UndefinedError, TypeError, ValueError, AttributeError, LookupError) as error:
            raise TemplateProblem(*_template_location(error, template_name), f"while rendering {output_path}: {error}") from None
        return Output(output_path, text.encode("utf-8"))


def _template_location(error: Exception, template_name: str) -> tuple[str, int | None]:
    """Find the template file and line a rendering error happened on, from the traceback."""
    traceback = error.__traceback__
    location = (f"layouts/{template_name}", None)
    while traceback is not None:
        frame = traceback.tb_frame
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            location = (f"layouts/{Path(filename).name}", traceback.tb_lineno)
        traceback = traceback.tb_next
    return location


def _latest(site: Site) -> dt.datetime:
    """Stamp the feed with its newest article's date, so a rebuild of the same content is byte-identical."""
    dated = [p.date.start for p in site.pages if p.date]
    day = max(dated) if dated else dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def register_filters(env: jinja2.Environment, locale: str, hijri: bool) -> None:
    """Date and text filters the layouts use."""
    env.filters["arabic_date"] = lambda d: dates.format_arabic(d, locale) if d else ""
    env.filters["hijri_date"] = lambda d: dates.format_hijri(d) if d and hijri else ""
    env.filters["month_name"] = lambda m: dates.format_arabic(dates.PartialDate(dt.date(2000, m, 1), "month"), locale).rsplit(" ", 1)[0]
    env.filters["rfc3339"] = lambda d: dt.datetime(d.start.year, d.start.month, d.start.day, tzinfo=dt.timezone.utc).isoformat()
    env.filters["html"] = Markup
