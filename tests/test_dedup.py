"""Duplicates leave the corpus once: a copied document whole, a repeated sentence after its first pairing."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelle.corpus import Resources, RunConfig, run
from passerelle.corpus.dedup import DedupConfig, NearDuplicates, normalised
from passerelle.corpus.errors import CorpusError
from passerelle.normalise import CleanConfig
from passerelle.translate import EngineConfig, EngineOptions

from .conftest import SEEDS
from .outputs import folder_bytes, lines, passerelle
from .test_run_properties import assert_run_conserves

COPIED_SEED = SEEDS / "002_1ea0ca948f0b20f8.txt"
COPIED_TITLE = "Les liens sino-russes dépassent les alliances politico-militaires de l’époque de la guerre froide (Chine)"

# Another site's chrome around a republished dispatch.
OTHER_HEADER = "Accueil | Monde | Europe | Asie | Économie\nS'abonner\nSe connecter\n\n"
OTHER_FOOTER = ("\n\nPartager sur Facebook\nPartager sur X\nLe Courrier du Matin © 2023 – Tous droits réservés\n"
                "Mentions légales | Politique de confidentialité\n")

STOCK_SENTENCE = "Une enquête a été ouverte par le parquet pour déterminer les circonstances exactes du drame."

# Three different stories, each with the same stock sentence as a paragraph of its own.
STORIES = [
    ("Incendie dans un entrepôt de la banlieue lyonnaise",
     "Un violent incendie a ravagé dans la nuit de mardi à mercredi un entrepôt de stockage situé dans la zone "
     "industrielle de Vénissieux, au sud de Lyon. Une soixantaine de pompiers ont été mobilisés pour venir à bout des flammes.",
     "Selon la préfecture, aucun blessé n'est à déplorer, mais deux employés de l'entreprise voisine ont été "
     "légèrement incommodés par les fumées et pris en charge sur place par les secours."),
    ("Un cycliste renversé par un camion à Bordeaux",
     "Un homme de quarante-deux ans a été grièvement blessé jeudi matin après avoir été percuté par un poids lourd "
     "au croisement du cours de la Marne et de la rue de Bègles, en plein centre de Bordeaux.",
     "Le chauffeur du camion, qui circulait à faible allure, s'est arrêté immédiatement et a été entendu par les "
     "policiers. Les associations de cyclistes réclament depuis des années l'aménagement de ce carrefour."),
    ("Noyade d'un adolescent dans la Loire près de Nantes",
     "Un adolescent de seize ans est mort noyé samedi après-midi alors qu'il se baignait avec des amis dans la "
     "Loire, à hauteur de Saint-Sébastien-sur-Loire, malgré les panneaux qui interdisent la baignade.",
     "Les plongeurs de la gendarmerie ont retrouvé son corps en fin de journée. La mairie rappelle que les courants "
     "du fleuve restent très dangereux, même lorsque son niveau paraît bas en été."),
]


def _story(title: str, first: str, second: str) -> str:
    return f"{title}\n\n{first}\n\n{STOCK_SENTENCE}\n\n{second}\n"


def _syndicated(text: str) -> str:
    """Seed 002 as another site republishes it: other menu and footer, another title."""
    menu, body = text.split("\n\n", 1)
    assert menu.startswith("TV\nInfos") and COPIED_TITLE in body
    body = body.replace(COPIED_TITLE, "Moscou et Pékin affichent leur proximité militaire")
    return OTHER_HEADER + body + OTHER_FOOTER


def _config(mode: str = "near", translate: bool = False, repeat_min_docs: int = 3) -> RunConfig:
    return RunConfig(clean=CleanConfig(repeat_min_docs=repeat_min_docs), dedup=DedupConfig(mode=mode), translate=translate,
                     engine=EngineConfig(options=EngineOptions(beam_size=1)))


def _sources(out: Path) -> list[str]:
    return [json.loads(line)["fr"] for line in lines(out / "corpus.jsonl")]


def _audit(out: Path, rule: str) -> list[dict[str, object]]:
    return [event for line in lines(out / "audit.jsonl") if (event := json.loads(line))["rule"] == rule]


@pytest.fixture(scope="module")
def seeds_alone(echo_package_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "out"
    run([str(SEEDS)], out, _config(translate=True), model=echo_package_dir)
    return out


@pytest.mark.parametrize("copy", ["renamed", "syndicated"])
def test_a_copy_of_a_seed_leaves_the_seeds_own_pairs(seeds_alone: Path, echo_package_dir: Path, tmp_path: Path,
                                                     copy: str) -> None:
    text = COPIED_SEED.read_text(encoding="utf-8")
    copied = tmp_path / "zz_copy.txt"
    copied.write_text(text if copy == "renamed" else _syndicated(text), encoding="utf-8")
    out = tmp_path / "out"
    summary = run([str(SEEDS), str(copied)], out, _config(translate=True), model=echo_package_dir)
    assert lines(out / "corpus.jsonl") == lines(seeds_alone / "corpus.jsonl")
    assert summary.pairs == len(_sources(seeds_alone))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    outcome = next(i for i in manifest["inputs"] if i["path"].endswith("zz_copy.txt"))
    assert outcome["status"] == "duplicate" and outcome["message"].startswith("near-duplicate of 002_1ea0ca948f0b20f8")
    [event] = _audit(out, "near_duplicate_document")
    assert event["doc"] == outcome["doc_id"] and str(event["detail"]).startswith("002_1ea0ca948f0b20f8 similarity=")
    assert manifest["counts"]["rules"]["near_duplicate_document"] == 1
    assert not (out / "clean" / f"{outcome['doc_id']}.fr.txt").exists()
    assert_run_conserves(out, {i["doc_id"]: Path(i["path"]).read_bytes() for i in manifest["inputs"]})


def test_without_dedup_the_copy_is_paired_again(seeds_alone: Path, tmp_path: Path) -> None:
    copied = tmp_path / "zz_copy.txt"
    copied.write_bytes(COPIED_SEED.read_bytes())
    run([str(SEEDS), str(copied)], tmp_path / "none", _config("none"))
    run([str(SEEDS), str(copied)], tmp_path / "exact", _config("exact"))
    copy_pairs = len([s for s in _sources(tmp_path / "none") if s]) - len(_sources(seeds_alone))
    assert copy_pairs > 10
    assert _sources(tmp_path / "exact") == _sources(seeds_alone), "every sentence of the copy was paired before"
    assert len(_audit(tmp_path / "exact", "duplicate_segment")) == copy_pairs


def test_a_stock_sentence_of_three_different_stories_stays_once(tmp_path: Path) -> None:
    inputs = []
    for number, story in enumerate(STORIES):
        path = tmp_path / f"story{number}.txt"
        # Each site prints its name above the story: chrome that the three pages share.
        path.write_text("Le Courrier du Matin\n\n" + _story(*story), encoding="utf-8")
        inputs.append(str(path))
    out = tmp_path / "out"
    run(inputs, out, _config())
    sources = _sources(out)
    assert sources.count(STOCK_SENTENCE) == 1
    assert all(normalised(story[1].split(".")[0]) in normalised(" ".join(sources)) for story in STORIES), \
        "the stories themselves stay"
    assert "Le Courrier du Matin" not in sources and len(_audit(out, "repeated_in_batch")) == 3
    drops = _audit(out, "duplicate_segment")
    first = json.loads(lines(out / "corpus.jsonl")[sources.index(STOCK_SENTENCE)])["id"]
    assert [(d["before"], d["detail"]) for d in drops] == [(STOCK_SENTENCE, first)] * 2
    assert not _audit(out, "near_duplicate_document")
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]["rules"]["duplicate_segment"] == 2


def test_a_dispatch_under_three_sites_chrome_is_kept_whole_once(tmp_path: Path) -> None:
    """The two rules don't fight: the dispatch's short paragraphs, which three pages share, are not site chrome."""
    dispatch = _story(*STORIES[0]).replace(STOCK_SENTENCE + "\n\n", "")
    inputs = []
    for number, site in enumerate(["Le Courrier du Matin", "La Gazette du Rhône", "Le Petit Lyonnais"]):
        path = tmp_path / f"site{number}.txt"
        path.write_text(f"{site}\nAccueil | Faits divers | Région\n\n{dispatch}\n{site} © 2023\n", encoding="utf-8")
        inputs.append(str(path))
    out = tmp_path / "out"
    run(inputs, out, _config())
    assert [e["doc"] for e in _audit(out, "near_duplicate_document")] == ["site1", "site2"]
    assert not [e for e in _audit(out, "repeated_in_batch") if e["doc"] == "site0"]
    kept = normalised((out / "clean" / "site0.fr.txt").read_text(encoding="utf-8"))
    assert all(normalised(paragraph) in kept for paragraph in STORIES[0])


def test_normalised_text_unifies_case_quotes_apostrophes_and_spaces_but_keeps_digits() -> None:
    assert normalised("« L’homme »  a dit : non !") == normalised('"l\'HOMME" a dit: non!')
    assert normalised("Il a 42 ans.") != normalised("Il a 43 ans.")


def test_near_duplicates_are_judged_against_kept_documents_first_in_order() -> None:
    near = NearDuplicates(DedupConfig())
    story = _story(*STORIES[1])
    assert near.check("a", story) is None
    assert near.check("b", _story(*STORIES[2])) is None
    found = near.check("c", story.replace("quarante-deux", "quarante-trois"))
    assert found is not None and found.earlier == "a" and 0.6 <= found.similarity < 1
    assert near.check("d", "") is None


@pytest.mark.parametrize("bad", [{"mode": "fuzzy"}, {"threshold": 0}, {"threshold": 1.5}, {"shingle_words": 0}])
def test_dedup_settings_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(CorpusError):
        DedupConfig(**bad)  # type: ignore[arg-type]


def test_export_deduplicates_a_corpus_written_without_dedup(seeds_alone: Path, echo_package_dir: Path, tmp_path: Path) -> None:
    copied = tmp_path / "zz_copy.txt"
    copied.write_bytes(COPIED_SEED.read_bytes())
    old = tmp_path / "old"
    run([str(SEEDS), str(copied)], old, _config("none", translate=True), model=echo_package_dir)
    result = passerelle("export", str(old), "--format", "jsonl", "-o", "-", "--dedup", "near")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines() == lines(seeds_alone / "corpus.jsonl")
    assert passerelle("export", str(old), "--format", "jsonl", "-o", "-", "--dedup", "fuzzy").returncode == 2


def test_clean_lists_a_repeated_segment_once_and_reports_the_copy(tmp_path: Path) -> None:
    copied = tmp_path / "zz_copy.txt"
    copied.write_text(_syndicated(COPIED_SEED.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "out"
    result = passerelle("clean", str(SEEDS), str(copied), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert b"zz_copy.txt: near-duplicate of 002_1ea0ca948f0b20f8" in result.stderr
    assert not (out / "clean" / "zz_copy.fr.txt").exists() and len(list((out / "clean").iterdir())) == 5
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["dedup"] == {"mode": "near", "threshold": 0.6, "shingle_words": 3, "permutations": 128}
    segments = [json.loads(line) for line in lines(out / "segments.jsonl")]
    french = [normalised(s["text"]) for s in segments if s["lang"] == "fr"]
    assert len(french) == len(set(french))


# Documents drawn from a few paragraphs, so that sentences and whole documents repeat, in other cases and quotes.
PARAGRAPHS = [story[i] for story in STORIES for i in (1, 2)] + [STOCK_SENTENCE, "Le maire a réagi : « C’est un drame. »"]
VARIANT = st.sampled_from([str, str.upper, lambda text: text.replace("’", "'").replace("« ", '"').replace(" »", '"')])
DOCUMENTS = st.lists(st.lists(st.tuples(st.sampled_from(PARAGRAPHS), VARIANT).map(lambda p: p[1](p[0])),
                              min_size=1, max_size=5).map("\n\n".join), min_size=1, max_size=5)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, st.sampled_from(["exact", "near"]))
def test_dedup_invariants(documents: list[str], mode: str) -> None:
    """No two pairs share a normalised source; every segment is paired or audited; batches change nothing;
    without near-duplicates, another input order keeps the same sources."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        inputs = []
        for number, text in enumerate(documents):
            path = folder / f"doc{number}.txt"
            path.write_text(text, encoding="utf-8")
            inputs.append(str(path))
        config = _config(mode, repeat_min_docs=0)
        run(inputs, folder / "a", config, resources=Resources(batch_segments=1))
        run(inputs, folder / "b", config, resources=Resources(batch_segments=64))
        assert folder_bytes(folder / "a") == folder_bytes(folder / "b")
        sources = [normalised(text) for text in _sources(folder / "a")]
        assert len(sources) == len(set(sources))
        assert_run_conserves(folder / "a", {path.stem: path.read_bytes() for path in map(Path, inputs)})
        if mode == "exact":
            run(inputs[::-1], folder / "reversed", config)
            assert sorted(sources) == sorted(normalised(text) for text in _sources(folder / "reversed"))
