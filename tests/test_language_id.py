"""Per-segment language detection: captions, credits, names, context, abstention, determinism."""

from __future__ import annotations

import subprocess
import sys

import langdetect.detector_factory
import pytest

from passerelle.normalise import DetectConfig, LanguageDetector, NormaliseError
from passerelle.normalise.language_id import _restricted_factory

DETECTOR = LanguageDetector()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Donald Trump et Joe Biden", "fr"),
        ("Le maire a inauguré la nouvelle médiathèque samedi matin.", "fr"),
        ("Manifestantes marchan por la avenida principal durante la protesta.", "es"),
        ("Síguenos en nuestras redes sociales", "es"),
        ("Protesters march along the main avenue during the demonstration (Reuters photo)", "en"),
        ("Read the full story on our website", "en"),
        ("Die Regierung hat am Montag neue Maßnahmen beschlossen.", "de"),
    ],
)
def test_languages_of_captions_credits_and_prose(text: str, lang: str) -> None:
    assert DETECTOR.detect(text).lang == lang


def test_score_is_a_share_of_the_evidence() -> None:
    clear = DETECTOR.detect("Le gouvernement a présenté mercredi son projet de loi sur l'énergie.")
    assert clear.lang == "fr" and clear.score > 0.99
    assert 0.0 <= DETECTOR.detect("Paris").score <= 1.0


def test_weak_evidence_abstains() -> None:
    assert DETECTOR.detect("").lang == "und"
    assert DETECTOR.detect("12 345 — 2023").lang == "und"
    assert DETECTOR.detect("Photo").lang == "und"


def test_short_segments_lean_on_their_context() -> None:
    assert DETECTOR.detect("Photo", context="fr").lang == "fr"
    # Context only tips a close call; it never overrides clear evidence.
    assert DETECTOR.detect("Envíanos tus noticias", context="fr").lang == "es"


def test_only_the_candidate_languages_can_be_answered() -> None:
    detector = LanguageDetector(DetectConfig(candidates=("fr", "en")))
    assert detector.detect("Manifestantes marchan por la avenida principal durante la protesta.").lang in {"fr", "en", "und"}


def test_a_language_without_a_profile_is_a_clear_error() -> None:
    with pytest.raises(NormaliseError, match="no profile for xx"):
        LanguageDetector(DetectConfig(candidates=("fr", "xx")))


def test_answers_repeat_across_processes() -> None:
    code = (
        "from passerelle.normalise import LanguageDetector; d = LanguageDetector(); "
        "print([d.detect(t) for t in ['Xi Jinping', 'Gracias', 'Signes notables', 'AFP', 'Sergueï Choïgou']])"
    )
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(runs) == 1


def test_ctrl_c_while_langdetect_loads_its_profiles_stays_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(**profile: object) -> None:
        raise KeyboardInterrupt
    # langdetect's loader turns any exception into "Profile format error"; a user's Ctrl-C must still stop with 130.
    monkeypatch.setattr(langdetect.detector_factory, "LangProfile", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _restricted_factory(("fr", "en"), 0)
