"""A source segment and its translation as one record, and the writer that puts it in every output format.

``run`` writes each pair to all of its outputs at once; ``export`` reads a run's
``corpus.jsonl`` back and writes the format asked for through the same class,
so a pair gets the same bytes either way. Records are keyed by the configured
language codes (``fr``/``en`` by default), never by fixed names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from ..normalise import PROFILES, Segment, apply_typography
from ..translate import Translation
from .parquet import ParquetPairs
from .tmx import TmxWriter
from .writers import json_line, one_line, tsv_line


@dataclass(frozen=True)
class Languages:
    """The languages of a corpus: record keys and file suffixes, and the codes its TMX states (``fr-FR``)."""

    source: str = "fr"
    target: str = "en"
    tmx_source: str | None = None
    tmx_target: str | None = None

    @property
    def tmx_codes(self) -> tuple[str, str]:
        return self.tmx_source or self.source, self.tmx_target or self.target


def pair_record(segment: Segment, translation: Translation | None, langs: Languages, engine_id: str,
                flags: list[str]) -> dict[str, Any]:
    """The ``corpus.jsonl`` object of one pair; without a translation, the target and engine fields are null."""
    return {
        "id": segment.seg_id, "doc": segment.doc, "role": segment.role.value, "span": list(segment.span),
        "lang": segment.lang, "lang_score": segment.lang_score, langs.source: segment.text,
        langs.target: translation.text if translation else None,
        "engine": engine_id if translation else None, "score": translation.score if translation else None,
        "flags": flags, "rules": list(segment.rules),
    }


# What the TMX says of every unit's target: machine translation, never a translator's, whatever the engine.
MACHINE_TRANSLATION = ("x-origin", "machine translation")


def tmx_props(record: dict[str, Any]) -> list[tuple[str, str]]:
    """The ``<prop>``s of a pair's ``<tu>``: provenance and quality. A prop without a value is left out:
    strict readers refuse an empty one."""
    score = record.get("score")
    props = [("x-document", record.get("doc") or ""), ("x-role", record.get("role") or ""), MACHINE_TRANSLATION,
             ("x-engine", record.get("engine") or ""), ("x-score", f"{score:.4f}" if score is not None else ""),
             ("x-flags", ",".join(record.get("flags") or []))]
    return [(kind, value) for kind, value in props if value]


# How the TMX writes its source side: as the cleaner left it, or in one of the typography profiles, so that
# exact matches find documents typed that way (a CAT tool tells ' from ’ and a no-break space from a space).
TMX_TYPOGRAPHIES = ("as-cleaned", *sorted(PROFILES))


class PairWriter:
    """Writes each pair record to whichever outputs it was given: JSON lines, aligned files, TSV, TMX, Parquet.

    A record without a translation goes only to the JSON lines and the source file.
    """

    def __init__(self, langs: Languages, *, jsonl: IO[str] | None = None, source: IO[str] | None = None,
                 target: IO[str] | None = None, tsv: IO[str] | None = None, tmx: TmxWriter | None = None,
                 parquet: ParquetPairs | None = None, tmx_typography: str = "as-cleaned") -> None:
        self.langs = langs
        self._jsonl, self._source, self._target, self._tsv, self._tmx = jsonl, source, target, tsv, tmx
        self._parquet, self._tmx_typography = parquet, tmx_typography

    def write(self, record: dict[str, Any]) -> int:
        """Write one pair; return how many characters XML cannot hold were left out of its TMX unit."""
        source, target = record[self.langs.source], record[self.langs.target]
        if self._jsonl is not None:
            self._jsonl.write(json_line(record))
        if self._source is not None:
            self._source.write(one_line(source) + "\n")
        if target is None:
            return 0
        if self._target is not None:
            self._target.write(one_line(target) + "\n")
        if self._tsv is not None:
            self._tsv.write(tsv_line(source, target))
        if self._parquet is not None:
            self._parquet.write(record)
        if self._tmx is not None:
            tmx_source = source if self._tmx_typography == "as-cleaned" else apply_typography(source, self._tmx_typography)
            return self._tmx.unit(record["id"], tmx_props(record), tmx_source, target)
        return 0

    def close(self) -> None:
        """Finish the formats that have an end (the TMX body, the Parquet footer)."""
        if self._tmx is not None:
            self._tmx.close()
        if self._parquet is not None:
            self._parquet.close()
