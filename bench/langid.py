"""Score per-segment language detection on ../shared/eval/ (Tatoeba, lingua test data, FLORES dev).

Systems, in the same run, over the same texts, all restricted to the seven
languages fr en es de it pt ca where the library allows it:

* plain langdetect: ``langdetect.detect`` with its 55 profiles, seed 0;
* lingua, built from the seven languages (its default, high-accuracy mode);
* passerelle's :class:`normalise.LanguageDetector` with its defaults, no context.

An abstention (``und``, lingua's ``None``) counts as a miss. Accuracy per data
set, per language and per length bucket (characters); speed in segments per
second on one core over everything. Determinism: the Passerelle detector is run
again in two fresh processes with different hash seeds on the Tatoeba sample and
must give the same answers.

    python -m bench.langid [--eval ../shared/eval]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import langdetect
from langdetect import DetectorFactory
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from .results import markdown_table, write_section

from passerelle.normalise import LanguageDetector

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("fr", "en", "es", "de", "it", "pt", "ca")
ISO3 = {"fra": "fr", "eng": "en", "spa": "es", "deu": "de", "ita": "it", "por": "pt", "cat": "ca"}
FLORES = {"fr": "fra_Latn", "en": "eng_Latn", "es": "spa_Latn", "de": "deu_Latn", "it": "ita_Latn", "pt": "por_Latn", "ca": "cat_Latn"}
BUCKETS = ((0, 20, "≤20"), (21, 50, "21–50"), (51, 100, "51–100"), (101, 10**9, ">100"))
Sample = tuple[str, str]  # (gold language, text)
Detect = Callable[[str], str]


def load(eval_dir: Path) -> dict[str, list[Sample]]:
    data: dict[str, list[Sample]] = {}
    with (eval_dir / "lid-tatoeba" / "tatoeba_lid_sample.tsv").open(encoding="utf-8", newline="") as f:
        data["tatoeba sample"] = [(ISO3[r["label"]], r["text"]) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    for kind in ("sentences", "word-pairs", "single-words"):
        data[f"lingua {kind}"] = [(lang, line.strip()) for lang in LANGS
                                  for line in (eval_dir / "lid-lingua" / kind / f"{lang}.txt").open(encoding="utf-8") if line.strip()]
    data["flores dev"] = [(lang, line.strip()) for lang in LANGS
                          for line in (eval_dir / "flores200" / "dev" / f"{FLORES[lang]}.dev").open(encoding="utf-8") if line.strip()]
    return data


def plain_langdetect() -> Detect:
    DetectorFactory.seed = 0

    def detect(text: str) -> str:
        try:
            return langdetect.detect(text)
        except langdetect.LangDetectException:
            return "und"
    return detect


def restricted_lingua() -> Detect:
    detector = LanguageDetectorBuilder.from_iso_codes_639_1(*(getattr(IsoCode639_1, lang.upper()) for lang in LANGS)).build()

    def detect(text: str) -> str:
        found: Language | None = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else "und"
    return detect


def passerelle() -> Detect:
    detector = LanguageDetector()
    return lambda text: detector.detect(text).lang


def bucket(text: str) -> str:
    return next(name for low, high, name in BUCKETS if low <= len(text) <= high)


def answers_in_fresh_process(texts_file: Path, hash_seed: str) -> str:
    code = ("import sys; from passerelle.normalise import LanguageDetector; d = LanguageDetector(); "
            "print('\\n'.join(f'{r.lang} {r.score}' for r in map(d.detect, open(sys.argv[1], encoding='utf-8').read().split('\\n'))))")
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run([sys.executable, "-c", code, str(texts_file)], env=env, check=True, capture_output=True, text=True).stdout


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not (args.eval / "lid-tatoeba").is_dir():
        parser.error(f"no evaluation data at {args.eval}; pass --eval PATH to the shared eval folder")

    data = load(args.eval)
    systems = {"langdetect (plain, 55 profiles)": plain_langdetect(), "lingua (7 languages)": restricted_lingua(), "passerelle": passerelle()}
    for detect in systems.values():  # load profiles and models outside the timings
        detect("Bonjour tout le monde.")
    total = sum(len(samples) for samples in data.values())
    overall, per_lang, per_bucket, speed = [], [], [], {}
    for system, detect in systems.items():
        started = time.perf_counter()
        answers = {name: [detect(text) for _, text in samples] for name, samples in data.items()}
        speed[system] = total / (time.perf_counter() - started)
        for name, samples in data.items():
            hits = sum(a == gold for a, (gold, _) in zip(answers[name], samples))
            abstained = sum(a == "und" for a in answers[name])
            overall.append((system, name, f"{hits / len(samples):.4f}", str(abstained)))
        langs: dict[str, list[bool]] = defaultdict(list)
        buckets: dict[str, list[bool]] = defaultdict(list)
        for name in ("tatoeba sample", "flores dev", "lingua sentences"):
            for answer, (gold, text) in zip(answers[name], data[name]):
                langs[gold].append(answer == gold)
                buckets[bucket(text)].append(answer == gold)
        per_lang.append((system, *(f"{sum(langs[l]) / len(langs[l]):.3f}" for l in LANGS)))
        per_bucket.append((system, *(f"{sum(buckets[b]) / len(buckets[b]):.3f} ({len(buckets[b])})" for _, _, b in BUCKETS)))

    sample_file = args.eval / "lid-tatoeba" / "tatoeba_lid_sample.tsv"
    texts = Path(os.environ.get("TMPDIR", "/tmp")) / "passerelle-langid-texts.txt"
    texts.write_text("\n".join(t for _, t in load(args.eval)["tatoeba sample"]), encoding="utf-8")
    deterministic = answers_in_fresh_process(texts, "1") == answers_in_fresh_process(texts, "2")
    texts.unlink()

    speed_rows = [(system, f"{value:,.0f}") for system, value in speed.items()]
    body = [
        "## Language identification (`bench/langid.py`)",
        "",
        "Accuracy (abstentions count as misses) on `../shared/eval/` lid-tatoeba, lid-lingua and FLORES dev;",
        "targets: Tatoeba accuracy ≥ lingua's, ≥ 2,000 segments/s on one core, deterministic across processes.",
        "",
        *markdown_table(("system", "data", "accuracy", "abstained"), overall),
        "",
        "Per language (Tatoeba + FLORES + lingua sentences):",
        "",
        *markdown_table(("system", *LANGS), per_lang),
        "",
        "Per length bucket in characters (same texts; count in brackets):",
        "",
        *markdown_table(("system", *(b for _, _, b in BUCKETS)), per_bucket),
        "",
        f"Speed over all {total:,} texts, segments/s on one core:",
        "",
        *markdown_table(("system", "segments/s"), speed_rows),
        "",
        "Caveat: wordfreq's lists are counted from corpora that include OPUS subtitles and Wikipedia, where",
        "Tatoeba and FLORES-like sentences also occur; the lexicon may know these texts better than new news text.",
        "The n-gram weight (0.1) and the abstention threshold (0.67) were chosen on the lingua word pairs.",
        "",
        f"Deterministic across processes (Tatoeba sample, PYTHONHASHSEED 1 vs 2): {'yes' if deterministic else 'NO'}.",
        f"Source: `{sample_file.name}` and the files named in the script; Python {sys.version.split()[0]}.",
    ]
    print("\n".join(body))
    write_section("langid", "\n".join(body))


if __name__ == "__main__":
    main()
