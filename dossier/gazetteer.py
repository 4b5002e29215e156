"""The gazetteer: known entities, their spelling variants, and finding them in text."""

from __future__ import annotations

import difflib
import reprlib
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from . import arabic
from .errors import ContentError
from .yamltext import SafeLoader, repeated_node

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
    exact: bool = False  # matched only as written: no attached و/ف/ب/ل
    unless: tuple[str, ...] = ()  # longer phrases holding the name that mean something else
    context: tuple[str, ...] = ()  # words of which one must appear in the same text
    disabled: bool = False  # switched off by the curator, with the reference entries it names
    review: bool = False  # added by `build.py entities --write`, not yet looked at

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.variants, *((self.latin,) if self.latin else ()))


@dataclass(frozen=True)
class _Name:
    """One spelling of an entity as words to match, the first of which may carry clitics."""

    entity: Entity
    words: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    entities: tuple[Entity, ...]
    reference: bool = True  # the curator's file wants the reference gazetteer under its entries

    def find(self, text: str) -> dict[str, list[str]]:
        """Return the canonical names of the entities a text mentions, by kind, in order of mention.

        A longer name wins over one inside it («إقليم كردستان العراق» over «كردستان»).
        """
        found: dict[str, list[str]] = {kind: [] for kind in KINDS}
        index = self._index()
        words = arabic.words(text)
        stems: set[str] | None = None
        covered_until = 0
        for position, word in enumerate(words):
            matches = [
                name
                for prefix, rest in arabic.word_parses(word)
                for name in index.get(rest, ())
                if first_word_matches(name, prefix, rest) and _rest_matches(words, position, name)
            ]
            matches = [m for m in matches if not _inside_unless(words, position, m.entity)]
            if stems is None and any(m.entity.context for m in matches):
                stems = {rest for w in set(words) for _, rest in arabic.word_parses(w)}
            matches = [m for m in matches if not m.entity.context or _in_context(m.entity, stems)]
            if not matches:
                continue
            longest = max(len(m.words) for m in matches)
            if position + longest <= covered_until:
                continue  # inside a longer name already found
            covered_until = max(covered_until, position + longest)
            entities = {id(m.entity): m.entity for m in matches if len(m.words) == longest}
            if len(entities) == 1:  # two entities for one spelling, both in context: neither
                entity = next(iter(entities.values()))
                if entity.name not in found[entity.kind]:
                    found[entity.kind].append(entity.name)
        return found

    def canonical(self, kind: str, name: str) -> str:
        """The gazetteer's name for a spelling of an entity of this kind, or the name itself."""
        entity = self._by_spelling().get((kind, arabic.normalize(name)))
        return entity.name if entity else name

    def entity(self, kind: str, name: str) -> Entity | None:
        """Return the entity of this kind with this name or spelling, if the gazetteer has it."""
        return self._by_spelling().get((kind, arabic.normalize(name)))

    def nearest(self, kind: str, name: str) -> str | None:
        """The name of the entity of this kind spelled most like a name the gazetteer lacks."""
        spellings = self.__dict__.get("_kind_spellings")
        if spellings is None:
            spellings = {}
            for (entity_kind, spelling), entity in self._by_spelling().items():
                spellings.setdefault(entity_kind, {})[spelling] = entity.name
            object.__setattr__(self, "_kind_spellings", spellings)
        folded = arabic.normalize(name)
        memo = self.__dict__.setdefault(
            "_nearest", {}
        )  # a name left out of the gazetteer recurs on many pages
        if (kind, folded) not in memo:
            # Only spellings that start as the name does, past the article: the reference
            # gazetteer's 6,000 place spellings cost 20 ms a name otherwise (a typo is rarely in
            # the first letter).
            first = _first_letter(folded)
            candidates = [s for s in spellings.get(kind, ()) if _first_letter(s) == first]
            close = difflib.get_close_matches(folded, candidates, n=1, cutoff=0.75)
            memo[(kind, folded)] = spellings[kind][close[0]] if close else None
        return memo[(kind, folded)]

    def _by_spelling(
        self, folded: dict[int, list[str]] | None = None
    ) -> dict[tuple[str, str], Entity]:
        """Each entity by its folded spellings (``folded``: those already known, by entity id)."""
        names = self.__dict__.get("_spellings")
        if names is None:
            folded = folded or {}
            keys = {
                id(e): folded.get(id(e)) or [arabic.normalize(s) for s in e.spellings]
                for e in self.entities
            }
            entities = tuple(reversed(self.entities))  # the first entry with a spelling wins,
            names = {(e.kind, key): e for e in entities for key in keys[id(e)]}
            names.update(
                {(e.kind, keys[id(e)][0]): e for e in entities}
            )  # and a name over a variant
            object.__setattr__(self, "_spellings", names)
        return names

    def _index(self) -> dict[str, list[_Name]]:
        """Each spelling by its first word (never without its article: «الام» is not «ام»)."""
        cached = self.__dict__.get("_cached_index")
        if cached is None:
            cached = {}
            for entity in self.entities:
                if entity.disabled:
                    continue
                for spelling in dict.fromkeys(arabic.normalize(s) for s in entity.spellings):
                    name = _Name(entity, tuple(arabic.words(spelling)))
                    if name.words:
                        cached.setdefault(name.words[0], []).append(name)
            object.__setattr__(self, "_cached_index", cached)
        return cached


def _first_letter(folded: str) -> str:
    return (folded[2:] if folded.startswith("ال") else folded)[:1]


# Proclitics a name without the article may take: و/ف then ب/ل. Never ك («كاسيا» is not آسيا) and
# never the article («السيول» are floods, not Seoul; «السورية» is an adjective, not Syria).
PLAIN_PREFIXES = {"", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل"}
SHORT_PREFIXES = {"", "و"}  # names of three letters or fewer: «باب» is not ب + «اب»
SHORT_NAME = 3


def first_word_matches(name: _Name, prefix: str, rest: str) -> bool:
    """Say whether a text word split as (proclitics, rest) can be the first word of a name."""
    first = name.words[0]
    if name.entity.exact:
        return prefix == "" and rest == first
    if rest != first:
        return False
    if first.startswith("ال") and len(first) - 2 >= arabic.MIN_STEM:
        return True  # «كالعراق», «للعراق»: any proclitic before the article
    short = len(first) <= SHORT_NAME and len(name.words) == 1
    return prefix in (SHORT_PREFIXES if short else PLAIN_PREFIXES)


def _rest_matches(words: list[str], position: int, name: _Name) -> bool:
    """The words after the first must follow as written."""
    end = position + len(name.words)
    return end <= len(words) and tuple(words[position + 1 : end]) == name.words[1:]


def _inside_unless(words: list[str], position: int, entity: Entity) -> bool:
    """Whether the name at this position is part of one of the entity's `unless` phrases."""
    for phrase in entity.unless:
        phrase_words = arabic.words(phrase)
        for start in range(max(0, position - len(phrase_words) + 1), position + 1):
            window = words[start : start + len(phrase_words)]
            if len(window) == len(phrase_words) and all(
                any(rest == part for _, rest in arabic.word_parses(word))
                for word, part in zip(window, phrase_words, strict=True)
            ):
                return True
    return False


def _in_context(entity: Entity, stems: set[str]) -> bool:
    return any(all(w in stems for w in arabic.words(phrase)) for phrase in entity.context)


# Shortened values in messages: never a whole structure (a big list is no place for a message).
SHORT = reprlib.Repr()
SHORT.maxlevel, SHORT.maxlist, SHORT.maxdict, SHORT.maxstring, SHORT.maxother = 2, 3, 3, 40, 40


def load_gazetteer(path: Path, src_path: str | None = None) -> Gazetteer:
    """Read the curator's gazetteer (kind -> list of entities); a missing file is empty.

    Aliases (*name) are refused, as in front matter: a few lines of them can stand for billions
    of entries.
    """
    src_path = src_path or str(path)
    if not path.exists():
        return Gazetteer(())
    loader = None
    try:
        loader = SafeLoader(path.read_text(encoding="utf-8"))
        root = loader.get_single_node()
        return Gazetteer(()) if root is None else _gazetteer_from(root, loader, src_path)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ContentError(
            src_path, mark.line + 1 if mark else None, error.problem or str(error)
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as error:
        raise ContentError(
            src_path, None, f"cannot read the gazetteer: {' '.join(str(error).split())[:200]}"
        ) from None
    except OSError as error:
        raise ContentError(
            src_path, None, f"cannot read the gazetteer: {error.strerror or error}"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def _gazetteer_from(root: yaml.Node, loader: SafeLoader, src_path: str) -> Gazetteer:
    """The entities under the gazetteer's root, and whether it switched the reference off."""
    _refuse_aliases(root, src_path)
    if not isinstance(root, yaml.MappingNode):
        raise ContentError(
            src_path,
            _line(root),
            f"expected a mapping of {', '.join(KINDS)} to lists of entities",
        )
    entities, reference = [], True
    for key_node, items_node in root.value:
        kind = loader.construct_object(key_node, deep=True)
        if kind == "reference":
            reference = loader.construct_object(items_node, deep=True)
            if not isinstance(reference, bool):
                raise ContentError(src_path, _line(key_node), "'reference' must be true or false")
            continue
        if kind not in KINDS:
            raise ContentError(
                src_path,
                _line(key_node),
                f"unknown kind {SHORT.repr(kind)}; use one of {', '.join(KINDS)}",
            )
        items = loader.construct_object(items_node, deep=True)
        if not isinstance(items, list | None):
            raise ContentError(
                src_path,
                _line(key_node),
                f"'{kind}' must be a list of entities, got {SHORT.repr(items)}",
            )
        for item, item_node in zip(items or [], items_node.value if items else [], strict=True):
            entities.append(_entity(kind, item, src_path, _line(item_node)))
    return Gazetteer(tuple(entities), reference)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _refuse_aliases(root: yaml.Node, src_path: str) -> None:
    repeated = repeated_node(root)
    if repeated is not None:
        message = "aliases (*name) are not allowed in the gazetteer; write the entries out"
        raise ContentError(src_path, _line(repeated), message)


def _entity(kind: str, item: object, src_path: str, line: int) -> Entity:
    if isinstance(item, str):
        return Entity(kind, item)
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise ContentError(
            src_path, line, f"each {kind} entry needs a 'name', got {SHORT.repr(item)}"
        )
    name = item["name"]
    lists = {}
    for key in ("variants", "unless", "context"):
        values = item.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ContentError(src_path, line, f"'{key}' of {name[:40]} must be a list of names")
        lists[key] = tuple(values)
    for key in ("exact", "disabled", "review"):
        if not isinstance(item.get(key, False), bool):
            raise ContentError(src_path, line, f"'{key}' of {name[:40]} must be true or false")
    coordinates = _coordinates(item.get("coordinates"), name, src_path, line)
    latin = item.get("latin")
    return Entity(
        kind,
        name,
        lists["variants"],
        str(latin) if latin else None,
        coordinates,
        item.get("exact", False),
        lists["unless"],
        lists["context"],
        item.get("disabled", False),
        item.get("review", False),
    )


def _coordinates(value: object, name: str, src_path: str, line: int) -> tuple | None:
    """[latitude, longitude] as a pair of floats, or None; anything else is an error."""
    if value is None:
        return None
    if not (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in value)
        and -90 <= value[0] <= 90
        and -180 <= value[1] <= 180
    ):
        raise ContentError(
            src_path, line, f"'coordinates' of {name[:40]} must be [latitude, longitude]"
        )
    return (float(value[0]), float(value[1]))


def gazetteer_for(content_dir: Path, src_path: str | None = None) -> Gazetteer:
    """The dossier's gazetteer: its own entities.yaml over the reference gazetteer.

    ``reference: false`` in the file leaves the reference out. A curator's entry sharing a spelling
    with reference entries takes them over: it renames them, merges them into one, or with
    ``disabled: true`` switches them off."""
    own = load_gazetteer(content_dir / GAZETTEER_PATH, src_path)
    if not own.reference:
        return own
    from .reference import cache_dir_for, reference_entities

    return with_reference(own, reference_entities(cache_dir_for(content_dir)))


def with_reference(own: Gazetteer, entries: tuple[dict, ...]) -> Gazetteer:
    """Put the curator's entities over the reference entries; see gazetteer_for."""
    reference = [_reference_entity(e) for e in entries]
    by_spelling: dict[tuple[str, str], list[int]] = {}
    for number, entry in enumerate(entries):
        for key in entry["keys"]:
            by_spelling.setdefault((entry["kind"], key), []).append(number)
    taken: set[int] = set()
    merged = []
    for entity in own.entities:
        keys = [(entity.kind, arabic.normalize(s)) for s in entity.spellings]
        numbers = sorted({n for key in keys for n in by_spelling.get(key, ())})
        taken.update(numbers)
        merged.append(
            entity if entity.disabled else _absorb(entity, [reference[n] for n in numbers])
        )
    merged.extend(e for n, e in enumerate(reference) if n not in taken)
    gazetteer = Gazetteer(tuple(merged), own.reference)
    # Index the spellings now, in the process that loaded the gazetteer: forked workers share it.
    gazetteer._by_spelling(
        {id(reference[n]): entries[n]["keys"] for n in range(len(entries)) if n not in taken}
    )
    return gazetteer


def _absorb(entity: Entity, others: list[Entity]) -> Entity:
    """The curator's entry with the spellings, Latin names and coordinates of the ones it names."""
    if not others:
        return entity
    spellings = dict.fromkeys(s for other in others for s in (other.name, *other.variants))
    variants = tuple(dict.fromkeys([*entity.variants, *(s for s in spellings if s != entity.name)]))
    latin = entity.latin or next((o.latin for o in others if o.latin), None)
    coordinates = entity.coordinates or next((o.coordinates for o in others if o.coordinates), None)
    extra_latin = tuple(o.latin for o in others if o.latin and o.latin != latin)
    return replace(entity, variants=variants + extra_latin, latin=latin, coordinates=coordinates)


def _reference_entity(entry: dict) -> Entity:
    coordinates = tuple(entry["coordinates"]) if entry["coordinates"] else None
    return Entity(
        entry["kind"],
        entry["name"],
        tuple(entry["variants"]),
        entry["latin"],
        coordinates,
        context=tuple(entry["context"]),
        unless=tuple(entry["unless"]),
    )
