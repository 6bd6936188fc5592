"""Does a real TMX client read our TMX? translate-toolkit, run from its own environment.

translate-toolkit's Python package is also called ``translate``, so it cannot
live beside Passerelle; give the interpreter of a separate environment:

    python3 -m venv /tmp/ttk && /tmp/ttk/bin/pip install translate-toolkit
    python bench/tmx_clients.py out/corpus.tmx --toolkit-python /tmp/ttk/bin/python

The check loads the file with ``translate.storage.tmx.tmxfile`` (what its
converters use; version 3.x ships ``po2tmx`` but no ``tmx2po``), and compares
unit count, ids, source and target texts with Passerelle's own reader.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]

from bench.results import write_section  # noqa: E402
from corpus.tmx import read_tmx  # noqa: E402

_TOOLKIT_READER = (
    "import json, sys, translate; from translate.storage import tmx; "
    "store = tmx.tmxfile.parsefile(sys.argv[1]); "
    "print(json.dumps({'version': translate.__version__.sver if hasattr(translate.__version__, 'sver') else str(translate.__version__), "
    "'units': [[u.getid(), u.source, u.target] for u in store.units]}))"
)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tmx", type=Path)
    parser.add_argument("--toolkit-python", type=Path, required=True, help="python of an environment with translate-toolkit")
    args = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory() as elsewhere:  # away from this checkout's `translate` package
        done = subprocess.run([str(args.toolkit_python), "-c", _TOOLKIT_READER, str(args.tmx.resolve())],
                              capture_output=True, text=True, cwd=elsewhere)
    if done.returncode:
        print(done.stderr, file=sys.stderr)
        raise SystemExit(f"translate-toolkit could not read {args.tmx}")
    theirs = json.loads(done.stdout)
    ours = [[p.tuid, p.source, p.target] for p in read_tmx(args.tmx)]
    agree = theirs["units"] == ours
    body = "\n".join([
        "## TMX read by a real client (`bench/tmx_clients.py`)",
        "",
        f"translate-toolkit {theirs['version']} (`translate.storage.tmx`) read `{args.tmx.name}`: "
        f"{len(theirs['units'])} units, ids and texts identical to Passerelle's own reader: {'yes' if agree else 'NO'}.",
        "OmegaT 3.6 (Debian) was tried in console mode with the TMX in tm/auto/: it stops on this machine with a",
        "NullPointerException while opening any project (before reading a TM), so it is not a verdict on the TMX.",
    ])
    print(body)
    write_section("tmx_clients", body)


if __name__ == "__main__":
    main()
