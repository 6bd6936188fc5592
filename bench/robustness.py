"""Robustness: the hostile-input corpus (tests/hostile_corpus.py) through ``passerelle run``, one row per case.

Each case runs in a fresh process through the CLI with the small echo package
(tests/echo_package.py, a test double; beam 1), as a user would run it; an
unreadable file is run without root's permission override, as any other user
meets it. A last row runs every case in one batch. For each run the table says
what became of each input (the manifest status), the exit code, what was
reported (stderr), whether the output folder is sound (TMX valid against the
DTD, JSONL parseable, aligned files of equal length, TSV rows of two fields, no
temporary file left) and whether anything was lost silently: an input missing
from the manifest, a document read as ``ok`` that gave no pair, or a word of its
prose missing from the corpus. Then the faults of bench/faults.py: kills,
full disks, busy folders, crawl-sized batches.

    python -m bench.robustness
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.echo_package import build_echo_package
from tests.hostile_corpus import CASES, HostileCase, companion, words
from tests.outputs import as_ordinary_user, lines, output_problems, passerelle

from .faults import fault_table
from .results import markdown_table, write_section

def silent_losses(out: Path, inputs_found: int, keeps: str) -> list[str]:
    """Inputs or prose that vanished without an outcome, as short phrases."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    outcomes = manifest["inputs"]
    records = [json.loads(line) for line in lines(out / "corpus.jsonl")]
    losses = []
    if len(outcomes) != inputs_found:
        losses.append(f"{inputs_found - len(outcomes)} input(s) without an outcome")
    silent = {o["doc_id"] for o in outcomes if o["status"] == "ok"} - {r["doc"] for r in records}
    if silent:
        losses.append(f"{len(silent)} ok document(s) without pairs")
    missing = words(keeps) - words(" ".join(r["fr"] for r in records)) if keeps else set()
    if missing:
        losses.append(f"{len(missing)} word(s) missing")
    return losses


def _reported(stderr: str) -> str:
    messages = [line.split(": ", 3)[-1] for line in stderr.splitlines() if line.startswith(("passerelle: error:", "passerelle: warning:"))]
    unique = list(dict.fromkeys(messages))
    return "; ".join(unique) if unique else "–"


def run_row(name: str, what: str, inputs: list[str], found: int, keeps: str, out: Path, package: Path,
            preexec: Callable[[], None] | None = None, *extra: str) -> tuple[str, ...]:
    start = time.perf_counter()
    # Every case holds the same French prose: with dedup, only its first file would give pairs.
    result = passerelle("run", *inputs, "-o", str(out), "--model", str(package), "--beam-size", "1", "--dedup", "none",
                        *extra, preexec_fn=preexec)
    seconds = time.perf_counter() - start
    stderr = result.stderr.decode("utf-8", errors="replace")
    if not (out / "manifest.json").exists():
        return (name, what, "no manifest", str(result.returncode), _reported(stderr), "–", "–", f"{seconds:.1f}")
    statuses = [o["status"] for o in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]]
    outcome = ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses))
    crashed = "Traceback" in stderr
    problems = output_problems(out)
    losses = silent_losses(out, found, keeps)
    return (name, what, outcome + (" CRASH" if crashed else ""), str(result.returncode), _reported(stderr).replace("|", "\\|"),
            "valid" if not problems else "; ".join(problems), "none" if not losses else "; ".join(losses), f"{seconds:.1f}")


def _ordinary(case: HostileCase) -> Callable[[], None] | None:
    if not case.needs_privilege_drop:
        return None
    try:
        return as_ordinary_user()
    except subprocess.SubprocessError:
        return None


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        package = build_echo_package(work / "model")
        batch_inputs: list[str] = []
        batch_found = 0
        for case in CASES:
            folder = work / case.name
            (folder / "in").mkdir(parents=True)
            inputs = case.build(folder / "in")
            found = case.documents or len(inputs)
            # A batch where no input can be read writes nothing: a failing case runs beside one readable article.
            beside = [companion(folder)] if case.expect == "failed" else []
            rows.append(run_row(case.name, case.description, inputs + beside, found + len(beside), case.keeps,
                                folder / "out", package, _ordinary(case)))
            print(" | ".join(rows[-1]), flush=True)
            if not case.needs_privilege_drop:  # root reads it in a batch run as root
                batch_inputs += inputs
                batch_found += found
        rows.append(run_row("all_in_one_batch", "every case above but the unreadable file, in one run "
                            "(--repeat-min-docs 0: the cases share their prose)", batch_inputs, batch_found, "",
                            work / "batch-out", package, None, "--repeat-min-docs", "0"))
        print(" | ".join(rows[-1]), flush=True)
        faults = fault_table(work / "faults", package)

    header = ("case", "input", "outcome (manifest status)", "exit", "reported on stderr", "outputs", "silent loss", "s")
    table = markdown_table(header, rows)
    crashes = sum("CRASH" in r[2] or r[2] == "no manifest" for r in rows)
    invalid = sum(r[5] != "valid" for r in rows)
    lost = sum(r[6] != "none" for r in rows)
    body = "\n".join([
        "## Robustness on hostile inputs (`bench/robustness.py`)",
        "",
        "Each case of tests/hostile_corpus.py through `passerelle run` in a fresh process, small echo package",
        "(test double), beam 1; a case whose inputs all fail runs beside one readable article (a batch where no input",
        "can be read writes nothing). Exit codes as the README documents them: 0 all good (empty documents are",
        "warnings), 1 some inputs failed. *Outputs*: TMX valid against the DTD, JSONL parseable, aligned files of equal length, TSV rows of",
        "two fields, no temporary file left. *Silent loss*: an input without an outcome, an `ok` document without",
        "pairs, or a word of its prose missing from the corpus.",
        "",
        *table,
        "",
        f"{len(rows)} runs: {crashes} crash(es), {invalid} unsound output folder(s), {lost} silent loss(es). "
        f"Python {sys.version.split()[0]}.",
        "",
        "### Faults beyond single inputs (`bench/faults.py`)",
        "",
        "Runs as above, each command under a timeout. *Final folder*: after the fault and a rerun of the same",
        "command, against an uninterrupted run of the same inputs (`identical`: byte for byte, timings aside).",
        "",
        *faults,
    ])
    print(body)
    write_section("robustness", body)


if __name__ == "__main__":
    main()
