"""The tables on disk that hold what a job remembers of its whole batch: the same answers as in memory."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from passerelle.corpus.clean_job import Page, list_pages
from passerelle.corpus.digest_table import BlobTable, DigestBuckets, DigestTable, TextTable
from passerelle.normalise import CleanConfig, DocumentIds, InputRef, RepeatedLines


def test_digest_table_remembers_first_positions_through_growth() -> None:
    table = DigestTable()
    rng = random.Random(7)
    digests = [rng.getrandbits(64) for _ in range(5000)] + [0]
    for number, digest in enumerate(digests):
        assert table.first(digest, (number, 1, 2)) is None
    assert len(table) == len(digests)
    for number, digest in enumerate(digests):
        assert table.first(digest, (99, 9, 9)) == (number, 1, 2)


def test_digest_buckets_hold_every_ordinal_added_under_a_digest_through_growth() -> None:
    buckets = DigestBuckets()
    rng = random.Random(11)
    digests = [rng.getrandbits(64) for _ in range(3000)] + [0]
    for ordinal, digest in enumerate(digests):
        buckets.add(digest, ordinal)
        buckets.add(digest, ordinal + 10_000)
    assert all(buckets.get_any([d]) == [n, n + 10_000] for n, d in enumerate(digests))
    assert buckets.get_any(digests[:2]) == [0, 1, 10_000, 10_001]
    assert buckets.get_any([rng.getrandbits(64)]) == [] and len(buckets) == 2 * len(digests)


def test_blob_table_gives_rows_back_by_ordinal_beyond_one_statements_parameters() -> None:
    table = BlobTable()
    for number in range(25_000):
        assert table.append(f"doc{number}", number.to_bytes(4, "big")) == number
    wanted = list(range(3, 25_000, 2))
    assert table.rows(wanted) == [(f"doc{n}", n.to_bytes(4, "big")) for n in wanted] and len(table) == 25_000


def test_blob_table_reads_every_row_back_in_order_across_its_reads() -> None:
    table = BlobTable()
    for number in range(2_500):
        table.append(f"doc{number}", bytes([number % 256]))
    assert list(table.items()) == [(f"doc{n}", bytes([n % 256])) for n in range(2_500)]


# Pages, each the keys of its short lines; pages of one name are copies of one page.
_PAGES = st.lists(st.tuples(st.sampled_from("abcdef"), st.frozensets(st.sampled_from([f"k{n}" for n in range(12)]))),
                  max_size=40)


@settings(max_examples=60, deadline=None)
@given(_PAGES, st.integers(min_value=1, max_value=4))
def test_repeated_lines_counted_on_disk_are_those_counted_in_memory(pages: list[tuple[str, frozenset[str]]],
                                                                    min_docs: int) -> None:
    in_memory, on_disk = RepeatedLines(min_docs), RepeatedLines(min_docs, TextTable())
    for page, keys in pages:
        in_memory.add(page, keys)
        on_disk.add(page, keys)
    assert on_disk.repeated() == in_memory.repeated()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "A", "a-2", "b", "é", "é", "stdin"]), max_size=20))
def test_document_ids_given_from_a_table_on_disk_are_those_given_from_a_set(stems: list[str]) -> None:
    refs = [InputRef(f"/in/{n}/{stem}.txt") for n, stem in enumerate(stems)]
    in_memory, on_disk = DocumentIds(), DocumentIds(TextTable())
    assert [on_disk.assign(ref) for ref in refs] == [in_memory.assign(ref) for ref in refs]


def test_text_table_sets_replaces_and_pops_values() -> None:
    table = TextTable()
    table["x"] = ("p1",)
    table["x"] = ("p1", "p2")
    table.add("y")
    assert table.get("x", ()) == ("p1", "p2") and "y" in table and table.get("z", ()) == () and len(table) == 2
    assert table.pop("x", None) == ("p1", "p2") and table.pop("x", None) is None and "x" not in table
    assert len(table) == 1


def test_the_listed_pages_read_back_in_input_order_as_often_as_needed(tmp_path: Path) -> None:
    for name in ["b.txt", "a.txt", "c.txt", "notes.md"]:
        (tmp_path / name).write_text("Un texte.\n", encoding="utf-8")
    pages = list_pages([str(tmp_path / "c.txt"), str(tmp_path)], CleanConfig(), "*.txt",
                       lambda path: "ours" if path.name == "a.txt" else "")
    listed = list(pages)
    assert listed == list(pages) and len(pages) == 4 and pages.readable == 3
    assert [(type(item).__name__, item.doc_id if isinstance(item, Page) else item.path) for item in listed] == [
        ("Page", "c"), ("SkippedInput", str(tmp_path / "a.txt")), ("Page", "b"), ("Page", "c-2")]
    assert [page.doc_id for page in pages.to_clean()] == ["c", "b", "c-2"]


def test_text_table_gives_its_texts_once_in_pythons_order_across_its_reads() -> None:
    texts = [f"t{n}" for n in range(2_300)] + ["", "é", "\udcff", "\ud7ff", "\ue000", "z\U0001f600", "t7"]
    table = TextTable()
    for text in reversed(texts):
        table.add(text)
    assert list(table) == sorted(set(texts)) and len(table) == len(set(texts))
