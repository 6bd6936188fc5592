"""What OmegaT does with Passerelle's TMX in each of its project's TM folders (OmegaT's console mode).

Passerelle's TMX is raw machine translation. OmegaT reads every TMX under a
project's ``tm/`` folder for fuzzy matches, but the subfolders change that:
``tm/auto/`` inserts exact matches as translations when the project opens,
``tm/enforce/`` does so over existing ones. This script runs the seeds through
``passerelle run --engine apertium``, makes one OmegaT project per folder with
the run's cleaned texts as source documents and ``corpus.tmx`` in that folder,
runs ``omegat --mode=console-translate``, and counts the paragraphs OmegaT
translated on its own in the target documents.

Needs Debian's ``omegat`` (``apt-get install omegat``; 3.6 on Debian 12) and
Apertium; not part of the test suite.

    python -m bench.omegat_folders
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from passerelle.corpus.tmx import read_tmx

from .results import write_section

ROOT = Path(__file__).resolve().parent.parent
OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")
FOLDERS = ("tm", "tm/mt", "tm/penalty-10", "tm/auto", "tm/enforce")
PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>FR</source_lang>
    <target_lang>EN</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneFrenchTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


def omegat_version() -> str:
    done = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "omegat"], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def translate_with(folder: str, tmx: Path, sources: list[Path], work: Path) -> tuple[int, int]:
    """(paragraphs OmegaT changed in the target documents, paragraphs)."""
    project = work / folder.replace("/", "_")
    for sub in ("source", "target", "glossary", "dictionary", "omegat", folder):
        (project / sub).mkdir(parents=True, exist_ok=True)
    (project / "omegat.project").write_text(PROJECT, encoding="utf-8")
    for source in sources:
        shutil.copy(source, project / "source" / source.name)
    shutil.copy(tmx, project / folder / "passerelle.tmx")
    subprocess.run(["java", "-Djava.awt.headless=true", "-jar", str(OMEGAT_JAR), str(project), "--mode=console-translate"],
                   check=True, capture_output=True, timeout=600, cwd=project)
    changed = total = 0
    for source in sources:
        before = [p for p in source.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        after = [p for p in (project / "target" / source.name).read_text(encoding="utf-8").split("\n\n") if p.strip()]
        total += len(before)
        changed += sum(a.strip() != b.strip() for a, b in zip(after, before))
    return changed, total


def main() -> None:
    if not OMEGAT_JAR.exists() or shutil.which("apertium") is None:
        raise SystemExit("needs OmegaT and Apertium: apt-get install omegat apertium apertium-fr-es apertium-eng-spa")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        subprocess.run([sys.executable, "-m", "passerelle", "run", str(ROOT / "seeds"), "-o", str(work / "out"), "--engine",
                        "apertium", "-q"], check=True, cwd=scratch)
        sources = sorted((work / "out" / "clean").glob("*.txt"))
        units = sum(1 for _ in read_tmx(work / "out" / "corpus.tmx"))
        rows = []
        for folder in FOLDERS:
            changed, total = translate_with(folder, work / "out" / "corpus.tmx", sources, work)
            rows.append(f"| `{folder}/` | {changed} of {total} |")
            print(rows[-1], flush=True)
    table = ["| TMX in | paragraphs OmegaT translated on its own |", "|---|---|", *rows]
    body = "\n".join([
        "## OmegaT and the TMX's folder (`bench/omegat_folders.py`)",
        "",
        f"OmegaT {omegat_version()} (Debian) in console mode, one project per folder: the seeds' cleaned texts as source",
        f"documents, the run's `corpus.tmx` ({units} units, Apertium translations) in the folder named. A paragraph counts",
        "as translated when OmegaT's target document differs from the source there.",
        "",
        *table,
        "",
        "From `tm/auto/` and `tm/enforce/` OmegaT writes the machine translation into every paragraph, unreviewed;",
        "from `tm/` and its other subfolders it writes nothing (the editor shows those memories as fuzzy matches, for",
        "the translator to take or leave). Passerelle's TMX belongs in `tm/`, never in `tm/auto/` or `tm/enforce/`.",
    ])
    print(body)
    write_section("omegat", body)


if __name__ == "__main__":
    main()
