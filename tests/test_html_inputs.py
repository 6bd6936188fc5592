"""HTML inputs: told by content, reduced to their main text by trafilatura, then cleaned as any text."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from passerelle.corpus.tmx import read_tmx
from passerelle.normalise import CleanConfig, ConfigError, InputRef, read_document
from passerelle.normalise.html_extraction import looks_like_html

from .conftest import SEEDS
from .hostile_corpus import FRENCH
from .outputs import lines, output_problems, passerelle

TITLE = "Le conseil municipal vote un budget de transition"
BODY = [
    "Le conseil municipal a adopté mardi soir, après quatre heures de débat, un budget de transition pour l'année "
    "prochaine, marqué par une hausse des dépenses consacrées aux écoles et aux transports.",
    "L'opposition a dénoncé un texte « trop timide » et réclamé des aides plus élevées pour les familles modestes, "
    "tandis que la majorité a défendu la prudence imposée par la baisse des dotations de l'État.",
    "Le maire a promis une révision du budget au printemps, une fois connues les recettes fiscales de l'année.",
]
PAGE = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{TITLE} | La Gazette</title></head>
<body>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/politique">Politique</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="cookie">Ce site utilise des cookies. <a href="/cookies">En savoir plus</a></div>
<article>
<h1>{TITLE}</h1>
<p>{BODY[0]}</p>
<figure><img src="/img/conseil.jpg" alt="La salle du conseil"><figcaption>La salle du conseil municipal, mardi soir.
Photo AFP / Jean Dupont</figcaption></figure>
<p>{BODY[1]}</p>
<p>{BODY[2]}</p>
</article>
<footer><p>© La Gazette 2026 – Mentions légales – Contact</p><p>Suivez-nous sur Facebook et Twitter</p></footer>
</body></html>
"""


@pytest.mark.parametrize("text", [PAGE, "<html><body><p>x</p></body></html>", "  <!-- saved -->\n<!doctype HTML>\n<html>",
                                  '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'])
def test_pages_are_told_by_their_markup(text: str) -> None:
    assert looks_like_html(text)


@pytest.mark.parametrize("text", [FRENCH, "Le code <html> reste du texte ordinaire.", "<p>un fragment</p>", ""])
def test_text_that_mentions_markup_is_not_a_page(text: str) -> None:
    assert not looks_like_html(text)


def test_the_seeds_are_text() -> None:
    assert not any(looks_like_html(path.read_text(encoding="utf-8")) for path in SEEDS.glob("*.txt"))


def test_a_page_reads_as_its_title_and_main_text(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"  # the name says text; the content says HTML
    path.write_text(PAGE, encoding="utf-8")
    document = read_document(InputRef(str(path)), "page")
    assert document.text.startswith(f"# {TITLE}\n")
    assert all(paragraph in document.text for paragraph in BODY)
    assert "<" not in document.text and "Accueil" not in document.text and "Mentions légales" not in document.text
    assert document.decoding.extractor.startswith("trafilatura/")
    assert document.decoding.extracted_away == len(PAGE) - len(document.text)
    assert document.sha256 and document.size == len(PAGE.encode("utf-8"))


def test_html_text_mode_reads_the_page_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    document = read_document(InputRef(str(path)), "page", html="text")
    assert document.text == PAGE and document.decoding.extractor == ""


def test_an_unknown_html_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown HTML mode 'tags'"):
        CleanConfig(html="tags")


def test_run_on_a_compressed_page_keeps_the_article_and_audits_the_extraction(echo_package_dir: Path,
                                                                            tmp_path: Path) -> None:
    page = tmp_path / "gazette.html.gz"
    page.write_bytes(gzip.compress(PAGE.encode("utf-8")))
    out = tmp_path / "out"
    result = passerelle("run", str(page), "-o", str(out), "--model", str(echo_package_dir), "--beam-size", "1")
    assert result.returncode == 0, result.stderr
    (outcome,) = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    assert outcome["doc_id"] == "gazette" and outcome["decoding"].startswith("compression=gzip html extractor=trafilatura/")
    french = " ".join(json.loads(line)["fr"] for line in lines(out / "corpus.jsonl"))
    assert "conseil municipal a adopté mardi soir" in french and "révision du budget au printemps" in french
    sources = " ".join(unit.source for unit in read_tmx(out / "corpus.tmx"))
    for chrome in ("<", "Accueil", "cookies", "Photo AFP", "Facebook"):
        assert chrome not in french and chrome not in sources
    (event,) = [json.loads(line) for line in lines(out / "audit.jsonl") if '"html_extraction"' in line]
    assert event["action"] == "drop" and event["detail"].startswith("trafilatura/")
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]["rules"]["html_extraction"] == 1
    assert output_problems(out) == []


def test_clean_with_html_text_leaves_the_page_to_the_cleaner(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    extracted = passerelle("clean", str(page))
    as_text = passerelle("clean", str(page), "--html", "text")
    assert extracted.returncode == as_text.returncode == 0
    assert BODY[0].split(",")[0] in extracted.stdout.decode("utf-8")
    assert extracted.stdout != as_text.stdout
