"""Language data for sentence segmentation: words that a full stop does not end.

Each table is keyed by language code. Entries are written without their final
full stop. A period after one of these is part of the word, not the end of a
sentence, unless the table of words that may also close a sentence says
otherwise.
"""

from __future__ import annotations

# --- Titles and forms of address, matched with their case: "M. Dupont", "Mme Martin".
# Case matters: "m." is a metre in "3 m." and ends sentences.
TITLES: dict[str, frozenset[str]] = {
    "fr": frozenset({
        "M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Mgr", "Mgrs", "Me", "Dr", "Drs", "Pr", "Prs",
        "St", "Ste", "Sts", "Stes", "Vve", "Gal", "Gén", "Col", "Cdt", "Lt", "Cne", "Sgt", "Adj", "Ltn",
        "R.P", "P", "S.E", "S.M", "S.S", "LL.MM",
    }),
    "en": frozenset({
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Rev", "Hon", "Sen", "Rep", "Gov", "Gen", "Col", "Lt", "Sgt",
        "Capt", "Cmdr", "Adm", "Maj", "St", "Jr", "Sr", "Messrs",
    }),
}

# --- Other abbreviations, matched case-insensitively, that are not also common words.
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "fr": frozenset({
        # references and citations
        "p", "pp", "cf", "conf", "al", "chap", "éd", "ed", "coll", "trad", "op", "cit", "ibid", "id",
        "loc", "sq", "sqq", "suiv", "réf", "ref", "append", "paragr", "sect", "alin", "préf", "mss",
        # everyday abbreviations
        "env", "ex", "av", "apr", "approx", "nb", "vs", "etc", "cie", "ets", "sté", "tél", "tel",
        "bd", "boul", "fg", "fbg", "pl", "rte", "imp", "dép", "dpt", "hab", "qqn", "qqch", "resp",
        "spéc", "suppl", "anc", "admin", "assoc", "dict", "min", "max",
        # months as news agencies shorten them
        "janv", "fév", "févr", "avr", "juil", "sept", "oct", "nov", "déc",
    }),
    "en": frozenset({
        "e.g", "i.e", "etc", "vs", "approx", "cf", "al", "ed", "eds", "dept", "inc", "ltd", "co", "corp",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }),
}

# --- Words that stand before a number when abbreviated: "art. 3", "vol. 2", "n. 12".
# Some are common words ("art", "vol"), so they hold the full stop only when a number follows.
BEFORE_NUMBER: dict[str, frozenset[str]] = {
    "fr": frozenset({"p", "pp", "art", "vol", "n", "no", "nos", "chap", "fig", "tab", "t", "liv", "ann", "fax", "port", "tél"}),
    "en": frozenset({"p", "pp", "art", "vol", "no", "nos", "ch", "fig", "tab", "sec", "para"}),
}

# --- Abbreviations that often close a sentence too: "…, les chats, etc. Puis…".
# After these a full stop ends the sentence when a capitalised word follows.
MAY_END_SENTENCE: dict[str, frozenset[str]] = {
    "fr": frozenset({"etc", "ibid", "id", "al", "min", "max", "hab", "cie"}),
    "en": frozenset({"etc", "inc", "ltd", "co", "corp", "al"}),
}

# --- Lower-case words that still open a sentence after a full stop. French
# keyboards cannot type "À", so "à" often stands for it at a sentence start.
LOWERCASE_OPENERS: dict[str, frozenset[str]] = {
    "fr": frozenset({"à"}),
}
