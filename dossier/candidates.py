"""Names the gazetteer does not know yet, found in the dossier's pages, for the curator to accept.

Three kinds of evidence: a name after a cue word («الرئيس»، «مدينة»، «حزب»، «صحيفة»…), a
person-like n-gram («… بن …», «أبو …»), and Latin-script names («Jawhara FM»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import arabic
from .errors import ContentError
from .gazetteer import GAZETTEER_PATH, KINDS, Gazetteer, gazetteer_for, load_gazetteer
from .load import display_path, page_paths, parse_front_matter, split_front_matter
from .textio import atomic_write
from .yamltext import append_items

# Cue words by the kind of the name after them, and whether the cue is part of that name.
CUE_WORDS = {
    ("people", False): """الرئيس الوزير وزير الملك الأمير الشيخ السيد السيدة الدكتور الجنرال اللواء
        العقيد العميد النائب المتحدث الناطق القاضي المدرب اللاعب الكاتب الشاعر المخرج الفنان
        الفنانة الممثل الممثلة الصحفي المحامي""",
    ("places", False): "مدينة محافظة ولاية بلدة قرية منطقة إقليم جزيرة معتمدية ناحية مخيم",
    ("organizations", True): "حزب حركة جمعية منظمة جماعة شركة جامعة نادي اتحاد هيئة مجلس",
    ("sources", False): "وكالة صحيفة جريدة قناة موقع إذاعة مجلة",
}
CUES = {cue: kind for kind, cues in CUE_WORDS.items() for cue in cues.split()}
# Words that start a two-word place name: «سيدي بوزيد», «عين العرب», «تل أبيض».
PLACE_STARTS = {
    arabic.normalize(w)
    for w in "سيدي عين تل جبل بئر دير رأس بني أبو أم بنت كفر وادي مرج منزل حمام برج خان قصر".split()
}
# Function words and common words that never start or end a name.
STOP = {
    arabic.normalize(w)
    for w in """
    في من إلى الى على عن أن إن ان قد لا ما لم لن هذا هذه ذلك تلك التي الذي الذين اللذين كان كانت
    يكون بعد قبل عند مع كل بين حيث ثم أو او و ف هو هي هم كما أيضا ايضا منذ حتى خلال لدى غير عبر
    إنه انه أنه بأن وأن يوم اليوم أمس الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت قال
    وقال وقالت قالت أكد وأكد أعلن وأعلن أضاف وأضاف السابق الحالي الجديد الجديدة الأسبق نفسه جديد
    الذى عام سنة شهر أول ثاني الأول الثانية رئيس بن ابن أبو أبي أبا
    """.split()
}
WORD = re.compile(r"\w+(?:[-'’]\w+)*")  # \w holds the Arabic letters, not «،» or «؛»
LATIN_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(?:[ -][A-Z][a-zA-Z]*){0,3}\b")
ABU = {"أبو", "ابو", "أبي", "أبا"}
IBN = {"بن", "ابن"}
EXAMPLE_CHARS = 120


@dataclass
class Candidate:
    kind: str
    name: str
    pages: set[str] = field(default_factory=set)
    count: int = 0
    example: str = ""  # "path: line"


def find_candidates(content_dir: Path) -> tuple[list[Candidate], list[ContentError]]:
    """Every unknown name in the dossier's pages, the most widespread first."""
    errors: list[ContentError] = []
    try:
        gazetteer = gazetteer_for(content_dir, display_path(content_dir / GAZETTEER_PATH))
    except ContentError as error:
        return [], [error]
    found: dict[tuple[str, str], Candidate] = {}
    known: dict[str, bool] = {}
    for page_path in page_paths(content_dir):
        src_path = display_path(Path(page_path))
        try:
            text = Path(page_path).read_text(encoding="utf-8")
            front, body, _ = split_front_matter(text, src_path)
            title = parse_front_matter(front, src_path)[0].get("title")
        except ContentError as error:
            errors.append(error)
            continue
        except (OSError, UnicodeDecodeError) as error:
            errors.append(ContentError(src_path, None, f"cannot read: {error}"))
            continue
        for line in [str(title or ""), *body.split("\n")]:
            for kind, name, phrase in _names_and_phrases(line):
                if known.setdefault(phrase, _known(gazetteer, name) or _known(gazetteer, phrase)):
                    continue
                candidate = found.setdefault((kind, name), Candidate(kind, name))
                candidate.pages.add(src_path)
                candidate.count += 1
                candidate.example = candidate.example or f"{src_path}: {_around(line, name)}"
    ranked = sorted(
        found.values(), key=lambda c: (-len(c.pages), -c.count, arabic.sort_key(c.name))
    )
    return ranked, errors


def names_in(line: str) -> list[tuple[str, str]]:
    """The (kind, name) candidates of one line of text."""
    return [(kind, name) for kind, name, _ in _names_and_phrases(line)]


def _names_and_phrases(line: str) -> list[tuple[str, str, str]]:
    """(kind, name, the name with its cue word): the gazetteer may know the longer form."""
    found = [
        ("people", m.group(0), m.group(0)) for m in LATIN_NAME.finditer(line) if len(m.group(0)) > 3
    ]
    words = WORD.findall(line.replace("\\", ""))  # Markdown escapes are not part of names
    for position, word in enumerate(words):
        cue = _cue(word)
        if cue:
            found.extend(_after_cue(words, position, cue))
        elif (
            word in IBN
            and 0 < position < len(words) - 1
            and _name_like(words[position - 1])
            and _name_like(words[position + 1])
        ):
            name = " ".join(words[position - 1 : position + 2])
            found.append(("people", name, name))
        elif word in ABU and position < len(words) - 1 and _name_like(words[position + 1]):
            name = f"{word} {words[position + 1]}"
            found.append(("people", name, name))
    return found


def _cue(word: str) -> str | None:
    """The cue word a text word is, with an attached و/ف/ب/ل («والرئيس», «بمدينة»)."""
    if word in CUES:
        return word
    return word[1:] if word[:1] in "وفبل" and word[1:] in CUES else None


def _after_cue(words: list[str], position: int, cue: str) -> list[tuple[str, str, str]]:
    kind, with_cue = CUES[cue]
    rest = words[position + 1 : position + 6]
    if kind == "people":
        while rest and rest[0].startswith("ال"):  # «الرئيس الفرنسي السابق …»: adjectives first
            rest = rest[1:]
        name = rest[:2] if len(rest) > 1 and _name_like(rest[1]) else rest[:1]
    elif kind == "places":
        name = rest[:2] if rest and arabic.normalize(rest[0]) in PLACE_STARTS else rest[:1]
    else:
        name = (
            rest[:2]
            if len(rest) > 1 and rest[1].startswith("ال") and _name_like(rest[1])
            else rest[:1]
        )
    if not name or not all(_name_like(w) for w in name):
        return []
    return [(kind, " ".join(([cue] if with_cue else []) + name), " ".join([cue, *name]))]


def _name_like(word: str) -> bool:
    folded = arabic.normalize(word)
    return len(folded) >= 2 and folded not in STOP and not folded.isdigit() and not _cue(word)


def _known(gazetteer: Gazetteer, name: str) -> bool:
    """Whether the gazetteer has the name, even one it matches only in context («سوسة»)."""
    return any(gazetteer.find(name).values()) or any(gazetteer.entity(k, name) for k in KINDS)


def _around(line: str, name: str) -> str:
    line = line.replace("\\", "")
    at = max(0, line.find(name))
    start = max(0, at - EXAMPLE_CHARS // 2)
    snippet = " ".join(line[start : start + EXAMPLE_CHARS].split())
    return ("…" if start else "") + snippet + ("…" if start + EXAMPLE_CHARS < len(line) else "")


def write_candidates(content_dir: Path, candidates: list[Candidate]) -> Path:
    """Append the candidates to the dossier's entities.yaml, each marked ``review: true``."""
    path = content_dir / GAZETTEER_PATH
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    for kind in dict.fromkeys(c.kind for c in candidates):
        entries = [{"name": c.name, "review": True} for c in candidates if c.kind == kind]
        text = append_items(text, kind, entries)
    temporary = path.with_name(path.name + ".check")
    try:
        temporary.write_text(text, encoding="utf-8")
        load_gazetteer(temporary, display_path(path))  # never write a file the build would refuse
    finally:
        temporary.unlink(missing_ok=True)
    atomic_write(path, text.encode("utf-8"))
    return path
