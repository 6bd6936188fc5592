"""Every kind of broken input through ``passerelle run`` (tests/hostile_corpus.py).

For each case the batch goes on, each input is processed or reported (stderr
and manifest status) with a clear message, the exit code is the documented one, and
the output folder stays sound: DTD-valid TMX, parseable JSONL, aligned files
of equal length, TSV rows of two fields.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from passerelle.corpus.tmx import read_tmx

from .hostile_corpus import CASES, CASES_BY_NAME, COMPANION_ID, HostileCase, companion, words
from .outputs import as_ordinary_user, lines, output_problems, passerelle


@dataclass
class CaseRun:
    inputs: list[str]
    out: Path
    returncode: int
    stderr: str
    manifest: dict[str, Any]

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in lines(self.out / "corpus.jsonl")]

    @property
    def french(self) -> str:
        return "\n".join(r["fr"] for r in self.records)

    @property
    def audit(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in lines(self.out / "audit.jsonl")]


def run_case(case: HostileCase, folder: Path, model: Path, *extra: str) -> CaseRun:
    preexec = None
    if case.needs_privilege_drop:
        try:
            preexec = as_ordinary_user()
        except subprocess.SubprocessError:
            pytest.skip("running as root without the right to give up CAP_DAC_OVERRIDE")
    (folder / "in").mkdir()
    inputs = case.build(folder / "in")
    beside = [companion(folder)] if case.expect == "failed" else []
    out = folder / "out"
    # Every case holds the same French prose: with dedup, only its first file would give pairs.
    result = passerelle("run", *inputs, *beside, "-o", str(out), "--model", str(model), "--beam-size", "1", "--dedup", "none",
                        *extra, preexec_fn=preexec)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["inputs"] = [o for o in manifest["inputs"] if o["doc_id"] != COMPANION_ID]
    return CaseRun(inputs, out, result.returncode, result.stderr.decode("utf-8", errors="replace"), manifest)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_a_hostile_input_is_processed_or_reported_and_outputs_stay_sound(case: HostileCase, echo_package_dir: Path,
                                                                         tmp_path: Path) -> None:
    run = run_case(case, tmp_path, echo_package_dir)
    assert "Traceback" not in run.stderr
    assert run.returncode == (1 if case.expect == "failed" else 0), run.stderr
    assert output_problems(run.out) == []
    outcomes = run.manifest["inputs"]
    assert len(outcomes) == (case.documents or len(run.inputs))
    assert [o["status"] for o in outcomes] == [case.expect] * len(outcomes), outcomes
    for outcome in outcomes:
        assert case.reported in outcome["message"]
        if outcome["message"]:  # named on stderr with its reason: an error if it failed, else a warning
            kind = "error" if case.expect == "failed" else "warning"
            assert f"passerelle: {kind}: {outcome['path']}: {outcome['message']}" in run.stderr
    if case.expect == "ok":
        docs = {r["doc"] for r in run.records} - {COMPANION_ID}
        assert docs == {o["doc_id"] for o in outcomes}, "every document that was read gives pairs"
    if case.keeps:
        assert words(case.keeps) <= words(run.french), words(case.keeps) - words(run.french)
    CHECKS.get(case.name, lambda run: None)(run)


def _decoding(run: CaseRun) -> str:
    (outcome,) = run.manifest["inputs"]
    return outcome["decoding"]


def _invalid_utf8(run: CaseRun) -> None:
    assert "encoding=utf-8" in _decoding(run) and "stray_bytes=3" in _decoding(run)
    assert any(e["rule"] == "decode" and "stray_bytes=3" in e["detail"] for e in run.audit)


def _utf16(encoding: str, bom: bool) -> Any:
    def check(run: CaseRun) -> None:
        assert f"encoding={encoding} bom={bom}" in _decoding(run)
    return check


def _legacy(run: CaseRun) -> None:
    assert "encoding=utf-8" not in _decoding(run)
    assert any(e["rule"] == "decode" for e in run.audit)


def _mixed_newlines(run: CaseRun) -> None:
    assert "newlines=mixed:crlf+cr+lf" in _decoding(run)


def _long_sentence(run: CaseRun) -> None:
    longest = max(run.records, key=lambda r: len(r["fr"]))
    assert len(longest["fr"]) > 9_000 and longest["en"] == longest["fr"], "split for the model, rejoined whole"


def _no_characters(pattern: str, rule: str) -> Any:
    def check(run: CaseRun) -> None:
        everything = (run.out / "corpus.tmx").read_text(encoding="utf-8") + (run.out / "parallel" / "corpus.en").read_text(encoding="utf-8")
        assert not re.search(pattern, run.french + everything)
        assert any(e["rule"] in rule for e in run.audit)
    return check


def _nfc(run: CaseRun) -> None:
    assert unicodedata.is_normalized("NFC", run.french)
    assert any(e["rule"] == "repair_unicode" and "NFC" in e["detail"] for e in run.audit)


def _emoji(run: CaseRun) -> None:
    units = "\n".join(u.source + u.target for u in read_tmx(run.out / "corpus.tmx"))
    for emoji in ("\U0001f44d\U0001f3fd", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f1eb\U0001f1f7"):
        assert emoji in run.french and emoji in units


def _xml_specials(run: CaseRun) -> None:
    (unit,) = [u for u in read_tmx(run.out / "corpus.tmx") if "]]>" in u.source]
    # The HTML entity is decoded by the cleaner, like any entity a scraper left behind.
    assert "Le code ]]> & <tu> & <!DOCTYPE x> reste" in unit.source and unit.source == unit.target


def _json_escapes(run: CaseRun) -> None:
    assert 'caf\\u00e9 \\ud83d \\udc00' in run.french


def _dropped_as(reason: str, count: int) -> Any:
    def check(run: CaseRun) -> None:
        assert run.records == [] and sum(e["rule"] == reason for e in run.audit) == count
    return check


def _odd_names(run: CaseRun) -> None:
    paths = [o["path"] for o in run.manifest["inputs"]]
    assert any(p.endswith("saut\\nde ligne.txt") for p in paths) and any("octets-\\xff\\xfe-hors-utf8" in p for p in paths)
    ids = [o["doc_id"] for o in run.manifest["inputs"]]
    assert len(set(ids)) == 7 and "été_à_Noël_ÉÀÇ" in ids
    assert sorted(p.name for p in (run.out / "clean").iterdir()) == sorted(f"{i}.fr.txt" for i in ids)


def _same_stem(run: CaseRun) -> None:
    assert sorted(o["doc_id"] for o in run.manifest["inputs"]) == ["article", "article-2", "article-3"]
    assert len(list((run.out / "clean").iterdir())) == 3


def _distinct_ids(count: int) -> Any:
    def check(run: CaseRun) -> None:
        ids = [o["doc_id"] for o in run.manifest["inputs"]]
        # Distinct even where the file system takes names equal but for case or Unicode form for one file.
        assert len({unicodedata.normalize("NFC", i).casefold() for i in ids}) == count
        assert all(unicodedata.is_normalized("NFC", i) and len(f"{i}.fr.txt".encode()) <= 255 for i in ids)
        assert len(list((run.out / "clean").iterdir())) == count
    return check


CHECKS = {
    "invalid_utf8_midfile": _invalid_utf8,
    "utf16_le_bom": _utf16("utf-16-le", True),
    "utf16_be_bom": _utf16("utf-16-be", True),
    "utf16_le_no_bom": _utf16("utf-16-le", False),
    "utf16_be_no_bom": _utf16("utf-16-be", False),
    "latin1_french": _legacy,
    "cp1252_french": _legacy,
    "mixed_newlines": _mixed_newlines,
    "sentence_10000_chars": _long_sentence,
    "nul_bytes": _no_characters(r"\x00", ("repair_unicode", "remove_invisible_characters")),
    "c0_c1_controls": _no_characters(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", ("repair_unicode", "remove_invisible_characters")),
    "zero_width_and_bidi": _no_characters(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\u00ad]", ("remove_invisible_characters",)),
    "combining_sequences": _nfc,
    "emoji": _emoji,
    "xml_specials": _xml_specials,
    "json_escaped_surrogates": _json_escapes,
    "all_spanish": _dropped_as("foreign_language", 3),
    "all_boilerplate": _dropped_as("share_prompt", 2),
    "odd_file_names": _odd_names,
    "same_stem_twice": _same_stem,
    "names_equal_but_for_form_or_case": _distinct_ids(4),
    "names_of_255_bytes": _distinct_ids(2),
}


def test_every_check_names_a_case() -> None:
    assert set(CHECKS) <= set(CASES_BY_NAME)


def test_one_batch_of_every_hostile_input_goes_on_past_each_failure(echo_package_dir: Path, tmp_path: Path) -> None:
    inputs: list[str] = []
    expected: list[str] = []
    for case in CASES:
        if case.needs_privilege_drop:
            continue  # root reads it anyway; its own test drops the privilege
        folder = tmp_path / case.name
        folder.mkdir()
        built = case.build(folder)
        inputs += built
        expected += [case.expect] * (case.documents or len(built))
    out = tmp_path / "out"
    result = passerelle("run", *inputs, "-o", str(out), "--model", str(echo_package_dir), "--beam-size", "1",
                        "--repeat-min-docs", "0", "--dedup", "none")
    stderr = result.stderr.decode("utf-8", errors="replace")
    assert result.returncode == 1 and "Traceback" not in stderr
    outcomes = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    assert [o["status"] for o in outcomes] == expected
    assert all(f"passerelle: error: {o['path']}: {o['message']}" in stderr for o in outcomes if o["status"] == "failed")
    assert {r["doc"] for r in map(json.loads, lines(out / "corpus.jsonl"))} == {o["doc_id"] for o in outcomes if o["status"] == "ok"}
    assert output_problems(out) == []
