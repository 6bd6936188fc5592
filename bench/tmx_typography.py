"""How the TMX's source typography decides exact matches in a CAT tool (translate-toolkit's pretranslate).

A translator's new document repeats sentences the TMX holds, typed either the
French way (’, « », no-break spaces before : ; ! ?) or plainly (ASCII ' and ",
plain spaces). A CAT tool's exact match compares the strings as they are, so
a TMX typed one way turns the other way's exact matches into fuzzy ones.

The seeds are run once (Apertium translates, so the targets are real English;
the echo test double with --echo), the TMX exported with each of
``--tmx-typography as-cleaned|french|plain``, and the run's French segments
written as two PO files, one per typing. translate-toolkit's ``pretranslate
--tm TMX -s 100`` fills a msgstr only for an exact match; the table counts
them.

    python -m bench.tmx_typography [--echo]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

from passerelle.corpus.pairs import TMX_TYPOGRAPHIES
from passerelle.normalise import apply_typography

from .results import write_section

ROOT = Path(__file__).resolve().parent.parent
TYPINGS = ("french", "plain")


def po_file(sentences: list[str]) -> str:
    """A PO catalogue of untranslated entries, one per distinct sentence."""
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    entries = ['msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n']
    entries += [f"msgid {quoted(s)}\nmsgstr \"\"\n" for s in dict.fromkeys(sentences)]
    return "\n".join(entries)


def exact_matches(po: Path, tmx: Path, work: Path) -> tuple[int, int]:
    """(entries filled by an exact match, entries) after translate-toolkit's pretranslate at 100 % similarity,
    counted by its pocount: both are the toolkit's commands, so the checkout's translate/ folder never shadows it."""
    output = work / f"{po.stem}-{tmx.stem}.po"
    subprocess.run(["pretranslate", "-i", str(po), "-t", str(po), "-o", str(output), "--tm", str(tmx), "-s", "100",
                    "--progress", "none"], check=True, capture_output=True)
    counts = subprocess.run(["pocount", "--csv", str(output)], check=True, capture_output=True, text=True).stdout
    row = dict(zip(*(line.split(",") for line in counts.strip().splitlines()[:2])))
    return int(row["Translated Messages"]), int(row["Total Message"])


def passerelle(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "passerelle", *args, "-q"], check=True, cwd=tempfile.gettempdir())


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--echo", action="store_true", help="translate with the echo test double instead of Apertium")
    args = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        engine = ["--engine", "apertium"]
        if args.echo:
            from tests.echo_package import build_echo_package
            engine = ["--model", str(build_echo_package(work / "model")), "--beam-size", "1"]
        passerelle("run", str(ROOT / "seeds"), "-o", str(work / "out"), *engine)
        french = [json.loads(line)["fr"] for line in (work / "out" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
        documents = {}
        for typing in TYPINGS:
            documents[typing] = work / f"typed-{typing}.po"
            documents[typing].write_text(po_file([apply_typography(s, typing) for s in french]), encoding="utf-8")
        rows = []
        for typography in TMX_TYPOGRAPHIES:
            tmx = work / f"tmx-{typography}.tmx"
            passerelle("export", str(work / "out"), "--format", "tmx", "-o", str(tmx), "--tmx-typography", typography)
            cells = []
            for typing in TYPINGS:
                matched, total = exact_matches(documents[typing], tmx, work)
                cells.append(f"{matched} of {total} ({matched / total:.0%})")
            rows.append(f"| `{typography}` | " + " | ".join(cells) + " |")
    engine_name = "the echo test double" if args.echo else "Apertium"
    table = ["| TMX source typography | document typed the French way | document typed plainly |", "|---|---|---|", *rows]
    body = "\n".join([
        "## TMX typography and exact matches (`bench/tmx_typography.py`)",
        "",
        f"The seeds run once ({engine_name} translating, cleaned with the default French typography), the TMX exported with",
        "each `--tmx-typography`, and the run's distinct French segments typed both ways as PO files. translate-toolkit",
        f"{version('translate-toolkit')}'s `pretranslate --tm TMX -s 100` fills an entry only on an exact match:",
        "",
        *table,
        "",
        "A TMX meets the documents typed its own way; `as-cleaned` is the French way, since the cleaner types French.",
    ])
    print(body)
    write_section("tmx_typography", body)


if __name__ == "__main__":
    main()
