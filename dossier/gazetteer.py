"""The gazetteer: known entities, their spelling variants, and finding them in text."""
from __future__ import annotations

import reprlib
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


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML, with libyaml's parser when present (it also bounds the nesting depth)."""


# Shortened values in messages: never format a whole structure (a big list is no place for a message).
SHORT = reprlib.Repr()
SHORT.maxlevel, SHORT.maxlist, SHORT.maxdict, SHORT.maxstring, SHORT.maxother = 2, 3, 3, 40, 40


def load_gazetteer(path: Path, src_path: str | None = None) -> Gazetteer:
    """Read the curator's gazetteer (a mapping of kind to a list of entities); a missing file is empty.

    Aliases (*name) are refused, as in front matter: a few lines of them can stand for billions of entries.
    """
    src_path = src_path or str(path)
    if not path.exists():
        return Gazetteer(())
    loader = None
    try:
        loader = _Loader(path.read_text(encoding="utf-8"))
        root = loader.get_single_node()
        if root is None:
            return Gazetteer(())
        _refuse_aliases(root, src_path)
        if not isinstance(root, yaml.MappingNode):
            raise ContentError(src_path, _line(root), f"expected a mapping of {', '.join(KINDS)} to lists of entities")
        entities = []
        for key_node, items_node in root.value:
            kind = loader.construct_object(key_node, deep=True)
            if kind not in KINDS:
                raise ContentError(src_path, _line(key_node), f"unknown kind {SHORT.repr(kind)}; use one of {', '.join(KINDS)}")
            items = loader.construct_object(items_node, deep=True)
            if items is None:
                continue
            if not isinstance(items, list):
                raise ContentError(src_path, _line(key_node), f"'{kind}' must be a list of entities, got {SHORT.repr(items)}")
            for item, item_node in zip(items, items_node.value):
                entities.append(_entity(kind, item, src_path, _line(item_node)))
        return Gazetteer(tuple(entities))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ContentError(src_path, mark.line + 1 if mark else None, error.problem or str(error)) from None
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as error:
        raise ContentError(src_path, None, f"cannot read the gazetteer: {' '.join(str(error).split())[:200]}") from None
    except OSError as error:
        raise ContentError(src_path, None, f"cannot read the gazetteer: {error.strerror or error}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _refuse_aliases(root: yaml.Node, src_path: str) -> None:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise ContentError(src_path, _line(node), "aliases (*name) are not allowed in the gazetteer; write the entries out")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _entity(kind: str, item: object, src_path: str, line: int) -> Entity:
    if isinstance(item, str):
        return Entity(kind, item)
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise ContentError(src_path, line, f"each {kind} entry needs a 'name', got {SHORT.repr(item)}")
    name = item["name"]
    variants = item.get("variants") or []
    if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
        raise ContentError(src_path, line, f"'variants' of {name[:40]} must be a list of names")
    coordinates = item.get("coordinates")
    if coordinates is not None:
        if not (isinstance(coordinates, list) and len(coordinates) == 2
                and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates)):
            raise ContentError(src_path, line, f"'coordinates' of {name[:40]} must be [latitude, longitude]")
        coordinates = (float(coordinates[0]), float(coordinates[1]))
    latin = item.get("latin")
    return Entity(kind, name, tuple(variants), str(latin) if latin else None, coordinates)
