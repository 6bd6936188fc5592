"""Invariants of the whole ``clean`` and ``run`` paths over arbitrary Unicode and arbitrary bytes (hypothesis).

Any text, lone surrogates and control characters included, cleans without an
exception into text that can be written, that cleans to itself again, and that
accounts for every input line. Any set of files runs through the pipeline with
the echo package (a test double) into a sound output folder: every input
reported, TMX valid, aligned files of equal length.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelle.corpus import CorpusError, Resources, RunConfig, run
from passerelle.normalise import CleanConfig, clean_document, clean_text, decode_bytes, document_from_text
from passerelle.translate import EngineConfig, EngineOptions

from .outputs import lines, output_problems
from .test_cleaning_properties import SCRAPED_LINES, assert_conserved

# Every code point, lone surrogates (which hypothesis leaves out unless asked) included.
ANY_CHARACTER = st.one_of(st.characters(), st.characters(categories=["Cs"]), st.sampled_from("\x00\x1b\x85\u200b\u202e\ufeff"))
ANY_LINE = st.text(ANY_CHARACTER, max_size=80)
DOCUMENTS = st.lists(st.one_of(SCRAPED_LINES, ANY_LINE), max_size=12).map("\n".join)


# Derandomised: over every code point, ftfy's verdict on a few garbage strings still depends on
# context typography changes ("S´á‘˜" is left alone, "S’á‘˜" is decoded); a fixed sample keeps CI
# steady, and one-off runs of thousands of examples look further.
@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_any_text_cleans_into_writable_text_that_is_conserved_and_stable(text: str) -> None:
    cleaned = clean_document(document_from_text(text))
    assert_conserved(cleaned.document.text, cleaned)
    cleaned.text.encode("utf-8")
    assert clean_text(cleaned.text) == cleaned.text


def _encoded(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="surrogatepass" if codec.startswith("utf") else "replace")


FILE_CONTENTS = st.one_of(
    st.tuples(DOCUMENTS, st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1252"])).map(lambda pair: _encoded(*pair)),
    st.binary(max_size=600),
)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FILE_CONTENTS, min_size=1, max_size=4))
def test_any_files_run_into_a_sound_output_folder(echo_package_dir: Path, contents: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        inputs = []
        for number, data in enumerate(contents):
            path = folder / "in" / f"doc{number}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            inputs.append(str(path))
        out = folder / "out"
        config = RunConfig(clean=CleanConfig(repeat_min_docs=0), engine=EngineConfig(options=EngineOptions(beam_size=1)))
        try:
            summary = run(inputs, out, config, model=echo_package_dir, resources=Resources(batch_segments=16))
        except CorpusError as exc:
            # Only when no input could be read at all, and then no output is written (the cache is no output).
            assert "no input could be read" in str(exc)
            assert not [p for p in out.rglob("*") if p.is_file() and ".cache" not in p.relative_to(out).parts]
            return
        assert output_problems(out) == []
        outcomes = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]
        assert len(outcomes) == len(contents) and all(o["status"] in {"ok", "empty", "duplicate", "failed"} for o in outcomes)
        assert summary.pairs == len(lines(out / "corpus.jsonl"))
        for outcome in outcomes:
            if outcome["status"] == "ok":
                cleaned = (out / "clean" / f"{outcome['doc_id']}.fr.txt").read_text(encoding="utf-8")
                assert clean_text(cleaned) == cleaned
        assert_run_conserves(out, {o["doc_id"]: data for o, data in zip(outcomes, contents) if o["status"] != "failed"})


def assert_run_conserves(out: Path, inputs: dict[str, bytes]) -> None:
    """Every letter and digit of every input read lies in a pair, a drop, an edit or a not-French flag."""
    spans: dict[str, list[tuple[int, int]]] = {doc: [] for doc in inputs}
    for line in lines(out / "corpus.jsonl"):
        record = json.loads(line)
        spans[record["doc"]].append(tuple(record["span"]))
    for line in lines(out / "audit.jsonl"):
        event = json.loads(line)
        if event["doc"] in spans and (event["action"] in ("drop", "edit", "split", "join") or event["rule"] == "not_source_language"):
            spans[event["doc"]].append(tuple(event["span"]))
    for doc, data in inputs.items():
        text, _ = decode_bytes(data)
        for position, character in enumerate(text):
            if character.isalnum():
                assert any(a <= position < b for a, b in spans[doc]), (doc, position, text[max(0, position - 20):position + 20])
