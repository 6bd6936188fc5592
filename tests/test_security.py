"""Inputs cannot make Passerelle write outside its output folder.

(Archive entries outside the package folder: tests/test_translate.py; a TMX
that asks for entity expansion or a DTD over the network: tests/test_pipeline.py.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passerelle.corpus.clean_job import write_cleaned
from passerelle.corpus.errors import CorpusError
from passerelle.corpus.writers import StagedFiles, document_file
from passerelle.normalise import DocumentIds, InputRef, clean_document, document_from_text

NAMES = st.one_of(
    st.text(min_size=1, max_size=250).filter(lambda s: "\x00" not in s),
    st.binary(min_size=1, max_size=250).filter(lambda b: b"\x00" not in b).map(os.fsdecode),
    st.sampled_from(["..", ".", "../../etc/passwd", "/etc/passwd", "a/../../b", "..txt", ".hidden.txt", "-", "~root"]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=5))
def test_any_file_name_gives_an_id_that_names_a_file_inside_the_folder(names: list[str]) -> None:
    folder = Path("/out/clean")
    ids = DocumentIds()
    taken = [ids.assign(InputRef(f"/in/{name}")) for name in names]
    assert len(set(taken)) == len(taken)
    for doc_id in taken:
        path = document_file(folder, doc_id, ".fr.txt")
        assert path.parent == folder and os.path.normpath(path) == str(path) and not path.name.startswith(".")
        assert len(path.name.encode("utf-8", errors="surrogateescape")) < 255


@pytest.mark.parametrize("doc_id", ["../evil", "../../etc/passwd", "/etc/passwd", "a/b", "..", ".", ".hidden", "",
                                    "a\x00b", "x/../../y", "é/../z", "a\\..\\b"])
def test_an_id_that_would_name_a_file_elsewhere_is_refused(doc_id: str) -> None:
    with pytest.raises(CorpusError, match="cannot name a file"):
        document_file(Path("/out/clean"), doc_id, ".fr.txt")


def test_a_library_caller_cannot_write_outside_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cleaned = clean_document(document_from_text("Le ministre a présenté le budget hier soir à Paris.", doc_id="../../escaped"))
    with pytest.raises(CorpusError), StagedFiles() as staged, staged.writer(out / "audit.jsonl") as audit:
        write_cleaned(cleaned, out, "fr", audit, staged)
    assert not (tmp_path / "escaped.fr.txt").exists() and not any(tmp_path.rglob("*escaped*"))
