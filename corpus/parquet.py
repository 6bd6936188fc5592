"""Pairs as Parquet, for MT engineers' tools (Hugging Face ``datasets``, pandas, Spark).

The schema is explicit, so every file of every run has the same one whatever
its content: ``flags`` is always a list of strings, ``score`` a nullable
double, and the text pair is a ``translation`` struct keyed by the configured
language codes, the column ``run_translation.py`` and the Hub's translation
sets read. Rows are written in row groups of a fixed count, so memory stays
flat and the bytes depend on the pairs alone, never on how a run batched them.

pyarrow is an optional dependency (``pip install "passerelle[parquet]"``),
imported only when Parquet is asked for.
"""

from __future__ import annotations

from typing import IO, Any

from .errors import UnusableOutput

ROW_GROUP = 10_000
EXTRA = 'pip install "passerelle[parquet]"'


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise UnusableOutput(f"Parquet output needs pyarrow: {EXTRA}") from exc
    return pyarrow


def schema(source: str, target: str) -> Any:
    """The Parquet schema of a corpus from ``source`` into ``target``."""
    pa = _pyarrow()
    return pa.schema([
        pa.field("id", pa.string(), nullable=False),
        pa.field("translation", pa.struct([pa.field(source, pa.string()), pa.field(target, pa.string())]), nullable=False),
        pa.field("doc", pa.string(), nullable=False),
        pa.field("role", pa.string(), nullable=False),
        pa.field("span", pa.list_(pa.int64()), nullable=False),
        pa.field("lang", pa.string(), nullable=False),
        pa.field("lang_score", pa.float64(), nullable=False),
        pa.field("engine", pa.string()),
        pa.field("score", pa.float64()),
        pa.field("flags", pa.list_(pa.string()), nullable=False),
        pa.field("rules", pa.list_(pa.string()), nullable=False),
    ])


class ParquetPairs:
    """Writes pair records (``corpus.jsonl``'s objects) to an open binary handle as Parquet."""

    def __init__(self, handle: IO[bytes], source: str, target: str) -> None:
        self._pa = _pyarrow()
        self._source, self._target = source, target
        self._schema = schema(source, target)
        self._writer = self._pa.parquet.ParquetWriter(handle, self._schema, compression="zstd")
        self._rows: list[dict[str, Any]] = []

    def write(self, record: dict[str, Any]) -> None:
        self._rows.append({
            "id": record["id"],
            "translation": {self._source: record[self._source], self._target: record[self._target]},
            "doc": record["doc"], "role": record["role"], "span": record["span"], "lang": record["lang"],
            "lang_score": record["lang_score"], "engine": record.get("engine"), "score": record.get("score"),
            "flags": list(record.get("flags") or []), "rules": list(record.get("rules") or []),
        })
        if len(self._rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows.clear()

    def close(self) -> None:
        self._flush()
        self._writer.close()
