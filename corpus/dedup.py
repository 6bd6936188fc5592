"""Duplicates: a sentence already paired, a document that is a copy of an earlier one.

News repeats itself: one dispatch is republished under other site chrome with
a changed title or a trimmed paragraph, and stock sentences recur. Duplicates
skew a model's training and leak test sentences into it, so a corpus keeps
the first copy in input order and audits the others:

* **exact**: a source segment whose normalised text (case-folded, quotes,
  apostrophes and spaces unified, digits kept) was already
  paired is dropped (``duplicate_segment``, detail: the first one's id).
  Only a 64-bit digest of each is kept, on disk (:class:`DigestTable`).
* **near**: a cleaned document whose word shingles are at least
  ``threshold`` Jaccard-similar to an earlier kept document's, as MinHash
  with LSH banding estimates it (datasketch), is dropped whole
  (``near_duplicate_document``, detail: the earlier document and the
  estimated similarity). Texts are compared after cleaning, so different
  site chrome does not hide a copy.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from types import ModuleType
from typing import Any, TypeVar

import numpy as np

from ..normalise import Action, AuditEvent, CleanedDocument, Segment
from .digest_table import BlobTable, DigestBuckets, DigestTable
from .errors import CorpusError

DEDUP_MODES = ("none", "exact", "near")

# The permutations' seed and scheme, fixed: the same texts give the same signatures in every run.
_MINHASH_SEED = 1
_MINHASH_SCHEME = "affine32"  # datasketch 2's 32-bit values; its earlier scheme gives other signatures
# Shingles are hashed with CRC-32 before the permutations: distinct shingles get distinct values, which
# is all MinHash asks of it (the affine permutations do the mixing), at an eighth of SHA-1's cost.
_SHINGLE_HASH = zlib.crc32
_WORD = re.compile(r"\w+")

T = TypeVar("T")


@dataclass(frozen=True)
class DedupConfig:
    """What counts as a duplicate; the manifest records it.

    mode: ``none`` keeps everything; ``exact`` drops source segments already
        paired; ``near`` also drops documents that are near-duplicates of an
        earlier one.
    threshold: estimated Jaccard similarity of two documents' word shingles
        from which the later one is a near-duplicate.
    shingle_words: words per shingle; shorter shingles tolerate more edited
        words in a copy.
    permutations: MinHash permutations; more give a finer estimate and
        cost more time and memory per document.
    """

    mode: str = "near"
    threshold: float = 0.6
    shingle_words: int = 3
    permutations: int = 128

    def __post_init__(self) -> None:
        if self.mode not in DEDUP_MODES:
            raise CorpusError(f"unknown dedup mode {self.mode!r}; choose from {', '.join(DEDUP_MODES)}")
        if not 0 < self.threshold <= 1:
            raise CorpusError(f"the near-duplicate threshold is a similarity in (0, 1], not {self.threshold}")
        if self.shingle_words < 1 or self.permutations < 2:
            raise CorpusError("a shingle needs at least one word and MinHash at least two permutations")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Quotes and apostrophes, typographic or not, as ASCII.
_QUOTES = str.maketrans({**dict.fromkeys("’‘‛ʼ`´′", "'"), **dict.fromkeys("«»“”„‟″", '"')})
# Spaces by quotes and before : ; ! ? go: typographies space them differently (« x », "x", x : y, x: y).
_SPACED_MARK = re.compile(r"\s*([\"':;!?])\s*")


def normalised(text: str) -> str:
    """What makes two segments the same: case folded, one typography for quotes, apostrophes and spaces."""
    return " ".join(_SPACED_MARK.sub(r"\1", text.casefold().translate(_QUOTES)).split())


def segment_digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(normalised(text).encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


class SeenSegments:
    """The normalised source segments paired so far, each with where it was first seen."""

    def __init__(self) -> None:
        self._table = DigestTable()
        self._docs = BlobTable()  # the documents' names, by ordinal
        self._last: tuple[str, int] | None = None

    def first(self, text: str, doc: str, paragraph: int, sentence: int) -> str | None:
        """The id of the first segment with the same normalised text, or None when this is the first (now recorded)."""
        if self._last is None or self._last[0] != doc:
            self._last = doc, self._docs.append(doc, b"")
        found = self._table.first(segment_digest(text), (self._last[1], paragraph, sentence))
        if found is None:
            return None
        first_doc, first_paragraph, first_sentence = found
        return f"{self._docs.rows([first_doc])[0][0]}:{first_paragraph}:{first_sentence}"

    def drop(self, segment: Segment) -> AuditEvent | None:
        """The drop of a segment seen before (``duplicate_segment``, detail: the first one's id); None for a first."""
        first = self.first(segment.text, segment.doc, segment.paragraph, segment.sentence)
        if first is None:
            return None
        return AuditEvent(segment.doc, segment.span, "dedup", "duplicate_segment", Action.DROP, segment.text, "", first)


def repeated_segment_drops(config: DedupConfig) -> Callable[[Segment], AuditEvent | None]:
    """What drops a source segment already seen in the run (:meth:`SeenSegments.drop`); nothing under mode ``none``."""
    return SeenSegments().drop if config.mode != "none" else lambda segment: None


def shingles(text: str, size: int) -> list[bytes]:
    """The distinct runs of ``size`` words of the case-folded text; a shorter text is one shingle."""
    words = _WORD.findall(text.casefold())
    if not words:
        return []
    runs = {" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))}
    return [run.encode("utf-8", "surrogatepass") for run in sorted(runs)]


@dataclass(frozen=True)
class NearDuplicate:
    earlier: str
    similarity: float


class MinHashSigner:
    """The MinHash signatures that :class:`NearDuplicates` compares, computed by datasketch: the costly half of
    finding a near-duplicate, which needs no other document and is worked out where a document is cleaned."""

    def __init__(self, config: DedupConfig) -> None:
        self._config = config
        self._minhash = _datasketch().MinHash
        self._permutations = self._minhash(num_perm=config.permutations, seed=_MINHASH_SEED, scheme=_MINHASH_SCHEME,
                                           hashfunc=_SHINGLE_HASH).permutations

    def signature(self, text: str) -> np.ndarray | None:
        """The MinHash signature of ``text``'s shingles (None for a text without words)."""
        found = shingles(text, self._config.shingle_words)
        if not found:
            return None
        minhash = self._minhash(num_perm=self._config.permutations, seed=_MINHASH_SEED, scheme=_MINHASH_SCHEME,
                                hashfunc=_SHINGLE_HASH, permutations=self._permutations)
        minhash.update_batch(found)
        return minhash.hashvalues.astype(np.uint32, copy=False)


class NearDuplicates:
    """The documents kept so far, as MinHash signatures in LSH buckets; first in input order wins.

    datasketch chooses the banding (bands and rows for the threshold, as its
    MinHashLSH does); the buckets (:class:`DigestBuckets`) and the kept
    documents' names and signatures (:class:`BlobTable`) are on disk, where
    datasketch's in-memory index takes about 7 KB a document.
    """

    def __init__(self, config: DedupConfig) -> None:
        self._config = config
        banding = _datasketch().MinHashLSH(threshold=config.threshold, num_perm=config.permutations)
        self._bands, self._rows = banding.b, banding.r
        self.signer = MinHashSigner(config)
        self._buckets = DigestBuckets()
        self._kept = BlobTable()

    def check(self, name: str, text: str) -> NearDuplicate | None:
        """The earlier document ``text`` is a near-duplicate of, or None (and it is kept for later comparisons)."""
        return self.check_signature(name, self.signer.signature(text))

    def check_signature(self, name: str, signature: np.ndarray | None) -> NearDuplicate | None:
        """:meth:`check` for a text whose :meth:`MinHashSigner.signature` is given."""
        if signature is None:
            return None
        bands = [self._band_digest(signature, band) for band in range(self._bands)]
        candidates = self._kept.rows(self._buckets.get_any(bands))
        if candidates:
            signatures = np.frombuffer(b"".join(blob for _, blob in candidates), dtype=np.uint32)
            similarities = np.count_nonzero(signatures.reshape(len(candidates), -1) == signature, axis=1) / len(signature)
            best = int(np.argmax(similarities))  # the first of the most similar: candidates are in input order
            if similarities[best] >= self._config.threshold:
                return NearDuplicate(candidates[best][0], round(float(similarities[best]), 3))
        ordinal = self._kept.append(name, signature.astype(np.uint32).tobytes())
        for digest in bands:
            self._buckets.add(digest, ordinal)
        return None

    def _band_digest(self, signature: np.ndarray, band: int) -> int:
        rows = signature[band * self._rows:(band + 1) * self._rows]
        return int.from_bytes(hashlib.blake2b(rows.tobytes(), digest_size=8, person=band.to_bytes(16, "big")).digest(), "big")


@dataclass(frozen=True)
class DuplicateDocument:
    """A cleaned document dropped whole as a near-duplicate of an earlier one."""

    cleaned: CleanedDocument
    of: NearDuplicate

    @property
    def event(self) -> AuditEvent:
        document = self.cleaned.document
        return AuditEvent(document.doc_id, (0, len(document.text)), "dedup", "near_duplicate_document", Action.DROP,
                          self.cleaned.text, "", f"{self.of.earlier} similarity={self.of.similarity:g}")

    @property
    def reason(self) -> str:
        return f"near-duplicate of {self.of.earlier} (similarity {self.of.similarity:g})"


def drop_near_duplicates(signed: Iterable[tuple[T, np.ndarray | None]], config: DedupConfig) -> Iterator[T | DuplicateDocument]:
    """Pass the results on, each cleaned document that copies an earlier one as a :class:`DuplicateDocument`.

    Each result comes with the :meth:`MinHashSigner.signature` of its cleaned text (None under other modes
    than ``near``), worked out where it was cleaned."""
    if config.mode != "near":
        yield from (result for result, _ in signed)
        return
    kept = NearDuplicates(config)
    for result, signature in signed:
        if isinstance(result, CleanedDocument) and (copy := kept.check_signature(result.document.doc_id, signature)):
            yield DuplicateDocument(result, copy)
        else:
            yield result


# Lines of fewer words are left out when raw pages are compared: they are mostly site chrome.
_PROSE_LINE_WORDS = 8


class CopiesOfPages:
    """Which earlier raw page a page copies, for counting site chrome: a syndicated dispatch under other
    chrome is one page, so its short paragraphs are not taken for lines every page of a site repeats."""

    def __init__(self, config: DedupConfig) -> None:
        self._near = NearDuplicates(config)
        self._count = 0

    def page_of(self, text: str) -> str:
        return self.page_of_signature(raw_page_signature(self._near.signer, text))

    def page_of_signature(self, signature: np.ndarray | None) -> str:
        """The name of the earlier page that the next page, with this :func:`raw_page_signature`, copies; else its own."""
        self._count += 1
        name = str(self._count)
        copy = self._near.check_signature(name, signature)
        return copy.earlier if copy else name


def raw_page_signature(signer: MinHashSigner, text: str) -> np.ndarray | None:
    """What :class:`CopiesOfPages` compares of a raw page: the signature of its prose lines (of all of it when it has
    none), under ``signer``'s settings; a worker process works it out with a :class:`MinHashSigner` of its own."""
    prose = "\n".join(line for line in text.splitlines() if len(line.split()) >= _PROSE_LINE_WORDS)
    return signer.signature(prose or text)


def _datasketch() -> ModuleType:
    """datasketch, imported on first use: its LSH module imports scipy.integrate, a third of the command's start-up
    (0.7 s), which the commands that clean nothing (translate, export) need not pay."""
    import datasketch

    return datasketch
