"""The bilingual concept lexicon: translations share a concept, short or common stems do not catch other words."""

import math

import pytest

from rag.providers.lexicon import CONCEPTS, PHRASES, concepts_of, fits, phrase_concepts, phrase_keys
from rag.providers.offline import embed_text, features, words


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
        # the second general-vocabulary pass
        ("laptop", "ноутбуке", "desktop"),
        ("tooltip", "подсказка", "tooltip"),
        ("installments", "рассрочку", "installments"),
        ("spreadsheet", "таблицу", "spreadsheet"),
        ("penalty", "штраф", "penalty"),
        ("Friday", "пятницу", "friday"),
        ("October", "октября", "october"),
        ("founder", "основателя", "founder"),
        ("Telegram", "телеге", "telegram"),
        ("draft", "черновик", "draft"),
        ("sales", "продажи", "sales"),
        ("screenshot", "скрин", "screenshot"),
        ("ready", "готово", "done"),
        ("boss", "начальник", "boss"),
        ("Chrome", "хроме", "chrome"),
        ("products", "товары", "product"),
        # the third pass: how people say it
        ("decided", "решили", "decision"),
        ("choose", "выберите", "decision"),
        ("delegate", "поручить", "assignee"),
        ("nudge", "напомните", "reminder"),
        ("discuss", "обсудим", "conversation"),
        ("clarify", "уточнить", "question"),
        ("warning", "предупредили", "notification"),
        ("redone", "переделали", "revision"),
        ("replaced", "заменили", "change"),
        ("greenlit", "согласен", "approve"),
        ("agreed", "договорились", "approve"),
        ("stalled", "буксует", "blocked"),
        ("ghosted", "молчит", "no_response"),
        ("swamped", "завал", "busy"),
        ("loved", "понравилось", "praise"),
        ("awesome", "шикарно", "praise"),
        ("disappointed", "недоволен", "complaint"),
        ("complaint", "претензия", "complaint"),
        ("problem", "проблема", "problem"),
        ("sick", "больничном", "sick"),
        ("thousand", "тыщи", "thousand"),
        ("million", "лям", "million"),
        ("arrears", "задолжали", "debt"),
        ("pricey", "недорого", "price"),
        ("fortnight", "неделю", "week"),
        ("tmrw", "завтра", "tomorrow"),
        ("afternoon", "полудня", "afternoon"),
        ("overnight", "ночью", "night"),
        ("shortly", "вскоре", "soon"),
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
        "продолжим",  # no «прод» («продажи» is sales, below)
        "графика",  # no «график»: graphics is not a schedule
        "блок",  # a page's block is not "blocked"
        "долго",  # no «долг»
        "фиксированный",  # a fixed price is not a fix
        "wipe",  # no "wip"
        # the second pass: each stem it avoided, or cut to forms that miss these words
        "productive",  # "products", not "product"
        "noted",  # "notes", not "note"
        "installed",  # no "insta"
        "freedom",  # no "free"
        "Europe",  # no "euro"
        "driver",  # no "drive"
        "Tiffany",  # "tif", not "tiff"
        "both",  # no "bot"
        "navy",  # no "nav"
        "dock",  # "docs", not "doc"
        "cmon",  # no "cmo"
        "плакать",  # no «плакат»
        "основательно",  # the founder's other forms, not «основатель»
        "товарищ",  # no «товар»
        "утрата",  # no «утра»
        "промолчал",  # no «промо»
        "сверкает",  # «сверки», not «сверк»
        "хромает",  # «хроме», not «хром»
        "прикинь",  # «прикину», not «прикин»
        "отступить",  # a spacing's forms, not «отступ»
        "Мартин",  # «марта», not «март»
        "полезный",  # no «поле»
        "фонд",  # no «фон»
        "инструкция",  # no «инст»
        # the third pass: each stem it avoided, or cut to forms that miss these words
        "Waitrose",  # "waited"/"waits", not "wait"
        "Rushmore",  # "rushed"/"rushing", not "rush"
        "chase",  # "chasing"/"chased": Chase is a name
        "noone",  # no "noon"
        "Cobb",  # no "cob"
        "Minsk",  # no "mins"
        "Earnhardt",  # "earned"/"earning"/"earns", not "earn"
        "Warner",  # "warning"/"warned", not "warn"
        "redouble",  # "redone"/"redoing", not "redo"
        "Todorov",  # "todos", not "todo"
        "pitcher",  # "pitched"/"pitching", not "pitch"
        "nightmare",  # "nightly"/"overnight", not "night"
        "супермаркет",  # «суперски», not «супер»
        "Крутов",  # «крутой», «крутая» …, not «круто»
        "Молчанов",  # «молчит», «молчание» …, not «молч»
        "Торопов",  # «торопит», «тороплю» …, not «тороп»
        "Молодцова",  # «молодец», «молодцы», not «молодц»
        "Наварро",  # no «навар»
        "Конторович",  # «контора» …, not «контор»
        "Докинз",  # «докинь» …, not «докин»
        "Бабкин",  # no «бабки»
        "Косарев",  # «косарь» …, not «косар»
        "мини",  # no «мин»
        "попросту",  # «попроси», not «попрос»
        "выборы",  # no «выбор»
        "Выборг",
        "выбрасывать",  # «выбрал», «выбрать», not «выбра»
        "добился",  # no «добил»
        "занятия",  # «занята», «заняты», not «занят»
        "пожарный",  # no «пожар»
        "решение",  # «решени» only in phrases: a solution is no decision
    ],
)
def test_a_common_unrelated_word_gets_no_concept(word):
    assert concepts_of(words(word)[0]) == ()


def test_the_responsible_person_is_not_an_answer_and_a_subscription_is_not_a_signature():
    assert concepts_of("ответственный") == ("assignee",)
    assert concepts_of("ответил") == ("reply",)
    assert concepts_of("подписка") == ("subscription",)
    assert concepts_of("подписали") == ("sign",)


def test_a_word_of_two_meanings_keeps_both_and_an_avoided_stem_stays_out():
    assert concepts_of("excellent") == ("praise",)  # not a spreadsheet ("excel" stays out)
    assert set(concepts_of("договорились")) == {"approve", "contract"}  # agreed, and still «договор»
    assert concepts_of("решили") == ("decision",)
    assert concepts_of("подпишем") == ("sign",)  # not a subscription
    assert concepts_of("подписка") == ("subscription",)


def test_a_word_beside_an_avoided_stem_gets_only_its_own_concept():
    assert concepts_of("продажи") == ("sales",)  # not a release («прод» stays out)
    assert concepts_of("аудитория") == ("audience",)  # not an audit
    assert concepts_of("фирменный") == ("brand",)  # not a company («фирма», not «фирм»)
    assert concepts_of("signing") == ("sign",)  # not a login ("signin" stays out)
    assert concepts_of("webpage") == ("page",)  # not a raster image ("webp" stays out)


@pytest.mark.parametrize(
    ("english", "russian", "concept"),
    [
        ("The first screen looks empty", "Что у нас на первом экране?", "hero"),  # «первом экране»: inflected
        ("Please fill in the feedback form", "Оставьте обратную связь по макету", None),
        ("The project is on hold", "Проект пока на холде", "paused"),
        ("We love the look and feel", "Нравится визуальный стиль", "brand"),
        ("The site went down at night", "Ночью сайт упал", "outage"),
        ("Add a call to action", "Нужен призыв к действию", "cta"),
        ("We agreed a fixed price", "Договорились о фиксированной цене", "fixed_price"),
        ("The tech spec is attached", "Прикладываю техническое задание", "specification"),
        ("Open a pull request", "Сделай пул реквест", "pull_request"),
        ("Turn on dark mode", "Включите тёмную тему", "dark_mode"),
        ("Privacy policy page", "Страница политики конфиденциальности", "privacy_policy"),
    ],
)
def test_a_phrase_and_its_translation_share_a_concept(english, russian, concept):
    left, right = set(phrase_concepts(words(english))), set(phrase_concepts(words(russian)))
    if concept is None:  # "feedback form" is the contact form, «обратная связь» feedback: each its own
        assert left == {"contact_form"}
        assert right == {"feedback"}
    else:
        assert concept in left
        assert concept in right


@pytest.mark.parametrize(
    ("english", "russian", "concept"),
    [
        ("It's up to you", "Решение за вами", "decision"),
        ("The client calls the shots", "Последнее слово за директором", "decision"),
        ("Who is handling the invoice?", "Кто ведёт этот проект?", "assignee"),
        ("Kate will take the lead", "Кто возьмёт на себя вёрстку?", "assignee"),
        ("The client went quiet", "Клиент пропал с радаров", "no_response"),
        ("No reply since Monday", "Заказчик не берёт трубку", "no_response"),
        ("We hit a snag with the API", "Проект встал, сделка зависла", "blocked"),
        ("We are on track", "Идём по графику", "on_track"),
        ("We are running behind", "Сроки поехали", "late"),
        ("Put it on the back burner", "Отложили в долгий ящик", "paused"),
        ("Let's push to next week", "Перенесём на потом", "reschedule"),
        ("The deal fell through", "Клиент ушёл к конкурентам", "lost"),
        ("They pulled the plug", "Сняли задачу с Пети", "cancel"),
        ("We sealed the deal", "Ударили по рукам", "won"),
        ("They gave us the thumbs up", "Заказчик даёт добро", "approve"),
        ("Please settle the invoice", "Клиент перевёл деньги", "payment"),
        ("The money came in", "Оплата поступила вчера", "payment"),
        ("How much would a logo cost?", "Сколько берёте за логотип?", "price"),
        ("Could you lower the price?", "Можно сбавить цену?", "discount"),
        ("Any word on the invoice?", "Что по счёту?", "update"),
        ("Just checking in", "Как там с оплатой?", None),
        ("Love it, great job", "Всё супер, это круто", "praise"),
        ("They are not happy with the header", "Им не понравилась шапка", "complaint"),
        ("We're working on it", "Работа над логотипом идёт", "in_progress"),
        ("Let's catch up after lunch", "Созвонимся после обеда", "afternoon"),
        ("Any day now", "В ближайшие дни", "soon"),
    ],
)
def test_a_spoken_phrase_and_its_translation_share_a_concept(english, russian, concept):
    left, right = set(phrase_concepts(words(english))), set(phrase_concepts(words(russian)))
    if concept is None:  # "checking in" nudges, «как там с …» asks for news: each its own
        assert left == {"reminder"}
        assert right == {"update"}
    else:
        assert concept in left, english
        assert concept in right, russian


@pytest.mark.parametrize(
    "text",
    [
        "Приняли решение взять второй вариант",  # «принять решение», in any form
        "Принимаем решение до пятницы",
        "Примут решение после созвона",
        "Окончательное решение за клиентом",
    ],
)
def test_a_decision_is_made_in_any_form_of_the_phrase(text):
    assert "decision" in phrase_concepts(words(text))


@pytest.mark.parametrize(
    "text",
    [
        "first big screen",  # not adjacent
        "первый большой экран",
        "it should look clean and feel light",  # "look" and "feel" apart
        "сайт сегодня лежит",  # a word between
        "вы работаете по субботам?",  # «в» is a one-letter prefix: only the word «в» itself
        "the maintenance page",  # no "main page" ("main" prefixes "maintenance")
        "put the logo in the header",  # no "log in" ("log" near-exactly matches "logo")
        "Friday doesn't work for me",  # no "doesn't work": a date that does not suit is no bug
        "the prices do not work for us",
        # the third pass: phrases left out, or cut to forms that miss these
        "Dropbox out of sync",  # no "drop out": "drop" prefixes "dropbox"
        "It would likely take a week",  # no "would like"
        "Weight in grams",  # no "weigh in"
        "I hope on Monday we can meet",  # no "hop on"
        "I'd say no more than five pages",  # "said no", not "say no"
        "The deadline ends on Friday",  # no "dead end"
        "Is the menu working on Safari?",  # "we're working on", not "working on"
        "Turn down the contrast a bit",  # "turned down", not "turn down"
        "Please check the final wording",  # no "final word"
        "Kate took a personal day",  # no "person day"
        "Во сколько созвон?",  # a time, not a price
        "Скорость будет выше",  # no «скоро будет»
        "Сколько можно правок сделать?",  # no «сколько можно»
        "Сделка зависит от бюджета",  # «зависла», not «завис»
        "В графике есть ошибка",  # graphics, not a schedule
        "По планшету всё в порядке",  # «по плану», not «по план»
        "Готовые решения за неделю",  # a solution, not «решение за вами»
        "Решение проблемы нашли",
    ],
)
def test_words_that_are_not_a_phrase_get_no_phrase_concept(text):
    assert phrase_concepts(words(text)) == []


def test_phrases_reach_the_embedding_features_and_the_evidence_keys():
    assert "c:hero" in features("Переделать блок на первом экране")
    assert "c:hero" not in features("Переделать блок на первом большом экране")
    assert phrase_keys(words("Ждём правки по первому экрану, проект на холде")) == {"c:hero", "c:paused"}
    assert phrase_concepts(words("первый экран, потом снова первый экран")) == ["hero", "hero"]  # one per place
    assert phrase_concepts(words("Задача уже в работе")) == ["in_progress"]  # a phrase meets a word:
    assert "in_progress" in concepts_of("progress")  # "in progress" needs no phrase


def test_phrases_are_two_or_three_prefixes_written_like_stems():
    seen = set()
    for phrases in PHRASES.values():
        for phrase in phrases:
            prefixes = phrase.split(" ")
            assert 2 <= len(prefixes) <= 3, phrase
            assert phrase == phrase.lower(), phrase
            assert "ё" not in phrase, phrase
            assert words(phrase) == prefixes, phrase  # what `offline.words` would give for these words
            assert phrase not in seen, phrase
            seen.add(phrase)


def test_the_phrase_index_finds_what_a_plain_scan_of_every_phrase_finds():
    texts = [
        "Вы работаете в субботу? Задача в работе, на проде всё ок, а на первом экране баг: не загружается видео",
        "Put it on hold: the site is down, the doc says go live on Friday, look & feel first, then sign off",
        "в в работ на на холд not not load the the first first screen screen",
        "Клиент не отвечает, сделка зависла, решение за вами, что по счёту? Кто ведёт проект, на ком задача, не",
        "up to you up to them, checking in in in the loop loop in, we re working on it, thumbs up, no go, on",
    ]
    texts += [f"x {phrase} y" for phrases in PHRASES.values() for phrase in phrases]
    for text in texts:
        tokens = words(text)
        expected = []
        for start in range(len(tokens)):
            here = []
            for concept, phrases in PHRASES.items():
                for phrase in phrases:
                    prefixes = phrase.split()
                    window = tokens[start : start + len(prefixes)]
                    if len(window) == len(prefixes) and all(map(fits, prefixes, window)) and concept not in here:
                        here.append(concept)
            expected += here
        assert phrase_concepts(tokens) == expected, text
    for concept, phrases in PHRASES.items():
        for phrase in phrases:
            assert concept in phrase_concepts(words(f"x {phrase} y")), phrase


def test_stems_are_lower_case_without_yo():
    for stems in CONCEPTS.values():
        for stem in stems:
            assert stem == stem.lower()
            assert "ё" not in stem


def cosine(left: str, right: str) -> float:
    a, b = embed_text(left, 1024), embed_text(right, 1024)
    return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def test_a_phrase_brings_a_russian_line_nearer_to_its_english_question():
    question = "What is on the first screen now?"
    assert cosine(question, "На первом экране теперь видео") > cosine(question, "На втором экране теперь видео")


def test_a_negation_is_not_read_but_its_phrase_adds_the_complaint():
    text = words("Клиенту не нравится логотип")
    assert "praise" in concepts_of("нравится")  # a known leftover: the word alone is praise
    assert phrase_concepts(text) == ["complaint"]
    assert phrase_concepts(words("Не укладываемся в срок")) == ["late", "on_track", "on_track"]


@pytest.mark.parametrize(
    ("question", "line", "unrelated"),
    [
        ("Did they complain about the invoice?", "Они недовольны счётом", "Они получили счёт"),
        ("Has the client gone quiet?", "Клиент молчит уже неделю", "Клиент пишет уже неделю"),
        ("Why did the deal fall through?", "Почему клиент ушёл к конкурентам?", "Почему клиент ушёл на обед?"),
        ("Who is handling the rebrand?", "Кто ведёт ребрендинг?", "Когда стартует ребрендинг?"),
    ],
)
def test_a_spoken_russian_line_is_nearer_to_its_english_question(question, line, unrelated):
    assert cosine(question, line) > cosine(question, unrelated) + 0.05


def test_a_russian_line_is_nearer_to_its_english_question_than_an_unrelated_line():
    question = "When will the client send the revisions and the source files?"
    assert cosine(question, "Заказчик пришлёт правки и исходники в среду") > cosine(
        question, "Обновили favicon и подвал сайта"
    )
