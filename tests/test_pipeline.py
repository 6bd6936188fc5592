"""``passerelle run`` end to end with the echo package (a test double): alignment, TMX, determinism, resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from passerelle.corpus import RunConfig, run
from passerelle.corpus.pipeline import Resources
from passerelle.corpus.tmx import TmxHeader, TmxWriter, read_tmx, xml_safe
from passerelle.normalise import apply_typography
from passerelle.translate import Translation

from .conftest import SEEDS
from .outputs import assert_valid_tmx, folder_bytes, lines, passerelle


@pytest.fixture(scope="module")
def seeds_run(echo_package_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    result = passerelle("run", str(SEEDS), "-o", str(out), "--model", str(echo_package_dir), "--beam-size", "1",
                        "--typography", "plain", "-q")
    assert result.returncode == 0, result.stderr
    return out


def test_seeds_through_the_echo_package_are_aligned(seeds_run: Path) -> None:
    fr, en, tsv = (lines(seeds_run / "parallel" / f"corpus.{ext}") for ext in ("fr", "en", "tsv"))
    records = [json.loads(line) for line in lines(seeds_run / "corpus.jsonl")]
    units = list(read_tmx(seeds_run / "corpus.tmx"))
    assert len(fr) == len(en) == len(tsv) == len(records) == len(units) > 100
    assert fr == en, "the echo model gives every French line back"
    assert all(row == f"{a}\t{b}" for row, a, b in zip(tsv, fr, en))
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids) and [u.tuid for u in units] == ids
    assert all(r["lang"] == "fr" and r["fr"] == r["en"] and "untranslated_copy" in r["flags"] for r in records if len(r["fr"]) >= 20)
    assert_valid_tmx(seeds_run / "corpus.tmx")


def test_manifest_records_inputs_engine_and_counts(seeds_run: Path) -> None:
    manifest = json.loads((seeds_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"].startswith("argos:translate-fr_en-echo@")
    assert len(manifest["inputs"]) == 5 and all(i["status"] == "ok" and len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["counts"]["rules"]["split_glued_function_words"] >= 1
    assert manifest["counts"]["flags"]["untranslated_copy"] > 0
    assert len(manifest["config_hash"]) == 64 and manifest["config"]["clean"]["typography"] == "plain"


def test_french_typography_side_and_plain_engine_side(echo_package_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert passerelle("run", str(SEEDS / "001_737a2c596c3a624b.txt"), "-o", str(out), "--model", str(echo_package_dir),
                      "--beam-size", "1", "--tmx-langs", "fr-FR,en-GB", "-q").returncode == 0
    fr, en = lines(out / "parallel" / "corpus.fr"), lines(out / "parallel" / "corpus.en")
    assert [apply_typography(line, "plain") for line in fr] == en
    assert any("\u202f" in line for line in fr)
    tmx = (out / "corpus.tmx").read_text(encoding="utf-8")
    assert 'srclang="fr-FR"' in tmx and 'xml:lang="en-GB"' in tmx and "&nbsp;" not in tmx
    assert_valid_tmx(out / "corpus.tmx")


def test_two_runs_give_byte_identical_folders(seeds_run: Path, echo_package_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    result = passerelle("run", str(SEEDS), "-o", str(out), "--model", str(echo_package_dir), "--beam-size", "1",
                        "--typography", "plain", "-q")
    assert result.returncode == 0
    assert folder_bytes(out) == folder_bytes(seeds_run)


def test_a_rerun_translates_nothing_again(seeds_run: Path, echo_package_dir: Path) -> None:
    result = passerelle("run", str(SEEDS), "-o", str(seeds_run), "--model", str(echo_package_dir), "--beam-size", "1",
                        "--typography", "plain")
    stderr = result.stderr.decode("utf-8")
    pairs = len(lines(seeds_run / "corpus.jsonl"))
    assert result.returncode == 0 and f"{pairs} segment(s), {pairs} from cache" in stderr


def test_no_translate_writes_everything_but_the_english_side(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = passerelle("run", str(SEEDS), "-o", str(out), "--no-translate", "-q", env={"ARGOS_PACKAGES_DIR": str(tmp_path / "none")})
    assert result.returncode == 0, result.stderr
    assert (out / "parallel" / "corpus.fr").exists() and (out / "corpus.jsonl").exists() and (out / "manifest.json").exists()
    assert not (out / "parallel" / "corpus.en").exists() and not (out / "corpus.tmx").exists()
    assert all(json.loads(line)["en"] is None for line in lines(out / "corpus.jsonl"))


def test_run_without_a_model_stops_with_the_clear_message(tmp_path: Path) -> None:
    result = passerelle("run", str(SEEDS), "-o", str(tmp_path / "out"), env={"ARGOS_PACKAGES_DIR": str(tmp_path / "none")})
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1 and "passerelle models install fr en" in stderr and "Traceback" not in stderr


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=40), st.text(max_size=40)), max_size=5))
def test_any_text_makes_a_valid_tmx_that_reads_back(tmp_path_factory: pytest.TempPathFactory, pairs: list[tuple[str, str]]) -> None:
    path = tmp_path_factory.mktemp("tmx") / "t.tmx"
    with path.open("w", encoding="utf-8") as handle:
        writer = TmxWriter(handle, TmxHeader("0", "fr", "en", "20240101T000000Z"))
        for number, (source, target) in enumerate(pairs):
            writer.unit(f"d:1:{number}", [("x-flags", source)], source, target)
        writer.close()
    assert_valid_tmx(path)
    back = list(read_tmx(path))
    assert len(back) == len(pairs)
    # XML parsers turn \r\n and \r into \n; characters XML cannot hold were removed on the way out.
    def expected(text: str) -> str:
        return xml_safe(text)[0].replace("\r\n", "\n").replace("\r", "\n")

    assert [(b.source, b.target) for b in back] == [(expected(a), expected(b)) for a, b in pairs]


def test_export_filters_and_formats(seeds_run: Path, tmp_path: Path) -> None:
    records = [json.loads(line) for line in lines(seeds_run / "corpus.jsonl")]
    body = [r for r in records if r["role"] == "body"]
    assert passerelle("export", str(seeds_run), "--format", "tmx", "-o", str(tmp_path / "b.tmx"), "--role", "body",
                      "--tmx-langs", "fr-FR,en-US").returncode == 0
    assert [u.tuid for u in read_tmx(tmp_path / "b.tmx")] == [r["id"] for r in body]
    assert_valid_tmx(tmp_path / "b.tmx")
    assert passerelle("export", str(seeds_run), "--format", "moses", "-o", str(tmp_path / "m"), "--drop-flagged").returncode == 0
    unflagged = [r for r in records if not r["flags"]]
    assert lines(tmp_path / "m.fr") == [r["fr"] for r in unflagged] and len(lines(tmp_path / "m.en")) == len(unflagged)
    # Scores are log-probabilities (≤ 0); the median keeps some pairs and leaves out others.
    threshold = sorted(r["score"] for r in records)[len(records) // 2]
    assert passerelle("export", str(seeds_run), "--format", "jsonl", "-o", str(tmp_path / "s.jsonl"),
                      "--min-score", repr(threshold)).returncode == 0
    kept = [json.loads(line)["id"] for line in lines(tmp_path / "s.jsonl")]
    assert kept == [r["id"] for r in records if r["score"] >= threshold] and 0 < len(kept) < len(records)
    bad = passerelle("export", str(seeds_run), "--format", "docx", "-o", str(tmp_path / "x"))
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr


def test_reading_a_tmx_expands_no_entities_and_fetches_nothing(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.tmx"
    hostile.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "http://example.invalid/tmx14.dtd" [\n'
        '<!ENTITY secret SYSTEM "file:///etc/passwd">\n<!ENTITY lol "lollollol">]>\n'
        '<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" '
        'adminlang="en" srclang="fr" datatype="plaintext"/><body>'
        '<tu tuid="1"><tuv xml:lang="fr"><seg>a &secret; b &lol;</seg></tuv><tuv xml:lang="en"><seg>c</seg></tuv></tu>'
        '</body></tmx>\n', encoding="utf-8")
    (pair,) = read_tmx(hostile)
    assert "root:" not in pair.source and "lollollol" not in pair.source


def test_every_unit_says_it_is_machine_translation_and_no_prop_is_empty(seeds_run: Path) -> None:
    units = list(etree.parse(str(seeds_run / "corpus.tmx")).iter("tu"))
    assert units
    for unit in units:
        props = unit.findall("prop")
        assert all(p.text for p in props), etree.tostring(unit)
        assert {p.get("type"): p.text for p in props}["x-origin"] == "machine translation"


def test_a_strict_tmx_reader_takes_the_tmx(seeds_run: Path) -> None:
    # python-tmx 0.3.1 is hypomnema before its rename, the last release that imports on Python 3.10 and 3.11;
    # its validate() refuses a <prop> without text, as hypomnema's strict reader does.
    from PythonTmx.utils import from_element, validate

    document = from_element(etree.parse(str(seeds_run / "corpus.tmx")).getroot())
    validate(document)
    assert len(document.tus) == sum(1 for _ in read_tmx(seeds_run / "corpus.tmx"))


def test_the_strict_reader_does_refuse_an_empty_prop(tmp_path: Path) -> None:
    from PythonTmx.errors import ValidationError
    from PythonTmx.utils import from_element, validate

    tmx = ('<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
           'adminlang="en" srclang="fr" datatype="plaintext"/><body><tu><prop type="x-flags"></prop>'
           '<tuv xml:lang="fr"><seg>a</seg></tuv><tuv xml:lang="en"><seg>b</seg></tuv></tu></body></tmx>')
    with pytest.raises(ValidationError):
        validate(from_element(etree.fromstring(tmx.encode("utf-8"))))


class _VerticalTabTranslator:
    """A test double: gives each segment back with a vertical tab (which XML cannot hold) after its first word."""

    engine_id = "test-double:vertical-tab"
    output_settings: dict[str, object] = {}

    def translate(self, segments: list[str]) -> list[Translation]:
        return [Translation(text.replace(" ", "\x0b ", 1), None) for text in segments]


def test_tmx_edits_are_audited_at_their_documents_place_whatever_the_batch(tmp_path: Path) -> None:
    """What writing the TMX removes is audited after its segment's document, not when a batch of pairs is
    written: the audit is the same for any batch size."""
    audits = []
    for batch in (1, 7, 1000):
        out = tmp_path / str(batch)
        run([str(SEEDS)], out, RunConfig(), translator=_VerticalTabTranslator(),
            resources=Resources(batch_segments=batch), cache_path=tmp_path / f"cache{batch}.sqlite")
        audits.append((out / "audit.jsonl").read_text(encoding="utf-8"))
    assert audits[0] == audits[1] == audits[2]
    events = [json.loads(line) for line in audits[0].splitlines()]
    edits = [e for e in events if e["rule"] == "remove_xml_illegal_characters"]
    assert len(edits) == len(lines(tmp_path / "1" / "parallel" / "corpus.en")) - sum(
        " " not in line for line in lines(tmp_path / "1" / "parallel" / "corpus.fr"))
    documents = [e["doc"] for e in events if e["doc"]]
    assert documents == sorted(documents, key=documents.index), "each document's events together, in input order"
