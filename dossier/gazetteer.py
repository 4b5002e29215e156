"""The gazetteer: known entities, their spelling variants, and finding them in text."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from . import arabic
from .errors import ContentError

KINDS = ("places", "people", "organizations", "sources")
KIND_NAMES = {"places": "أماكن", "people": "أشخاص", "organizations": "منظمات", "sources": "مصادر"}
GAZETTEER_PATH = Path("_data") / "entities.yaml"


@dataclass(frozen=True)
class Entity:
    kind: str
    name: str
    variants: tuple[str, ...] = ()
    latin: str | None = None
    coordinates: tuple[float, float] | None = None

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.variants, *((self.latin,) if self.latin else ()))


@dataclass(frozen=True)
class Gazetteer:
    entities: tuple[Entity, ...]

    def find(self, text: str) -> dict[str, list[str]]:
        """Return the canonical names of the entities the text mentions, by kind, in order of first mention."""
        found: dict[str, list[str]] = {kind: [] for kind in KINDS}
        index = self._index()
        known: dict[str, set[str]] = {}  # one set per distinct word: a long text repeats its words
        forms = [known.get(word) or known.setdefault(word, arabic.word_forms(word)) for word in arabic.words(text)]
        for position in range(len(forms)):
            for form in forms[position]:
                for entity, name_words in index.get(form, ()):
                    if _matches(forms, position, name_words) and entity.name not in found[entity.kind]:
                        found[entity.kind].append(entity.name)
        return found

    def canonical(self, kind: str, name: str) -> str:
        """Return the gazetteer's name for a spelling of an entity of this kind, or the name itself."""
        names = self.__dict__.get("_canonical")
        if names is None:
            names = {(e.kind, arabic.normalize(s)): e.name for e in reversed(self.entities) for s in e.spellings}
            object.__setattr__(self, "_canonical", names)
        return names.get((kind, arabic.normalize(name)), name)

    def entity(self, kind: str, name: str) -> Entity | None:
        for entity in self.entities:
            if entity.kind == kind and entity.name == name:
                return entity
        return None

    def _index(self) -> dict[str, list[tuple[Entity, list[set[str]]]]]:
        cached = self.__dict__.get("_cached_index")
        if cached is None:
            cached = {}
            for entity in self.entities:
                for spelling in entity.spellings:
                    name_words = [arabic.name_forms(w) for w in arabic.words(spelling)]
                    if name_words:
                        for form in name_words[0]:
                            cached.setdefault(form, []).append((entity, name_words))
            object.__setattr__(self, "_cached_index", cached)
        return cached


def _matches(forms: list[set[str]], position: int, name_words: list[set[str]]) -> bool:
    if position + len(name_words) > len(forms):
        return False
    return all(forms[position + i] & name_words[i] for i in range(len(name_words)))


def load_gazetteer(path: Path, src_path: str | None = None) -> Gazetteer:
    """Read the curator's gazetteer (a mapping of kind to a list of entities); a missing file is empty."""
    src_path = src_path or str(path)
    if not path.exists():
        return Gazetteer(())
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ContentError(src_path, mark.line + 1 if mark else None, error.problem or str(error)) from None
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as error:
        raise ContentError(src_path, None, f"cannot read the gazetteer: {error}") from None
    except OSError as error:
        raise ContentError(src_path, None, f"cannot read the gazetteer: {error.strerror or error}") from None
    if not isinstance(data, dict):
        raise ContentError(src_path, 1, f"expected a mapping of {', '.join(KINDS)} to lists of entities")
    entities = []
    for kind, items in data.items():
        if kind not in KINDS:
            raise ContentError(src_path, _line_of(path, f"{kind}:"), f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
        if items is not None and not isinstance(items, list):
            raise ContentError(src_path, _line_of(path, f"{kind}:"), f"'{kind}' must be a list of entities, got {items!r:.40}")
        for item in items or ():
            entities.append(_entity(kind, item, src_path, path))
    return Gazetteer(tuple(entities))


def _entity(kind: str, item: object, src_path: str, path: Path) -> Entity:
    if isinstance(item, str):
        return Entity(kind, item)
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise ContentError(src_path, _line_of(path, str(item)[:20]), f"each {kind} entry needs a 'name', got {item!r:.40}")
    variants = item.get("variants") or []
    if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
        raise ContentError(src_path, _line_of(path, item["name"]), f"'variants' of {item['name']} must be a list of names")
    coordinates = item.get("coordinates")
    if coordinates is not None:
        if not (isinstance(coordinates, list) and len(coordinates) == 2 and all(isinstance(c, (int, float)) for c in coordinates)):
            raise ContentError(src_path, _line_of(path, item["name"]), f"'coordinates' of {item['name']} must be [latitude, longitude]")
        coordinates = (float(coordinates[0]), float(coordinates[1]))
    latin = item.get("latin")
    return Entity(kind, item["name"], tuple(variants), str(latin) if latin else None, coordinates)


def _line_of(path: Path, needle: str) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    return None
