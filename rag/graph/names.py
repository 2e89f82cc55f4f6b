"""Name keys for entity linking: one spelling-insensitive form for names in either script.

A name is lower-cased, ё folded, Cyrillic transliterated to Latin (the scientific-ish scheme most Russian
companies use for their own Latin names: «Ромашка» → "romashka", «Северный» → "severnyy"), then folded
phonetically so that the usual variants of a transliteration meet ("severnyy" / "severniy" → "severnii",
"digital" / «диджитал» → "dijital"). The fold is applied to both the stored aliases and the question, so the
question "Romashka Digital" and the client «Ромашка Диджитал» share the key "romashka dijital"; misspellings
left over are for trigram similarity.
"""

import re

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)
# Applied in order to the transliterated text: the spellings that vary between transliterations (and
# between an English name and its Russian rendering) collapse to one.
_FOLDS = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("dzh", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("qu", "kv"),
    ("q", "k"),
    ("w", "v"),
    ("x", "ks"),
    ("yu", "iu"),
    ("ya", "ia"),
    ("y", "i"),
    ("ee", "i"),
    ("oo", "u"),
)
# Russian case endings (transliterated and folded) and English plurals; a vowel last of all.
_ENDINGS = ("iami", "ami", "iah", "ah", "am", "om", "oi", "ei", "ov", "ev", "ih", "im", "es", "s", "a", "e", "i",
            "o", "u")  # fmt: skip
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_DOUBLE = re.compile(r"([a-z])\1+")


def transliterate(text: str) -> str:
    """Cyrillic letters → Latin (lower case); other characters unchanged."""
    return "".join(_CYRILLIC.get(ch, ch) for ch in text.lower().replace("ё", "е")).replace("_", "")


def fold_word(word: str) -> str:
    """One word's key: transliterated, folded, and without a case or plural ending, so «Ромашки», «Ромашкой»
    and "Romashka" meet ("romashk"), and "Labs" meets "Lab"."""
    word = transliterate(word)
    if any(ch.isdigit() for ch in word):
        return word  # numbers and keys are matched as written
    for old, new in _FOLDS:
        word = word.replace(old, new)
    word = _DOUBLE.sub(r"\1", word)
    if len(word) > 4:
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                return word[: -len(ending)]
    return word


def name_words(text: str) -> list[str]:
    """The keys of a text's words (letters and digits; punctuation and dashes split words)."""
    return [fold_word(word) for word in _WORD.findall(text.lower())]


def name_key(text: str) -> str:
    """The linking key of a name: its folded words joined by single spaces ("" when it has none)."""
    return " ".join(word for word in name_words(text) if word)
