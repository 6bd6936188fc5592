"""The hostile-input corpus: every kind of broken input a batch must survive.

Each case writes its files into a folder of its own (generated, never committed)
and says what a run over them must report for each input: ``ok`` (processed),
``empty`` (read, nothing kept, with a warning) or ``failed`` (reported as an
error, the batch going on). ``reported`` holds words the message must contain.

Shared by the tests (tests/test_hostile_inputs.py) and bench/robustness.py.
"""

from __future__ import annotations

import gzip
import os
import random
import re
import shutil
import socket
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Prose of the kind the corpus is made of, long enough to be kept and detected as French.
FRENCH = (
    "Le gouvernement a présenté mercredi un projet de loi sur la rénovation énergétique des logements. "
    "Les députés en débattront à partir de lundi prochain, après l'avis du Conseil d'État.\n\n"
    "Selon le ministre, près de cinq millions de ménages pourraient en bénéficier d'ici à la fin de l'année. "
    "L'opposition dénonce un texte « trop timide » et réclame des aides plus élevées pour les plus modestes.\n"
)

SPANISH = (
    "El gobierno presentó el miércoles un proyecto de ley sobre la renovación energética de las viviendas.\n\n"
    "Los diputados lo debatirán a partir del próximo lunes, tras el dictamen del Consejo de Estado.\n\n"
    "Según el ministro, cerca de cinco millones de hogares podrían beneficiarse antes de fin de año.\n"
)

BOILERPLATE = (
    "Partager cet article\n"
    "Accueil / Monde / Europe\n"
    "Lire aussi : le budget adopté en première lecture\n"
    "© 2024 Le Journal. Tous droits réservés.\n"
    "Abonnez-vous à notre newsletter\n"
)

# cp1252 holds œ, ’ and € where latin-1 has control codes.
CP1252_FRENCH = "Le cœur du problème, c’est le prix : 1 200 € par mois pour un deux-pièces à Lyon.\n\n" + FRENCH


@dataclass(frozen=True)
class HostileCase:
    """One kind of bad input: how to make it and what a run must say about it."""

    name: str
    description: str
    build: Callable[[Path], list[str]]  # writes the input files under a folder, returns the paths to pass
    expect: str  # ok | empty | failed, for every input of the case
    reported: str = ""  # words the stderr message and the manifest message must contain
    keeps: str = ""  # text whose every word must reach the French side of the corpus
    documents: int | None = None  # inputs the batch finds, when not one per returned path (a folder)
    needs_privilege_drop: bool = False  # unreadable files are readable to root unless it gives up its override


def words(text: str) -> set[str]:
    """The words of ``text`` in composed form: what a case's ``keeps`` is checked by."""
    return set(re.findall(r"\w+", unicodedata.normalize("NFC", text)))


def _file(name: str | bytes, data: bytes) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        path = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else os.fsencode(name))
        with open(path, "wb") as handle:
            handle.write(data)
        return [os.fsdecode(path)]
    return build


def _files(*builders: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        return [path for builder in builders for path in builder(folder)]
    return build


def _french_with(insert: str, inside_words: bool = True) -> bytes:
    """The French prose with ``insert`` placed inside every seventh word, or after it."""
    words = FRENCH.split(" ")
    for index in range(3, len(words), 7):
        cut = 2 if inside_words else len(words[index])
        words[index] = words[index][:cut] + insert + words[index][cut:]
    return " ".join(words).encode("utf-8")


def _binary(folder: Path) -> list[str]:
    noise = random.Random(6).randbytes(4096)
    return _file("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise)(folder)


def _invalid_utf8_midfile(folder: Path) -> list[str]:
    data = FRENCH.encode("utf-8")
    middle = data.index(b"Selon")
    return _file("broken-utf8.txt", data[:middle] + b"Caf\xe9 \xff\xfe " + data[middle:])(folder)


def _mixed_newlines(folder: Path) -> list[str]:
    first, second = FRENCH.split("\n\n")
    sentences = first.split(". ")
    body = ".\r\n".join(sentences[:1]) + ".\r" + ". ".join(sentences[1:]) + "\r\n\n" + second.replace("\n", "\r")
    return _file("newlines.txt", body.encode("utf-8"))(folder)


def _huge_single_line(folder: Path) -> list[str]:
    line = FRENCH.replace("\n", " ").encode("utf-8")
    return _file("huge.txt", line * (20_000_000 // len(line) + 1))(folder)


def _long_sentence(folder: Path) -> list[str]:
    clauses = ["les élus locaux réclament des moyens supplémentaires pour les écoles de leur commune"] * 200
    sentence = "Selon le rapport publié hier, " + ", ".join(clauses)
    return _file("long-sentence.txt", (sentence[:10_000].rsplit(" ", 1)[0] + ".\n").encode("utf-8"))(folder)


def _odd_names(folder: Path) -> list[str]:
    names: list[str | bytes] = ["avec des espaces.txt", "guillemets \"doubles\" et 'simples'.txt", "été à Noël – ÉÀÇ.txt",
                                "saut\nde ligne.txt", b"octets-\xff\xfe-hors-utf8.txt", "-commence-par-un-tiret.txt", "..txt"]
    return [path for name in names for path in _file(name, FRENCH.encode("utf-8"))(folder)]


def _same_stem(folder: Path) -> list[str]:
    paths = []
    for sub in ("a", "b"):
        (folder / sub).mkdir()
        paths += _file("article.txt", FRENCH.encode("utf-8"))(folder / sub)
    paths += _file("article.md", FRENCH.encode("utf-8"))(folder)
    return paths


def _unreadable(folder: Path) -> list[str]:
    paths = _file("secret.txt", FRENCH.encode("utf-8"))(folder)
    os.chmod(paths[0], 0)
    return paths


def _symlink_loop(folder: Path) -> list[str]:
    tree = folder / "tree"
    (tree / "sub").mkdir(parents=True)
    _file("article.txt", FRENCH.encode("utf-8"))(tree / "sub")
    (tree / "sub" / "back-to-top").symlink_to("..", target_is_directory=True)
    (tree / "sub" / "self").symlink_to(".", target_is_directory=True)
    return [str(tree)]


def _symlink_to_itself(folder: Path) -> list[str]:
    (folder / "self.txt").symlink_to("self.txt")
    return [str(folder / "self.txt")]


def _fifo_named(folder: Path) -> list[str]:
    os.mkfifo(folder / "pipe.txt")  # no writer ever comes: opening it to read would wait forever
    return [str(folder / "pipe.txt")]


def _fifo_in_folder(folder: Path) -> list[str]:
    os.mkfifo(folder / "pipe.txt")
    return [str(folder)]


def _socket(folder: Path) -> list[str]:
    here = os.getcwd()
    os.chdir(folder)  # a socket's address is short (108 bytes): bind it by a relative name
    try:
        listener = socket.socket(socket.AF_UNIX)
        listener.bind("socket.txt")
        listener.close()
    finally:
        os.chdir(here)
    return [str(folder / "socket.txt")]


def _device(folder: Path) -> list[str]:
    return ["/dev/zero"]


def _names_equal_but_for_form_or_case(folder: Path) -> list[str]:
    names = [unicodedata.normalize("NFC", "café.txt"), unicodedata.normalize("NFD", "café.txt"), "Café.txt", "CAFÉ.txt"]
    return [path for name in names for path in _file(name, FRENCH.encode("utf-8"))(folder)]


def _names_of_255_bytes(folder: Path) -> list[str]:
    # Longer than the 200 bytes an id keeps, equal up to their last characters.
    stem = "é" * 120
    return [path for end in ("a", "b") for path in _file(f"{stem}{end * 11}.txt", FRENCH.encode("utf-8"))(folder)]


_INVISIBLE = "\u200b\u200d\u202e\u2066\u200e\u00ad\u2060"
_CONTROLS = "\x01\x07\x1b\x7f\x81\x9d"
_EMOJI = " \U0001f44d\U0001f3fd \U0001f468\u200d\U0001f469\u200d\U0001f467 \U0001f1eb\U0001f1f7"
_ZALGO = "\nLe mot Z\u0351\u0352\u0353a\u0354\u0355l\u0356g\u0357o est illisible ici, dit-on.\n"
_XML = "\nLe code ]]> & <tu> &amp; <!DOCTYPE x> reste du texte ordinaire pour nous.\n"
_JSON = '\nLe titre était {"t": "caf\\u00e9 \\ud83d \\udc00"} dans la page.\n'

CASES: tuple[HostileCase, ...] = (
    HostileCase("empty_file", "a file of zero bytes", _file("empty.txt", b""), "empty", "empty file"),
    HostileCase("only_whitespace", "spaces, tabs, no-break spaces and line breaks only",
                _file("blank.txt", " \t\n\r\n \u00a0 \u3000\n\n".encode("utf-8")), "empty", "only white space"),
    HostileCase("binary_data", "a PNG header followed by random bytes", _binary, "failed", "binary"),
    HostileCase("nul_bytes", "French prose with NUL bytes inside words", _file("nul.txt", _french_with("\x00")), "ok",
                keeps=FRENCH),
    HostileCase("invalid_utf8_midfile", "valid UTF-8 with a latin-1 byte and two stray bytes in the middle",
                _invalid_utf8_midfile, "ok", "3 byte(s) not valid UTF-8, read as cp1252", keeps=FRENCH + " Café"),
    HostileCase("utf16_le_bom", "UTF-16 LE with a byte-order mark", _file("le-bom.txt", FRENCH.encode("utf-16")), "ok",
                keeps=FRENCH),
    HostileCase("utf16_be_bom", "UTF-16 BE with a byte-order mark",
                _file("be-bom.txt", b"\xfe\xff" + FRENCH.encode("utf-16-be")), "ok", keeps=FRENCH),
    HostileCase("utf16_le_no_bom", "UTF-16 LE without a byte-order mark", _file("le.txt", FRENCH.encode("utf-16-le")),
                "ok", keeps=FRENCH),
    HostileCase("utf16_be_no_bom", "UTF-16 BE without a byte-order mark", _file("be.txt", FRENCH.encode("utf-16-be")),
                "ok", keeps=FRENCH),
    HostileCase("latin1_french", "French in ISO-8859-1", _file("latin1.txt", FRENCH.encode("latin-1")), "ok", keeps=FRENCH),
    HostileCase("cp1252_french", "French in Windows-1252 with œ, ’ and €", _file("cp1252.txt", CP1252_FRENCH.encode("cp1252")),
                "ok", keeps=CP1252_FRENCH),
    HostileCase("mixed_newlines", "CRLF, lone CR and LF in one file", _mixed_newlines, "ok", keeps=FRENCH),
    HostileCase("huge_single_line", "20 MB of prose without a newline", _huge_single_line, "failed", "input size limit"),
    HostileCase("sentence_10000_chars", "one sentence of 10,000 characters", _long_sentence, "ok"),
    HostileCase("c0_c1_controls", "C0 and C1 control characters inside words", _file("controls.txt", _french_with(_CONTROLS)),
                "ok", keeps=FRENCH),
    HostileCase("zero_width_and_bidi", "zero-width spaces and joiners, bidi overrides and isolates, soft hyphens",
                _file("invisible.txt", _french_with(_INVISIBLE)), "ok", keeps=FRENCH),
    HostileCase("combining_sequences", "decomposed accents and stacked combining marks",
                _file("combining.txt", unicodedata.normalize("NFD", FRENCH + _ZALGO).encode("utf-8")), "ok", keeps=FRENCH),
    HostileCase("emoji", "emoji with a skin tone, a ZWJ family and a flag between words",
                _file("emoji.txt", _french_with(_EMOJI, inside_words=False)), "ok", keeps=FRENCH),
    HostileCase("xml_specials", "]]>, &, < and markup-like text in the prose", _file("xml.txt", (FRENCH + _XML).encode("utf-8")),
                "ok", keeps=FRENCH),
    HostileCase("json_escaped_surrogates", "JSON-escaped lone surrogates (\\ud83d, \\udc00) as a scraper dumps them",
                _file("json-escapes.txt", (FRENCH + _JSON).encode("utf-8")), "ok", keeps=FRENCH + _JSON),
    HostileCase("all_spanish", "a document entirely in Spanish", _file("espanol.txt", SPANISH.encode("utf-8")), "empty",
                "foreign_language"),
    HostileCase("all_boilerplate", "a document that is only site chrome", _file("chrome.txt", BOILERPLATE.encode("utf-8")),
                "empty", "nothing kept"),
    HostileCase("odd_file_names", "names with spaces, quotes, accents, a newline, non-UTF-8 bytes, a leading dash, only a dot",
                _odd_names, "ok", keeps=FRENCH),
    HostileCase("same_stem_twice", "a/article.txt, b/article.txt and article.md", _same_stem, "ok", keeps=FRENCH),
    HostileCase("unreadable_file", "a file without read permission", _unreadable, "failed", "permission denied",
                needs_privilege_drop=True),
    HostileCase("directory_symlink_loop", "a folder holding links to itself and to its parent", _symlink_loop, "ok",
                keeps=FRENCH, documents=1),
    HostileCase("file_symlink_to_itself", "a link that points at itself", _symlink_to_itself, "failed", "symbolic links"),
    HostileCase("gzip_bomb", "20 kB of gzip that would expand to 50 MB", _file("bomb.txt.gz", gzip.compress(b" " * 50_000_000)),
                "failed", "decompresses to more than the input size limit"),
    HostileCase("truncated_gzip", "French prose in gzip, cut in the middle",
                _file("cut.txt.gz", gzip.compress(FRENCH.encode("utf-8"))[:60]), "failed", "damaged gzip data"),
    HostileCase("fifo_named", "a named pipe with a .txt name and no writer, named on the command line", _fifo_named,
                "failed", "not a regular file: FIFO"),
    HostileCase("fifo_in_folder", "a named pipe with a .txt name and no writer, found in a folder", _fifo_in_folder,
                "failed", "not a regular file: FIFO", documents=1),
    HostileCase("socket", "a Unix socket with a .txt name", _socket, "failed", "not a regular file: socket"),
    HostileCase("character_device", "/dev/zero, endless", _device, "failed", "not a regular file: character device"),
    HostileCase("names_equal_but_for_form_or_case", "café.txt in NFC and in NFD, Café.txt and CAFÉ.txt",
                _names_equal_but_for_form_or_case, "ok", keeps=FRENCH),
    HostileCase("names_of_255_bytes", "two names of 255 bytes, equal in their first 240", _names_of_255_bytes, "ok",
                keeps=FRENCH),
)

CASES_BY_NAME = {case.name: case for case in CASES}

COMPANION_ID = "companion"


def companion(folder: Path) -> str:
    """A readable article to run beside a case whose every input fails: a batch where no input
    can be read at all writes nothing, so the failure would not reach the manifest."""
    path = folder / f"{COMPANION_ID}.txt"
    path.write_text(FRENCH, encoding="utf-8")
    return str(path)


def news_documents(folder: Path, count: int, seed: int = 0) -> Path:
    """``count`` distinct articles in ``folder``: a title and four paragraphs of sentences drawn from the
    seeds' cleaned texts (tests/golden/), so that batches larger than the seeds need no eval data."""
    golden = Path(__file__).parent / "golden"
    sentences = [sentence for path in sorted(golden.glob("*.fr.txt")) for line in path.read_text(encoding="utf-8").splitlines()
                 for sentence in _SENTENCE_END.split(line) if len(sentence.split()) >= 6 and sentence[-1] in ".!?»"]
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for number in range(count):
        paragraphs = [" ".join(rng.sample(sentences, rng.randint(3, 5))) for _ in range(4)]
        title = f"Dépêche {number} : " + rng.choice(sentences).rstrip(".")
        (folder / f"article_{number:04d}.txt").write_text("\n\n".join([title, *paragraphs]) + "\n", encoding="utf-8")
    return folder


_SENTENCE_END = re.compile(r"(?<=[.!?»])\s+(?=[A-ZÉÀ«])")


def batch_taking_every_path(folder: Path, count: int, seed: int, seeds: Path) -> Path:
    """A batch on which a job takes every path: ``count`` articles under one site's masthead (the batch-wide
    repeated-lines pass has work), the seed pages, a copy of one (a near-duplicate) and a FIFO (an input that fails)."""
    news_documents(folder, count, seed)
    for page in folder.iterdir():
        page.write_text("Le Courrier du Soir, quotidien régional\n\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    for page in sorted(seeds.glob("*.txt")):
        shutil.copy(page, folder / page.name)
    shutil.copy(seeds / "002_1ea0ca948f0b20f8.txt", folder / "zz_copy_of_002.txt")
    os.mkfifo(folder / "m_pipe.txt")
    return folder
