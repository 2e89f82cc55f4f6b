"""The bilingual concept lexicon: translations share a concept, short or common stems do not catch other words."""

import math

import pytest

from rag.providers.lexicon import CONCEPTS, concepts_of
from rag.providers.offline import embed_text, words


def shared(left: str, right: str) -> set[str]:
    return set(concepts_of(words(left)[0])) & set(concepts_of(words(right)[0]))


@pytest.mark.parametrize(
    ("english", "russian", "concept"),
    [
        ("prepayment", "предоплату", "prepayment"),
        ("VAT", "НДС", "tax"),
        ("revisions", "правки", "revision"),
        ("sources", "исходники", "source_files"),
        ("fonts", "шрифтов", "font"),
        ("markup", "вёрстку", "markup"),
        ("responsive", "адаптив", "responsive"),
        ("hosting", "хостинге", "hosting"),
        ("certificate", "сертификат", "ssl"),
        ("handover", "сдачи", "handoff"),
        ("rejected", "отклонили", "reject"),
        ("renewal", "продление", "renewal"),
        ("invoiced", "счёт", "invoice"),
        ("postponed", "отложили", "reschedule"),
        ("approved", "согласуем", "approve"),
        ("waiting", "ждём", "waiting"),
    ],
)
def test_an_english_word_and_its_russian_translation_share_a_concept(english, russian, concept):
    assert concept in shared(english, russian)


@pytest.mark.parametrize(
    "word",
    [
        "actually",  # no "act" stem
        "актуальный",  # «акт» is short: only the word and its near forms
        "signal",  # no bare "sign"
        "leading",  # no bare "lead"
        "planet",
        "special",
        "продажи",  # no «прод»
        "графика",  # no «график»: graphics is not a schedule
        "блок",  # a page's block is not "blocked"
        "долго",  # no «долг»
        "фиксированный",  # a fixed price is not a fix
        "wipe",  # no "wip"
    ],
)
def test_a_common_unrelated_word_gets_no_concept(word):
    assert concepts_of(words(word)[0]) == ()


def test_the_responsible_person_is_not_an_answer_and_a_subscription_is_not_a_signature():
    assert concepts_of("ответственный") == ("assignee",)
    assert concepts_of("ответил") == ("reply",)
    assert concepts_of("подписка") == ("subscription",)
    assert concepts_of("подписали") == ("sign",)


def test_stems_are_lower_case_without_yo():
    for stems in CONCEPTS.values():
        for stem in stems:
            assert stem == stem.lower()
            assert "ё" not in stem


def cosine(left: str, right: str) -> float:
    a, b = embed_text(left, 1024), embed_text(right, 1024)
    return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def test_a_russian_line_is_nearer_to_its_english_question_than_an_unrelated_line():
    question = "When will the client send the revisions and the source files?"
    assert cosine(question, "Заказчик пришлёт правки и исходники в среду") > cosine(
        question, "Обновили favicon и подвал сайта"
    )
