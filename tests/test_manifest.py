"""The manifest is written without holding every input in memory: outcomes wait on disk, the JSON is streamed."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from hypothesis import given
from hypothesis import strategies as st

from passerelle.corpus import InputOutcome
from passerelle.corpus.manifest import _outputs_as_written, write_json
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


# Names that look like the list's own lines once written, too.
_NAMES = st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["\n", '"', ",", "]"]))
                  | st.sampled_from(["  ]", "}", ","]), max_size=5)


@given(_NAMES, _NAMES)
def test_the_outputs_list_is_read_back_a_line_at_a_time(inputs: list[str], outputs: list[str]) -> None:
    handle = io.StringIO()
    write_json(handle, {"inputs": inputs, "outputs": iter(outputs)})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "manifest.json"
        path.write_text(handle.getvalue(), encoding="utf-8")
        assert list(_outputs_as_written(path)) == outputs


@pytest.mark.parametrize("layout", [
    '{\n  "outputs": ["a", "b"]\n}\n',                            # the list on one line
    '{\n  "outputs": [\n    "a", "b"\n  ]\n}\n',                # two items on a line
    '{\n  "outputs": [\n    "a"\n    "b"\n  ]\n}\n',          # no comma between items
    '{\n  "outputs": [\n    "a",\n  ]\n}\n',                   # a comma after the last
    '{\n  "outputs": [\n    "a"\n  ],\n  "inputs": []\n}\n',  # another key after it
    '{\n  "outputs": [\n    "a"\n',                             # cut short
    '{\n  "outputs": [\n    "a"\n  ]\n}\n{}\n',                  # text after the manifest
    '{\n  "outputs": []\n},\n',                                  # text after the empty list's manifest
])
def test_an_outputs_list_in_another_layout_is_refused_for_a_whole_parse(layout: str, tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(layout, encoding="utf-8")
    with pytest.raises(ValueError):
        list(_outputs_as_written(path))


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
