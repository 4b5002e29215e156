"""`dossier init DIR`: a fresh dossier that ingests and builds with the packaged layouts."""

from __future__ import annotations

from pathlib import Path

from .errors import ContentError

SETTINGS = """\
# The dossier's settings. base_url is its public address (the feed and sitemap use it);
# locale chooses the Arabic month names: ar_SY, ar_LB, ar_IQ give the Levantine names
# (تشرين الثاني), ar_EG, ar_SA the others (نوفمبر). hijri adds the Hijri date to each day.
title: ملف جديد
description: ""
curator: القيّم على الملف
base_url: ""
locale: ar_SY
hijri: true
"""
GAZETTEER = """\
# The dossier's own gazetteer: places, people, organizations and sources. It comes before the
# reference gazetteer of countries and cities that ships with the program, and wins over it.
# Matching ignores diacritics, tatweel, أ/إ/آ/ا, ى/ي, ة/ه and attached clitics (و ف ب ل ك ال لل),
# so list only spellings that differ in other ways. Examples (remove the # to use them):
#
# places:
#   - name: القامشلي
#     latin: Qamishli
#     variants: [قامشلو]
#     coordinates: [37.05, 41.23]
# people:
#   - name: مارك إسبر
#     latin: Mark Esper
#     variants: [اسبر, مارك اسبر]
# organizations:
#   - name: وزارة الدفاع الأمريكية
#     variants: [البنتاغون, البنتاجون]
# sources:
#   - name: سانا
#     latin: SANA
#     variants: [الوكالة العربية السورية للأنباء]
places: []
people: []
organizations: []
sources: []
"""
IGNORED = "/site/\n/.site.*\n/.cache/\n/content/_backup/\n"


def init_dossier(target: Path) -> list[Path]:
    """Create a dossier in ``target`` (a new or empty folder); return the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ContentError(str(target), None, "not an empty folder; a new dossier needs one")
    files = {
        target / "dossier.yaml": SETTINGS,
        target / "content" / "_data" / "entities.yaml": GAZETTEER,
        target / ".gitignore": IGNORED,
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (target / "seeds").mkdir()  # every file here is read as a seed: articles pasted as plain text
    (target / "layouts").mkdir()  # a layout copied here overrides the packaged one of the same name
    return list(files)
