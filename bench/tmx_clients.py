"""Does a real TMX client read our TMX? translate-toolkit, in the same process as Passerelle.

translate-toolkit (the standard Python library of translators) is installed
beside Passerelle by the test extra. Its package is named ``translate``, like
this checkout's ``translate/`` folder, so this one benchmark runs as a script,
never with ``python -m`` from the repository root, where that folder would come
first on ``sys.path``:

    python bench/tmx_clients.py out/corpus.tmx

The check loads the file with ``translate.storage.tmx.tmxfile`` (what its
converters use; version 3.x ships ``po2tmx`` but no ``tmx2po``), and compares
unit count, ids, source and target texts with Passerelle's own reader.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

from results import write_section
from translate.storage import tmx

from passerelle.corpus.tmx import read_tmx


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tmx", type=Path)
    args = parser.parse_args(list(argv) if argv is not None else None)
    with args.tmx.open("rb") as handle:
        theirs = [[u.getid(), u.source, u.target] for u in tmx.tmxfile.parsefile(handle).units]
    ours = [[p.tuid, p.source, p.target] for p in read_tmx(args.tmx)]
    agree = theirs == ours
    body = "\n".join([
        "## TMX read by a real client (`bench/tmx_clients.py`)",
        "",
        f"translate-toolkit {version('translate-toolkit')} (`translate.storage.tmx`), in the same process as Passerelle, "
        f"read `{args.tmx.name}`: {len(theirs)} units, ids and texts identical to Passerelle's own reader: "
        f"{'yes' if agree else 'NO'}.",
        "OmegaT reads it too: see the OmegaT section (`bench/omegat_folders.py`), which loads it in each TM folder.",
    ])
    print(body)
    write_section("tmx_clients", body)


if __name__ == "__main__":
    main()
