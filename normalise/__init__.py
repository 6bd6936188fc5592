"""Reading and cleaning scraped French news text.

    >>> from passerelle.normalise import clean_text
    >>> clean_text("Partager Cet Article\nLe président a parlé hier soir à Paris.")
    'Le président a parlé hier soir à Paris.\n'
"""

from .characters import LONE_SURROGATE
from .cleaning import (
    CleanConfig,
    CleanedDocument,
    RepeatedLines,
    clean_document,
    clean_text,
    document_from_text,
    page_line_keys,
    prepare_cleaning,
    repeated_lines,
)
from .errors import ConfigError, InputError, NormaliseError
from .reading import DocumentIds, InputRef, SkipRule, decode_bytes, display_path, iter_input_refs, read_document
from .segmentation import sentence_spans, split_sentences
from .language_id import DetectConfig, Detection, LanguageDetector
from .records import Action, AuditEvent, Block, Decoding, Document, Role, Segment, Verdict
from .segments import segment_document
from .html_extraction import HTML_MODES
from .typography import PROFILES, apply_typography

__all__ = [
    "LONE_SURROGATE",
    "Action",
    "AuditEvent",
    "Block",
    "CleanConfig",
    "CleanedDocument",
    "ConfigError",
    "Decoding",
    "DetectConfig",
    "Detection",
    "Document",
    "DocumentIds",
    "InputError",
    "InputRef",
    "LanguageDetector",
    "NormaliseError",
    "HTML_MODES",
    "PROFILES",
    "RepeatedLines",
    "Role",
    "Segment",
    "SkipRule",
    "Verdict",
    "apply_typography",
    "clean_document",
    "clean_text",
    "decode_bytes",
    "display_path",
    "document_from_text",
    "iter_input_refs",
    "page_line_keys",
    "prepare_cleaning",
    "read_document",
    "repeated_lines",
    "segment_document",
    "sentence_spans",
    "split_sentences",
]
