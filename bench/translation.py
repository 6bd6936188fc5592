"""Translation throughput: argostranslate's own pipeline, the Passerelle engine, raw CTranslate2.

All three translate the same FLORES dev French sentences (../shared/eval/flores200/)
with the same model, beam and length penalty, in one run:

* argostranslate ``PackageTranslation.hypotheses``, one sentence per call as its
  API is used. It is made to run offline: its sentence splitter (MiniSBD or
  Stanza, which download models) is replaced by one that returns the line whole,
  which FLORES lines are; this only makes argostranslate faster.
* Passerelle's :class:`passerelle.translate.ArgosEngine` on the whole list.
* raw ``ctranslate2.Translator.translate_batch`` on pre-tokenised input with
  CTranslate2's own token batching: the ceiling, no tokenisation or bookkeeping.

Then, on the first ``--grid-limit`` sentences, raw CTranslate2 and the Passerelle
engine side by side at each thread setting (one batch at a time with CTranslate2's
own threads, with one thread, with every core; one batch per core with one thread
each): the engine's defaults are the best of these.

The model is the realistic-size echo package (tests/echo_package.py, a test
double: 6+6 layers, d_model 512, 8 heads, 32k vocabulary), so speed is what is
measured; the script checks that the Passerelle engine's outputs equal
argostranslate's. With ``--model PATH`` (an unpacked real package such as
translate-fr_en) it also reports BLEU and chrF against the English references.

    python -m bench.translation [--eval ../shared/eval] [--limit 300] [--model PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

# argostranslate reads its settings once, at import: same device, threads and compute type as the others.
os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
os.environ.setdefault("ARGOS_COMPUTE_TYPE", "int8")

import ctranslate2  # noqa: E402
from argostranslate import package as argos_package  # noqa: E402
from argostranslate import translate as argos_translate  # noqa: E402

from passerelle.machine import available_cores  # noqa: E402
from passerelle.translate import ArgosEngine, EngineOptions, EngineResources, read_package  # noqa: E402
from tests.echo_package import REALISTIC, build_echo_package  # noqa: E402

from .results import markdown_table, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

BEAM = 4
LENGTH_PENALTY = 0.2  # what argostranslate passes to CTranslate2


class WholeLine:
    """Stands in for argostranslate's downloading sentence splitters: the line is the sentence."""

    def __init__(self, pkg: object) -> None:
        pass

    def split_sentences(self, text: str) -> list[str]:
        return [text]


def run_argostranslate(package_dir: Path, sentences: list[str]) -> list[str]:
    argos_translate.MiniSBDSentencizer = WholeLine  # type: ignore[misc,assignment]
    argos_translate.StanzaSentencizer = WholeLine  # type: ignore[misc,assignment]
    translation = argos_translate.PackageTranslation(None, None, argos_package.Package(package_dir))
    return [translation.hypotheses(s, num_hypotheses=1)[0].value for s in sentences]


def raw_translator(package_dir: Path, inter: int, intra: int) -> ctranslate2.Translator:
    return ctranslate2.Translator(str(package_dir / "model"), device="cpu", compute_type="int8", inter_threads=inter,
                                  intra_threads=intra)


def raw_translate(raw: ctranslate2.Translator, tokens: list[list[str]]) -> list[str]:
    """CTranslate2 alone on pre-tokenised input with its own token batching: the ceiling, no bookkeeping."""
    results = raw.translate_batch(tokens, beam_size=BEAM, length_penalty=LENGTH_PENALTY,
                                  max_batch_size=EngineResources.batch_tokens, batch_type="tokens")
    return [" ".join(r.hypotheses[0]) for r in results]


def best_times(systems: dict[str, Callable[[], list[str]]], rounds: int,
               outputs: dict[str, list[str]] | None = None) -> dict[str, float]:
    """Each system's best time over ``rounds``; the systems run in turn, so a slow spell of the machine hits them alike."""
    timings = {name: float("inf") for name in systems}
    for _ in range(rounds):
        for name, run in systems.items():
            started = time.perf_counter()
            result = run()
            timings[name] = min(timings[name], time.perf_counter() - started)
            if outputs is not None:
                outputs[name] = result
    return timings


# Thread settings tried on the cores this machine has: one batch at a time with CTranslate2's own threads,
# one batch with one or every core, one batch per core with one thread each.
def thread_settings() -> list[tuple[int, int]]:
    cores = available_cores()
    return list(dict.fromkeys([(1, 0), (1, 1), (1, cores), (cores, 1)]))


def thread_grid(package_dir: Path, options: EngineOptions, sentences: list[str], tokens: list[list[str]],
                rounds: int) -> dict[tuple[int, int], tuple[float, float]]:
    """(raw CTranslate2, Passerelle) best seconds for each thread setting, measured side by side."""
    grid = {}
    for inter, intra in thread_settings():
        raw = raw_translator(package_dir, inter, intra)
        engine = ArgosEngine(read_package(package_dir), options, EngineResources(inter_threads=inter, intra_threads=intra))
        engine.translate(sentences[:2])  # load outside the timings
        times = best_times({"raw": lambda: raw_translate(raw, tokens), "ours": lambda: [t.text for t in engine.translate(sentences)]},
                           rounds)
        grid[(inter, intra)] = (times["raw"], times["ours"])
        print(f"threads {inter}/{intra}: raw {times['raw']:.1f} s, passerelle {times['ours']:.1f} s", file=sys.stderr)
    return grid


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--limit", type=int, default=300, help="sentences to translate (FLORES dev has 997)")
    parser.add_argument("--model", type=Path, help="an unpacked real Argos package: adds BLEU and chrF")
    parser.add_argument("--rounds", type=int, default=2, help="timing rounds; the best of each system counts")
    parser.add_argument("--grid-limit", type=int, default=60, help="sentences per thread setting in the thread grid")
    args = parser.parse_args(list(argv) if argv is not None else None)
    source_file = args.eval / "flores200" / "dev" / "fra_Latn.dev"
    if not source_file.is_file():
        parser.error(f"no FLORES data at {source_file}; pass --eval PATH to the shared eval folder")
    sentences = source_file.read_text(encoding="utf-8").splitlines()[: args.limit]

    with tempfile.TemporaryDirectory() as scratch:
        package_dir = args.model or build_echo_package(Path(scratch), REALISTIC)
        options = EngineOptions(beam_size=BEAM, length_penalty=LENGTH_PENALTY, compute_type="int8")
        resources = EngineResources()
        engine = ArgosEngine(read_package(package_dir), options, resources)
        tokens = [engine.encode(s) for s in sentences]
        n_tokens = sum(len(t) for t in tokens)
        engine.translate(sentences[:4])  # load outside the timings

        inter, intra = resources.threads("cpu")
        raw = raw_translator(package_dir, inter, intra)
        outputs: dict[str, list[str]] = {}
        systems = {
            "argostranslate 1.11 (own pipeline)": lambda: run_argostranslate(package_dir, sentences),
            f"passerelle ArgosEngine (defaults: {inter} inter, {intra} intra)": lambda: [t.text for t in engine.translate(sentences)],
            f"raw CTranslate2 translate_batch ({inter} inter, {intra} intra)": lambda: raw_translate(raw, tokens),
        }
        timings = best_times(systems, args.rounds, outputs)
        argos_out, ours = outputs["argostranslate 1.11 (own pipeline)"], outputs[next(n for n in systems if "passerelle" in n)]
        grid = thread_grid(package_dir, options, sentences[: args.grid_limit], tokens[: args.grid_limit], args.rounds)

        quality = []
        if args.model:
            import sacrebleu

            references = (args.eval / "flores200" / "dev" / "eng_Latn.dev").read_text(encoding="utf-8").splitlines()[: args.limit]
            quality = [f"BLEU {sacrebleu.corpus_bleu(ours, [references]).score:.1f}, "
                       f"chrF {sacrebleu.corpus_chrf(ours, [references]).score:.1f} (passerelle, {args.model.name})"]

    # argostranslate strips each paragraph; Passerelle keeps white space around a segment as it was.
    same = [o.strip() for o in ours] == [a.strip() for a in argos_out]
    echo = ours == sentences
    rows = [(name, f"{len(sentences) / seconds:.1f}", f"{n_tokens / seconds:,.0f}",
             f"{timings['argostranslate 1.11 (own pipeline)'] / seconds:.2f}×") for name, seconds in timings.items()]
    ceiling = timings[next(n for n in timings if n.startswith("raw"))] / timings[next(n for n in timings if "passerelle" in n)]
    best = min(grid, key=lambda setting: grid[setting][0])
    in_grid = min(args.grid_limit, len(sentences))
    grid_rows = [(str(inter), str(intra), f"{in_grid / raw_s:.2f}", f"{in_grid / ours_s:.2f}", f"{raw_s / ours_s:.0%}")
                 for (inter, intra), (raw_s, ours_s) in grid.items()]
    header = ("system", "segments/s", "source tokens/s", "speed-up over argostranslate")
    table = markdown_table(header, rows)
    body = [
        "## Translation throughput (`bench/translation.py`)",
        "",
        f"{len(sentences)} FLORES dev French sentences ({n_tokens:,} SentencePiece tokens), beam {BEAM}, length penalty",
        f"{LENGTH_PENALTY}, int8 on CPU, model: {'`' + args.model.name + '`' if args.model else 'the realistic-size echo package (6+6 layers, d_model 512, 8 heads, 32k vocabulary)'}.",
        "Targets: ≥ 3× argostranslate's throughput, and ≥ 95 % of raw CTranslate2 at its best thread setting.",
        "",
        *table,
        "",
        f"Passerelle at its defaults reaches {ceiling:.0%} of raw CTranslate2 at the same threads. Outputs equal argostranslate's: "
        f"{'yes' if same else 'NO'}" + ("" if args.model else f"; every output equals its input (echo): {'yes' if echo else 'NO'}") + ".",
        *quality,
        "",
        f"Threads, side by side on the first {in_grid} sentences (segments/s; 0 intra: CTranslate2 decides).",
        f"Raw CTranslate2 is fastest at {best[0]} inter, {best[1]} intra; there Passerelle reaches {grid[best][0] / grid[best][1]:.0%} "
        "of it (target ≥ 95 %).",
        "",
        *markdown_table(("inter_threads", "intra_threads", "raw CTranslate2", "passerelle ArgosEngine", "passerelle / raw"),
                        grid_rows),
        "",
        f"Best of {args.rounds} rounds per system, run in turn; {os.cpu_count()} CPU cores; Python {sys.version.split()[0]}, CTranslate2 {ctranslate2.__version__}.",
    ]
    print("\n".join(body))
    write_section("translate", "\n".join(body))


if __name__ == "__main__":
    main()
