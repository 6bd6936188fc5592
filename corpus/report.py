"""``passerelle report OUT``: one self-contained HTML page of what a run kept, removed and changed, and why.

The page needs nothing but itself: styles inline, charts as inline SVG, no
script, no font, no image, no link to anything outside the file, so it opens
offline and makes no network request. It shows the manifest's summary, the
counts per rule and per flag as bar charts, the pairs with the lowest scores
and the flagged ones side by side, then each document: its input lines
coloured kept or dropped (the reason on hover), and its edits before and after.

The input lines are the input as the run decoded it, read again from where
the manifest says it was; when it is no longer there, the document shows
what the audit kept of it (every dropped block and every edit).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator
from html import escape
from itertools import islice
from pathlib import Path
from typing import Any

from ..normalise import CleanConfig, InputError, InputRef, read_document
from .errors import CorpusError
from .export import read_records, run_languages
from .manifest import read_manifest

# How many pairs each pair table shows, and how many documents get a section of their own.
PAIRS_SHOWN = 25
DOCUMENTS_SHOWN = 200

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1, h2, h3 { font-weight: 600; } table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; }
td, th { border-bottom: 1px solid #ddd; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
.kept { background: #e6f4ea; } .dropped { background: #fce8e6; color: #8a1c12; text-decoration: line-through; }
.line { white-space: pre-wrap; margin: 0; padding: 0.1em 0.4em; font-family: ui-monospace, monospace; font-size: 12px; }
.before { color: #8a1c12; } .after { color: #1e6b34; } .bar { fill: #4a78c2; } .note { color: #666; }
details { margin: 0.4em 0; } summary { cursor: pointer; font-weight: 600; }
"""


def write_report(out_dir: Path, destination: Path | None = None) -> Path:
    """Write the report of the run in ``out_dir`` to ``destination`` (``OUT/report.html``) and return its path."""
    manifest = read_manifest(out_dir)
    target = destination or out_dir / "report.html"
    try:
        target.write_text("".join(_page(out_dir, manifest)), encoding="utf-8")
    except OSError as exc:
        raise CorpusError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target


def _page(out_dir: Path, manifest: dict[str, Any]) -> Iterator[str]:
    yield f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Passerelle report: {escape(str(out_dir))}</title>"
    yield f"<style>{_STYLE}</style></head><body>\n"
    yield f"<h1>Passerelle report</h1>\n<section id=\"summary\">{_summary(manifest)}</section>\n"
    counts = manifest.get("counts", {})
    yield f"<section id=\"rules\"><h2>Per rule</h2>{_bars(counts.get('rules', {}))}</section>\n"
    yield f"<section id=\"flags\"><h2>Per flag</h2>{_bars(counts.get('flags', {}))}</section>\n"
    yield from _pair_sections(out_dir, manifest)
    yield "<section id=\"documents\"><h2>Documents</h2>\n"
    yield from _documents(out_dir, manifest)
    yield "</section>\n</body></html>\n"


def _pair_sections(out_dir: Path, manifest: dict[str, Any]) -> Iterator[str]:
    """The lowest-scored and the flagged pairs, each from its own pass over corpus.jsonl (none for a clean job),
    so that memory does not grow with the corpus."""
    corpus = out_dir / "corpus.jsonl"
    lowest: list[dict[str, Any]] = []
    flagged: list[dict[str, Any]] = []
    source = target = ""
    if corpus.exists():
        langs = run_languages(out_dir, manifest)
        source, target = langs.source, langs.target
        lowest = heapq.nsmallest(PAIRS_SHOWN, (r for r in read_records(corpus) if r.get("score") is not None),
                                 key=lambda r: r["score"])
        flagged = list(islice((r for r in read_records(corpus) if r.get("flags")), PAIRS_SHOWN))
    yield f"<section id=\"lowest\"><h2>Lowest scores</h2>{_pairs(lowest, source, target)}</section>\n"
    yield f"<section id=\"flagged\"><h2>Flagged pairs</h2>{_pairs(flagged, source, target)}</section>\n"


def _summary(manifest: dict[str, Any]) -> str:
    statuses: dict[str, int] = defaultdict(int)
    for outcome in manifest.get("inputs", []):
        statuses[outcome.get("status", "?")] += 1
    rows = [("tool", f"{manifest.get('tool')} {manifest.get('version')}"), ("command", manifest.get("command", "")),
            ("configuration hash", manifest.get("config_hash", "")), ("engine", manifest.get("engine", "")),
            ("inputs", ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))),
            ("pairs", manifest.get("pairs", "")), ("pairs without a score", manifest.get("unscored_pairs", ""))]
    return _table(("", ""), [(name, str(value)) for name, value in rows if value != ""])


def _bars(counts: dict[str, int]) -> str:
    """A horizontal bar chart as inline SVG, the longest bar for the largest count."""
    if not counts:
        return "<p class=\"note\">none</p>"
    items = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    most, row, label, width = max(counts.values()), 20, 260, 420
    parts = [f"<svg role=\"img\" width=\"{label + width + 80}\" height=\"{row * len(items)}\" "
             f"xmlns=\"http://www.w3.org/2000/svg\">"]
    for index, (name, count) in enumerate(items):
        y = index * row
        length = max(1, round(width * count / most))
        parts.append(f"<text x=\"0\" y=\"{y + 14}\" font-size=\"12\">{escape(name)}</text>"
                     f"<rect class=\"bar\" x=\"{label}\" y=\"{y + 3}\" width=\"{length}\" height=\"{row - 6}\">"
                     f"<title>{escape(name)}: {count}</title></rect>"
                     f"<text x=\"{label + length + 6}\" y=\"{y + 14}\" font-size=\"12\">{count}</text>")
    return "".join(parts) + "</svg>"


def _pairs(records: list[dict[str, Any]], source: str, target: str) -> str:
    if not records:
        return "<p class=\"note\">none</p>"
    rows = [(r.get("id", ""), r.get(source) or "", r.get(target) or "",
             "" if r.get("score") is None else f"{r['score']:.3f}", ", ".join(r.get("flags") or [])) for r in records]
    return _table(("id", source, target, "score", "flags"), rows)


def _documents(out_dir: Path, manifest: dict[str, Any]) -> Iterator[str]:
    events = _events_by_document(out_dir / "audit.jsonl")
    clean = CleanConfig(**{k: v for k, v in manifest.get("config", {}).get("clean", {}).items()
                           if k in ("max_input_bytes", "html")})
    outcomes = [o for o in manifest.get("inputs", []) if o.get("doc_id")]
    for outcome in outcomes[:DOCUMENTS_SHOWN]:
        doc = outcome["doc_id"]
        yield (f"<details class=\"document\" id=\"doc-{escape(doc)}\"><summary>{escape(doc)} — {escape(outcome['status'])}"
               f"{': ' + escape(outcome['message']) if outcome.get('message') else ''}</summary>\n")
        yield _input_lines(outcome, events.get(doc, []), clean)
        edits = [e for e in events.get(doc, []) if e["action"] == "edit"]
        if edits:
            yield _table(("rule", "before", "after"), [(e["rule"], e["before"], e["after"]) for e in edits],
                         classes=("", "before", "after"))
        yield "</details>\n"
    if len(outcomes) > DOCUMENTS_SHOWN:
        yield f"<p class=\"note\">{len(outcomes) - DOCUMENTS_SHOWN} more documents are in audit.jsonl.</p>\n"


def _input_lines(outcome: dict[str, Any], events: list[dict[str, Any]], clean: CleanConfig) -> str:
    """The input's lines, each kept or dropped (with the rules that dropped it); from the audit alone if it is gone."""
    drops = [e for e in events if e["action"] == "drop" and e["span"][1] > e["span"][0]]
    try:
        text = read_document(InputRef(outcome["path"]), outcome["doc_id"], clean.max_input_bytes, clean.html).text
    except InputError:
        listed = "".join(f"<p class=\"line dropped\" title=\"{escape(e['rule'])}\">{escape(e['before'])}</p>" for e in drops)
        return f"<p class=\"note\">The input is no longer where the run read it; what was dropped:</p>{listed}"
    parts, offset = [], 0
    for line in text.split("\n"):
        end = offset + len(line)
        reasons = sorted({e["rule"] for e in drops if e["span"][0] < max(end, offset + 1) and e["span"][1] > offset})
        if line.strip():
            kind = "dropped" if reasons else "kept"
            title = f" title=\"{escape(', '.join(reasons))}\"" if reasons else ""
            parts.append(f"<p class=\"line {kind}\"{title}>{escape(line)}</p>")
        offset = end + 1
    return "".join(parts)


def _events_by_document(path: Path) -> dict[str, list[dict[str, Any]]]:
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if path.exists():
        for event in read_records(path):
            events[event.get("doc", "")].append(event)
    return events


def _table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]], classes: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td{_class(classes, i)}>{escape(str(cell))}</td>" for i, cell in enumerate(row))
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _class(classes: tuple[str, ...], index: int) -> str:
    return f" class=\"{classes[index]}\"" if index < len(classes) and classes[index] else ""
