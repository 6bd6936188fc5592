"""Distinct generated news documents with the noise of real scraped pages, for the speed benchmarks.

Each document is built from real French sentences (WMT newstest2013 and FLORES dev,
../shared/eval/) and carries the kinds of noise SPEC §2 lists, drawn at random per
document: a site's navigation and share lines, a source line before the lead, a
Markdown title, image and link, a photo caption with its credit, glued words, mixed
quotes and apostrophes, double spaces, a paragraph cut by a blank line, a stray
English caption, a copyright footer. Twenty sites each have their own chrome, so the
batch-wide repeated-lines pass has work. Every document has its own sentences, so
near-duplicate detection drops none. About 4 KB a document.

    python -m bench.news_corpus OUT_FOLDER [--count 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"

# Parts of a site's chrome, combined per site: navigation, share prompts, related links, footers.
NAVIGATION = ("Accueil", "Infos", "A La Une", "Europe", "Monde", "Politique", "Économie", "Sport", "Culture",
              "L'INFO EN CONTINU", "TV", "Vidéos", "Régions", "Société")
SHARE = ("Partager cet article", "Partager Cet Article", "Partager sur Facebook", "Envoyer par e-mail",
         "Abonnez-vous à notre newsletter", "Suivez-nous sur Twitter")
RELATED = ("Lire aussi :", "En savoir plus :", "À lire également :", "Voir aussi :")
FOOTER = ("© {site} – Tous droits réservés", "Copyright © {year} {site}. Reproduction interdite.",
          "Toute reproduction est interdite sans l'autorisation de {site}.")
AGENCIES = ("AFP", "Reuters", "AP", "EPA", "Getty Images")
ENGLISH_CAPTIONS = ("US Rep. speaks to reporters on Capitol Hill (AFP photo)",
                    "Protesters gather outside the parliament building on Monday (Reuters)")


def french_sentences(eval_dir: Path = EVAL) -> list[str]:
    """Every distinct French sentence of newstest2013 and FLORES dev."""
    files = [eval_dir / "wmt-newstest-fr-en" / "txt" / "newstest2013.fr", eval_dir / "flores200" / "dev" / "fra_Latn.dev"]
    seen: dict[str, None] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.split()) >= 5:
                seen.setdefault(line.strip(), None)
    return list(seen)


def _site(rng: random.Random, number: int) -> dict[str, object]:
    name = f"{rng.choice(['Le', 'La', 'Les'])} {rng.choice(['Courrier', 'Dépêche', 'Nouvelles', 'Écho', 'Matin'])} {number}"
    return {
        "name": name,
        "source": f"({name.replace(' ', '')}.fr) -",
        "navigation": " / ".join(rng.sample(NAVIGATION, rng.randint(3, 6))),
        "share": rng.sample(SHARE, 2),
        "related": rng.choice(RELATED),
        "footer": rng.choice(FOOTER).format(site=name, year=rng.randint(2015, 2024)),
    }


def _glue(sentence: str, rng: random.Random) -> str:
    """Two neighbouring words run together, as a scraper that drops an inline tag's space does."""
    words = sentence.split(" ")
    if len(words) < 4:
        return sentence
    at = rng.randrange(1, len(words) - 1)
    return " ".join(words[:at - 1] + [words[at - 1] + words[at]] + words[at + 1:])


def _mixed_typography(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        text = text.replace("'", "’")
    if rng.random() < 0.3:
        text = text.replace(". ", ".  ", 1)
    return text


def document(sentences: Iterable[str], site: dict[str, object], rng: random.Random) -> str:
    """One page: chrome, a title, a lead after the source line, paragraphs with noise, a caption, a footer."""
    pool = list(sentences)
    take = iter(pool)
    title = next(take).rstrip(".")
    lines = [str(site["navigation"]), f"## {title}" if rng.random() < 0.5 else title]
    lines.append(f"{site['source']} {next(take)} {next(take)}")
    for number in range(rng.randint(4, 7)):
        paragraph = " ".join(next(take) for _ in range(rng.randint(3, 5)))
        if rng.random() < 0.35:
            paragraph = _glue(paragraph, rng)
        if rng.random() < 0.2:
            paragraph = f"« {paragraph.rstrip('.')} », a-t-il déclaré."
        lines.append(_mixed_typography(paragraph, rng))
        if number == 1 and rng.random() < 0.6:
            caption = next(take).rstrip(".")
            lines += ["![]() |", f"{caption}. Photo : {rng.choice(AGENCIES)} |"]
        if number == 2 and rng.random() < 0.3:
            lines.append(rng.choice(ENGLISH_CAPTIONS))
        if number == 2 and rng.random() < 0.3:
            cut = next(take).split(" ")
            half = len(cut) // 2
            lines += [" ".join(cut[:half]), "", " ".join(cut[half:])]
    lines.append(f"{site['related']} [{next(take).rstrip('.')}](#)")
    lines += [str(share) for share in site["share"]]  # type: ignore[attr-defined]
    lines.append(str(site["footer"]))
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, count: int, seed: int = 0, eval_dir: Path = EVAL) -> list[Path]:
    """``count`` documents under ``folder`` as ``news_<n>.txt``, each sentences drawn without repeats until the pool runs out."""
    rng = random.Random(seed)
    sentences = french_sentences(eval_dir)
    sites = [_site(rng, number) for number in range(20)]
    folder.mkdir(parents=True, exist_ok=True)
    order: list[str] = []
    paths = []
    for number in range(count):
        if len(order) < 48:
            order += rng.sample(sentences, len(sentences))
        used, order = order[:48], order[48:]
        path = folder / f"news_{number:05d}.txt"
        path.write_text(document(used, rng.choice(sites), rng), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(list(argv) if argv is not None else None)
    paths = write_corpus(args.folder, args.count, args.seed)
    print(f"{len(paths)} documents, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB in {args.folder}")


if __name__ == "__main__":
    main()
