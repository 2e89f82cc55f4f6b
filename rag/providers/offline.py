"""The built-in offline embedder: deterministic, no network, a few milliseconds per chunk in pure Python.

A text becomes a sparse bag of weighted features, hashed with signs into `dimensions` buckets (feature
hashing is a random projection, so cosine similarity of the vectors estimates that of the bags):

1. words (lower case, ё → е, stop words dropped), weight 1; words with digits (invoice numbers, issue keys,
   amounts) weight 5, because they name one thing
2. light stems (common English and Russian endings cut), weight 1: "макетов" meets "макеты"
3. concepts from the bilingual studio lexicon, weight 1.2: "invoice" meets "счёт"; and the concepts of its
   phrases, two or three adjacent words read with the stop words kept, same weight: "first screen" meets
   «на первом экране» (`lexicon.phrase_concepts`)
4. character 3- and 4-grams of each word, weight 0.6 shared by the word's grams: typos, compounds
5. adjacent word pairs, weight 0.5: a little word order

Counts are damped (1 + log tf) and the vector is L2-normalised. It is no language model: it knows the
words it sees, their spelling and the lexicon's synonyms, and nothing else. Hashing adds noise of about
1/sqrt(dimensions) to every cosine: at 384 dimensions that noise is as large as the gap between a relevant
and an irrelevant chunk, which is why the install default is 1024 (docs/rag-evaluation.md).
"""

import math
import re
import zlib
from collections import defaultdict

from rag.providers.base import provider_label
from rag.providers.lexicon import concepts_of, phrase_concepts

MODEL = "offline-hash-v2"  # v2: lexicon phrases and the second vocabulary pass (stored vectors are re-embedded)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP_TEXT = """
a an the and or but if of to in on at by for with from as is are was were be been being it its this that these
those we you they he she i me my our your their them us do does did can could would should will shall may might
must have has had not no yes so than then there here what which who whom whose when where why how about into
over under again any all some such only own same too very just also please hi hello thanks thank let know get
got
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня
еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там
потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже
себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее
сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про
всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им
более всегда конечно всю между пожалуйста спасибо здравствуйте добрый день
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
_EN_ENDINGS = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")
_RU_ENDINGS = (
    "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими",
    "ой", "ей", "ий", "ый", "ая", "яя", "ое", "ее", "ые", "ие", "ую", "юю", "ом", "ем", "ам", "ям", "ах", "ях",
    "ов", "ев", "ью", "ия", "ья",
    "а", "я", "о", "е", "ы", "и", "у", "ю", "ь",
)  # fmt: skip
WEIGHTS = {"w": 1.0, "d": 5.0, "s": 1.0, "c": 1.2, "g": 0.6, "b": 0.5}


def words(text: str) -> list[str]:
    """Lower-cased words with ё folded into е (as PostgreSQL's Russian stemmer does)."""
    return _WORD.findall(text.lower().replace("ё", "е"))


def stem(word: str) -> str:
    """Cut one common ending, keeping at least three letters."""
    endings = _EN_ENDINGS if word.isascii() else _RU_ENDINGS
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def features(text: str) -> dict[str, float]:
    """The weighted feature bag of a text (before hashing)."""
    counts: dict[str, float] = defaultdict(float)
    previous = None
    tokens = words(text)
    for word in tokens:
        if word in STOP_WORDS:
            previous = None
            continue
        root = stem(word)
        counts[f"w:{word}"] += WEIGHTS["d"] if any(ch.isdigit() for ch in word) else WEIGHTS["w"]
        counts[f"s:{root}"] += WEIGHTS["s"]
        for concept in concepts_of(word):
            counts[f"c:{concept}"] += WEIGHTS["c"]
        grams = _char_grams(word)
        for gram in grams:
            counts[f"g:{gram}"] += WEIGHTS["g"] / len(grams)
        if previous is not None:
            counts[f"b:{previous} {root}"] += WEIGHTS["b"]
        previous = root
    for concept in phrase_concepts(tokens):  # stop words kept: "look and feel", «в работе»
        counts[f"c:{concept}"] += WEIGHTS["c"]
    return counts


def _char_grams(word: str) -> list[str]:
    padded = f"<{word}>"
    grams = [padded[i : i + n] for n in (3, 4) for i in range(len(padded) - n + 1)]
    return grams or [padded]


def embed_text(text: str, dimensions: int) -> list[float]:
    """The unit-length vector of one text (all zeros for a text with no words)."""
    vector = [0.0] * dimensions
    for feature, weight in features(text).items():
        digest = zlib.crc32(feature.encode())
        sign = 1.0 if (digest >> 31) & 1 else -1.0
        vector[digest % dimensions] += sign * (1.0 + math.log(weight) if weight > 1 else weight)
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector] if norm else vector


class OfflineEmbeddings:
    """Embedding provider with no network: see the module docstring."""

    name = "offline"

    def __init__(self, *, dimensions: int) -> None:
        self.model = MODEL
        self.dimensions = dimensions

    @property
    def label(self) -> str:
        return provider_label(self.name, self.model, self.dimensions)

    def embed(self, texts: list[str]) -> list[list[float]]:
        return [embed_text(text, self.dimensions) for text in texts]
