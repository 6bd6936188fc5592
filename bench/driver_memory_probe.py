"""One measurement for bench/driver_memory.py, run as a script in a fresh process (so that a baseline installed
apart is the ``passerelle`` imported): ``clean(INPUTS, OUT, workers=N)`` under tracemalloc, printing as JSON the
driver's traced heap when the manifest is about to be written, its peak while the manifest is written, the
process's peak RSS over the whole job, and the peak of what SQLite allocated (its page caches, which tracemalloc
does not see).

    python bench/driver_memory_probe.py INPUTS OUT WORKERS
"""

from __future__ import annotations

import _sqlite3
import ctypes
import json
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import passerelle.corpus.clean_job as clean_job

measured: dict[str, int] = {}
write_manifest = clean_job.write_manifest


def measured_write_manifest(out_dir: Path, manifest: dict[str, Any], staged: Any) -> None:
    measured["heap_before_manifest"] = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    write_manifest(out_dir, manifest, staged)
    measured["peak_writing_manifest"] = tracemalloc.get_traced_memory()[1]


clean_job.write_manifest = measured_write_manifest  # the job looks it up in its module when it writes
tracemalloc.start()
clean_job.clean([sys.argv[1]], Path(sys.argv[2]), workers=int(sys.argv[3]))
# The kernel's peak of the whole process, what tracemalloc does not see included (SQLite's page caches, say).
measured["peak_rss"] = next(int(line.split()[1]) * 1024 for line in Path("/proc/self/status").read_text().splitlines()
                            if line.startswith("VmHWM:"))
# The SQLite library Python's module uses: looked up through the module, whose dependencies include it.
sqlite = ctypes.CDLL(_sqlite3.__file__)
sqlite.sqlite3_memory_highwater.restype = ctypes.c_int64
measured["sqlite_peak"] = sqlite.sqlite3_memory_highwater(0)
print(json.dumps(measured))
