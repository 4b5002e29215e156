"""Bytes to text: every encoding a seed arrives in, empty and binary files, and atomic writes."""

from __future__ import annotations

import codecs
import os
import zlib
from pathlib import Path

import pytest
from conftest import SEED

from dossier import textio
from dossier.errors import ContentError
from dossier.textio import atomic_write, decode_text

SEED_TEXT = SEED.read_text(encoding="utf-8")
SHORT = "قوات أمريكية في القامشلي\n\nتوجهت مدرعات أمريكية، اليوم الأربعاء، إلى قاعدة “هيمو”.\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1256"]
)
def test_the_bundled_seed_reads_the_same_in_every_encoding(encoding):
    assert decode_text(SEED_TEXT.encode(encoding), "seed.txt") == SEED_TEXT


@pytest.mark.parametrize("encoding", ["cp1256", "utf-16", "utf-8-sig"])
def test_a_short_seed_reads_the_same_in_legacy_encodings(encoding):
    assert decode_text(SHORT.encode(encoding), "seed.txt") == SHORT


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\u2028", "\x85"])
def test_line_ends_become_lf(newline):
    assert decode_text(SHORT.replace("\n", newline).encode("utf-8"), "seed.txt") == SHORT


def test_crlf_in_utf16_becomes_lf():
    assert decode_text(SEED_TEXT.replace("\n", "\r\n").encode("utf-16"), "seed.txt") == SEED_TEXT


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\r\n\t",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
        codecs.BOM_UTF32_LE,
        "\u00a0\u00a0\n \u00a0\n".encode("utf-8"),
        " \r\n".encode("utf-16"),
        b"\x00\x00\x00",
    ],
)
def test_empty_files_are_refused_by_name(data):
    with pytest.raises(ContentError) as caught:
        decode_text(data, "seeds/empty.txt")
    assert str(caught.value) == "seeds/empty.txt: the file is empty; skipped"


PNG_HEADER = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
)


@pytest.mark.parametrize(
    "data",
    [
        PNG_HEADER + zlib.compress(os.urandom(4000)),
        zlib.compress(SEED_TEXT.encode("utf-8")),
        bytes(range(256)) * 20,
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64 + b"\x01\x02\x03" * 200,
        "نص".encode("utf-8") + b"\x00\x01\x02\x03\x04" * 50,
    ],
)
def test_binary_files_are_refused_by_name(data):
    with pytest.raises(ContentError) as caught:
        decode_text(data, "seeds/photo.png")
    assert str(caught.value).startswith("seeds/photo.png: this is not a text file")


@pytest.mark.parametrize(
    "stray", ["\x1b", "\x02", "\x00", "\x7f", "\x9b", "\ufffe", "\uffff", "\x08"]
)
def test_a_stray_control_character_in_a_long_text_is_dropped(stray):
    # Invisible in any editor, forbidden in HTML, and it would make the feed malformed XML.
    text = SEED_TEXT.replace("الخميس", "الخميس" + stray, 1)
    assert decode_text(text.encode("utf-8"), "seed.txt") == SEED_TEXT


def test_a_form_feed_is_a_line_break_and_tabs_stay():
    assert decode_text("سطر\x0cسطر\tثان\n".encode("utf-8"), "seed.txt") == "سطر\nسطر\tثان\n"


def test_lone_surrogates_are_refused_whatever_decoder_made_them(monkeypatch):
    # Some codecs (UTF-7) turn junk into lone surrogates, which no page could ever be written in.
    monkeypatch.setattr(textio, "_decode", lambda data: "نص\ud800نص" * 100)
    with pytest.raises(ContentError, match="not a text file"):
        decode_text(b"anything", "seeds/junk.txt")


def test_utf7_looking_ascii_is_read_as_the_ascii_it_is():
    assert decode_text(b"+/v8-+2AA- hello", "seeds/a.txt") == "+/v8-+2AA- hello"


def test_atomic_write_replaces_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "deep" / "page.md"
    assert atomic_write(target, b"first")
    assert atomic_write(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["page.md"]


def test_atomic_write_without_overwrite_keeps_the_existing_file(tmp_path):
    target = tmp_path / "page.md"
    target.write_bytes(b"curated")
    assert atomic_write(target, b"generated", overwrite=False) is False
    assert target.read_bytes() == b"curated"
    assert atomic_write(tmp_path / "new.md", b"generated", overwrite=False) is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.md", "page.md"]


def test_atomic_write_that_fails_leaves_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "page.md"
    target.write_bytes(b"old and whole")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic_write(target, b"new" * 1000)
    assert target.read_bytes() == b"old and whole"
    assert [p.name for p in tmp_path.iterdir()] == ["page.md"]


def test_atomic_write_keeps_bytes_exactly(tmp_path):
    data = SEED_TEXT.replace("\n", "\r\n").encode("utf-16")
    atomic_write(tmp_path / "seed.txt", data)
    assert (tmp_path / "seed.txt").read_bytes() == data
    assert Path(tmp_path / "seed.txt").stat().st_size == len(data)
