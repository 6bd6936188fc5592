"""``passerelle clean`` as a user runs it: a real process, real files, exit codes and streams."""

from __future__ import annotations

import codecs
import json
from functools import partial
from pathlib import Path

from .conftest import GOLDEN, SEEDS
from .outputs import passerelle as run_passerelle

ARTICLE = (
    "Partagez cet article\n\n"
    "Le conseil municipal a voté jeudi soir la rénovation complète de l'école élémentaire du quartier.\n\n"
    "Les travaux commenceront à l'été et dureront près de deux ans, selon la mairie.\n"
)


# Cleaning a handful of files takes seconds; a hung process fails sooner than a whole run would.
passerelle = partial(run_passerelle, timeout=120)


def test_clean_seeds_writes_clean_texts_and_audit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = passerelle("clean", str(SEEDS), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    written = sorted(p.name for p in (out / "clean").iterdir())
    assert written == sorted(f"{p.stem}.fr.txt" for p in SEEDS.glob("*.txt"))
    for name in written:
        assert (out / "clean" / name).read_text(encoding="utf-8") == (GOLDEN / name).read_text(encoding="utf-8")
    events = [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {e["action"] for e in events} >= {"drop", "edit", "join"}
    assert all(set(e) == {"doc", "span", "stage", "rule", "action", "before", "after", "detail"} for e in events)
    docs = [e["doc"] for e in events]
    assert docs == sorted(docs), "audit is in input order"


def test_clean_stdin_to_stdout() -> None:
    result = passerelle("clean", "-", stdin=ARTICLE.encode("utf-8"))
    assert result.returncode == 0
    assert result.stdout.decode("utf-8") == (
        "Le conseil municipal a voté jeudi soir la rénovation complète de l’école élémentaire du quartier.\n\n"
        "Les travaux commenceront à l’été et dureront près de deux ans, selon la mairie.\n"
    )


def test_typography_profiles_and_the_record_of_them(tmp_path: Path) -> None:
    article = "« Il faut agir ! » a lancé le maire devant le conseil municipal réuni en séance hier soir.\n"
    for profile, expected in (
        ("french", "«\u00a0Il faut agir\u202f!\u00a0» a lancé le maire"),
        ("plain", '"Il faut agir !" a lancé le maire'),
    ):
        out = tmp_path / profile
        (tmp_path / "in.txt").write_text(article, encoding="utf-8")
        result = passerelle("clean", str(tmp_path / "in.txt"), "-o", str(out), "--typography", profile)
        assert result.returncode == 0, result.stderr
        assert (out / "clean" / "in.fr.txt").read_text(encoding="utf-8").startswith(expected)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["config"]["clean"]["typography"] == profile
        events = [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
        assert {e["detail"] for e in events if e["stage"] == "typography"} == {f"profile={profile}"}
    assert passerelle("clean", "-", "--typography", "fancy", stdin=b"x").returncode == 2


def test_segments_carry_ids_spans_and_languages(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert passerelle("clean", str(SEEDS), "-o", str(out), "-q").returncode == 0
    segments = [json.loads(line) for line in (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({s["id"] for s in segments}) == len(segments) > 100
    sources = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for segment in segments:
        doc, paragraph, sentence = segment["id"].rsplit(":", 2)
        assert doc == segment["doc"] and int(paragraph) >= 1 and int(sentence) >= 1
        assert segment["lang"] == "fr" and 0.67 <= segment["lang_score"] <= 1
        start, end = segment["span"]
        source = sources[doc][start:end]
        # The span holds the same words as the segment, before typography and glue repair.
        first_word = next(w for w in segment["text"].replace("’", "'").split() if w.isalpha())
        assert first_word in source.replace("’", "'"), (segment, source)


def test_bad_input_in_a_batch_is_named_and_the_rest_is_cleaned(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "empty.txt").write_bytes(b"")
    (batch / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (batch / "latin1.txt").write_bytes(ARTICLE.encode("latin-1"))
    (batch / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"))
    out = tmp_path / "out"
    # The same article in two encodings would otherwise be one document and its copy.
    result = passerelle("clean", str(batch), "-o", str(out), "--dedup", "none")
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 1
    assert "Traceback" not in stderr
    assert f"error: {batch / 'binary.txt'}: " in stderr
    assert "empty.txt" in stderr and "warning" in stderr
    cleaned = {p.name: p.read_text(encoding="utf-8") for p in (out / "clean").iterdir()}
    assert set(cleaned) == {"empty.fr.txt", "latin1.fr.txt", "utf16.fr.txt"}
    assert cleaned["latin1.fr.txt"] == cleaned["utf16.fr.txt"] != ""
    assert "école élémentaire" in cleaned["latin1.fr.txt"]
    flags = [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    decodes = {e["doc"]: e["detail"] for e in flags if e["rule"] == "decode"}
    assert decodes["utf16"].startswith("encoding=utf-16-le bom=True")
    assert decodes["latin1"].split()[0] in {"encoding=cp1252", "encoding=latin_1", "encoding=iso8859_15"}


def test_usage_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    for args in (("clean",), ("clean", "--no-such-option", "x"), ("nonsense",)):
        result = passerelle(*args)
        assert result.returncode == 2
        assert b"Traceback" not in result.stderr


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = passerelle("clean", str(SEEDS), "-o", str(blocker / "out"))
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert b"cannot write" in result.stderr


def test_help_has_an_example() -> None:
    result = passerelle("clean", "--help")
    assert result.returncode == 0
    assert b"passerelle clean seeds -o out" in result.stdout
