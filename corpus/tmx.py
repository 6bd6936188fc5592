"""TMX 1.4b: writing translation units as they come, and reading pairs back.

The writer streams: the header goes out first, then one ``<tu>`` per pair, so a
corpus of any size is written in constant memory. Text is escaped for XML;
characters XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE/U+FFFF) are
removed and counted, so the caller can audit them. No-break spaces are written
as characters, never as entities.

Reading uses lxml with entity expansion, DTD loading and network access off.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from .errors import CorpusError

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> tuple[str, int]:
    """``text`` without the characters XML 1.0 cannot hold, and how many were removed."""
    cleaned, removed = _ILLEGAL_XML.subn("", text)
    return cleaned, removed


def creation_date() -> str:
    """``YYYYMMDDThhmmssZ``, from ``SOURCE_DATE_EPOCH`` when set so that builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        seconds = int(epoch) if epoch else time.time()
    except ValueError as exc:
        raise CorpusError(f"SOURCE_DATE_EPOCH must be an integer number of seconds, not {epoch!r}") from exc
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds))


@dataclass(frozen=True)
class TmxHeader:
    tool_version: str
    source_lang: str
    target_lang: str
    date: str

    @classmethod
    def of_this_run(cls, codes: tuple[str, str]) -> TmxHeader:
        """The header of a TMX Passerelle writes now: its version, the codes given, today or ``SOURCE_DATE_EPOCH``."""
        return cls(version("passerelle"), codes[0], codes[1], creation_date())


class TmxWriter:
    """Writes a TMX document unit by unit to an open text handle."""

    def __init__(self, handle: IO[str], header: TmxHeader) -> None:
        self._handle = handle
        self._header = header
        self.removed_characters = 0
        handle.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        handle.write('<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
        handle.write('<tmx version="1.4">\n')
        handle.write(
            f'  <header creationtool="passerelle" creationtoolversion={quoteattr(header.tool_version)} '
            f'segtype="sentence" o-tmf="passerelle" adminlang="en" srclang={quoteattr(header.source_lang)} '
            f'datatype="plaintext" creationdate="{header.date}"/>\n'
        )
        handle.write("  <body>\n")

    def _text(self, text: str) -> str:
        cleaned, removed = xml_safe(text)
        self.removed_characters += removed
        return escape(cleaned)

    def unit(self, tuid: str, props: list[tuple[str, str]], source: str, target: str) -> int:
        """Write one ``<tu>``; return how many illegal characters were removed from it."""
        before = self.removed_characters
        lines = [f"    <tu tuid={quoteattr(xml_safe(tuid)[0])}>"]
        lines += [f"      <prop type={quoteattr(kind)}>{self._text(value)}</prop>" for kind, value in props]
        lines.append(f'      <tuv xml:lang={quoteattr(self._header.source_lang)}><seg>{self._text(source)}</seg></tuv>')
        lines.append(f'      <tuv xml:lang={quoteattr(self._header.target_lang)}><seg>{self._text(target)}</seg></tuv>')
        lines.append("    </tu>")
        self._handle.write("\n".join(lines) + "\n")
        return self.removed_characters - before

    def close(self) -> None:
        self._handle.write("  </body>\n</tmx>\n")


@dataclass(frozen=True)
class TmxPair:
    tuid: str
    source_lang: str
    source: str
    target_lang: str
    target: str
    props: dict[str, str]


def read_tmx(path: Path) -> Iterator[TmxPair]:
    """Pairs of a TMX file (the first two ``<tuv>`` of each ``<tu>``), read safely: no entities, no DTD, no network."""
    from lxml import etree

    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    try:
        for _, tu in etree.iterparse(str(path), tag="tu", resolve_entities=False, load_dtd=False, no_network=True,
                                     huge_tree=False):
            tuvs = tu.findall("tuv")
            if len(tuvs) >= 2:
                texts = ["".join(t.find("seg").itertext()) if t.find("seg") is not None else "" for t in tuvs[:2]]
                langs = [t.get(xml_lang) or t.get("lang") or "" for t in tuvs[:2]]
                props = {p.get("type", ""): p.text or "" for p in tu.findall("prop")}
                yield TmxPair(tu.get("tuid", ""), langs[0], texts[0], langs[1], texts[1], props)
            tu.clear()
    except etree.XMLSyntaxError as exc:
        raise CorpusError(f"{path}: not well-formed TMX: {exc}") from exc
