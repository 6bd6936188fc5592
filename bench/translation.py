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
from collections.abc import Iterable
from pathlib import Path

# argostranslate reads its settings once, at import: same device, threads and compute type as the others.
os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
os.environ.setdefault("ARGOS_COMPUTE_TYPE", "int8")

import ctranslate2  # noqa: E402
from argostranslate import package as argos_package  # noqa: E402
from argostranslate import translate as argos_translate  # noqa: E402

from passerelle.translate import ArgosEngine, EngineOptions, EngineResources, read_package  # noqa: E402
from tests.echo_package import REALISTIC, build_echo_package  # noqa: E402

from .results import write_section  # noqa: E402

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


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--limit", type=int, default=300, help="sentences to translate (FLORES dev has 997)")
    parser.add_argument("--model", type=Path, help="an unpacked real Argos package: adds BLEU and chrF")
    parser.add_argument("--rounds", type=int, default=2, help="timing rounds; the best of each system counts")
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

        raw = ctranslate2.Translator(str(package_dir / "model"), device="cpu", compute_type="int8")
        outputs: dict[str, list[str]] = {}
        systems = {
            "argostranslate 1.11 (own pipeline)": lambda: run_argostranslate(package_dir, sentences),
            "passerelle ArgosEngine": lambda: [t.text for t in engine.translate(sentences)],
            "raw CTranslate2 translate_batch (ceiling)": lambda: [
                " ".join(r.hypotheses[0]) for r in raw.translate_batch(
                    tokens, beam_size=BEAM, length_penalty=LENGTH_PENALTY, max_batch_size=resources.batch_tokens, batch_type="tokens")],
        }
        # Two cores shared with other work: each system runs in turn, best of the rounds counts.
        timings = {name: float("inf") for name in systems}
        for _ in range(args.rounds):
            for name, run in systems.items():
                started = time.perf_counter()
                outputs[name] = run()
                timings[name] = min(timings[name], time.perf_counter() - started)
        argos_out, ours = outputs["argostranslate 1.11 (own pipeline)"], outputs["passerelle ArgosEngine"]

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
    ceiling = timings["raw CTranslate2 translate_batch (ceiling)"] / timings["passerelle ArgosEngine"]
    header = ("system", "segments/s", "source tokens/s", "speed-up over argostranslate")
    table = [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}"] + [f"| {' | '.join(r)} |" for r in rows]
    body = [
        "## Translation throughput (`bench/translation.py`)",
        "",
        f"{len(sentences)} FLORES dev French sentences ({n_tokens:,} SentencePiece tokens), beam {BEAM}, length penalty",
        f"{LENGTH_PENALTY}, int8 on CPU, model: {'`' + args.model.name + '`' if args.model else 'the realistic-size echo package (6+6 layers, d_model 512, 8 heads, 32k vocabulary)'}.",
        "Targets: ≥ 3× argostranslate's throughput and ≥ 90 % of the raw CTranslate2 ceiling.",
        "",
        *table,
        "",
        f"Passerelle reaches {ceiling:.0%} of the ceiling. Outputs equal argostranslate's: {'yes' if same else 'NO'}"
        + ("" if args.model else f"; every output equals its input (echo): {'yes' if echo else 'NO'}") + ".",
        *quality,
        f"Best of {args.rounds} rounds per system, run in turn; {os.cpu_count()} CPU cores; Python {sys.version.split()[0]}, CTranslate2 {ctranslate2.__version__}.",
    ]
    print("\n".join(body))
    write_section("translate", "\n".join(body))


if __name__ == "__main__":
    main()
