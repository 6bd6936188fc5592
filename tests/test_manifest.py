"""The manifest is written without holding every input in memory: outcomes wait on disk, the JSON is streamed."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from passerelle.corpus import InputOutcome
from passerelle.corpus.manifest import write_json
from passerelle.corpus.outcomes import OutcomeSpool

# JSON values as a manifest holds them; text includes line breaks, quotes, non-ASCII and half a UTF-16 pair.
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["\n", '"', "\\", "\ud800"]))
_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
                       max_leaves=12)


@given(st.dictionaries(_TEXT, _VALUES, max_size=6), st.sets(_TEXT, max_size=3))
def test_a_streamed_document_is_written_as_json_dump_writes_it(document: dict[str, Any], streamed: set[str]) -> None:
    as_iterators = {key: iter(value) if key in streamed and isinstance(value, list) else value
                    for key, value in document.items()}
    handle = io.StringIO()
    write_json(handle, as_iterators)
    assert handle.getvalue() == json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _outcome(number: int) -> InputOutcome:
    return InputOutcome(f"in/page\ud800{number}.txt", f"page{number}", "ok", "é", kept=number, size=number * 10,
                        sha256="0" * 64, decoding="utf-8", kind="text")


def test_the_spool_gives_back_every_outcome_in_order_and_appends_after_a_read() -> None:
    spool = OutcomeSpool()
    for number in range(3):
        spool.append(_outcome(number))
    reading = iter(spool)
    assert next(reading) == _outcome(0)
    spool.append(_outcome(3))
    assert list(reading) == [_outcome(1), _outcome(2)]  # what was there when the read began
    assert list(spool) == [_outcome(number) for number in range(4)]
    assert len(spool) == 4


def test_the_spool_reads_back_across_its_read_size() -> None:
    spool = OutcomeSpool()
    count = 2000  # about 200 KB of lines: several reads, lines cut between them
    for number in range(count):
        spool.append(_outcome(number))
    assert [outcome.kept for outcome in spool] == list(range(count))
