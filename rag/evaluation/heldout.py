"""The held-out question set: 72 questions written by hand against sandbox seed `heldout` (2000 messages).

How it was made. The lexicon was audited and frozen first (`rag/providers/lexicon.py`); then the records of
seed `heldout` — a seed used nowhere else in the repository, with 8 clients (two of them both called
"Northwind Labs"), 77 conversations, 120 Linear issues, 18 deals and 69 notes — were read in full
(`Dataset("heldout", 2000)`: messages, issues with state/assignee/priority and comments, deals with stage,
amount, owner and notes, company notes), and the questions below were written as a studio PM would ask them,
in English and Russian, without the in-repo templates (`questions.py`) and without running any retriever.
Nobody tunes on this set: `scripts/eval_rag.py --set heldout` reports it per slice, and failures are not to be
read question by question.

Each question names its relevant records with selectors over the dataset (an issue key, a deal, the
conversations of a client whose public text matches a pattern …): `build()` resolves them into source ids, and
`heldout.json` is that output (a test checks the committed file equals a fresh build, so the ids exist in the
seed's data). A record is relevant when it answers the question on its own (or, for `two_source`, supplies
one of the two halves). `facts` are groups of alternatives the answer must contain (case-insensitive, one
string of each group); `forbidden` are the private Chatwoot notes of the question's client, which no answer or
evidence may show. Slices: `paraphrase` (the question avoids the record's distinctive words), `two_source`,
`note_comment` (the answer sits in a Linear comment or an Attio note), `cross_language` (question and record
in different languages or scripts, transliterated names included), `current_fact` (state, assignee, stage,
amount, owner or status as it is now), `quote` (wording close to the record).

    .venv/bin/python -m rag.evaluation.heldout   # rewrites rag/evaluation/heldout.json
"""

# ruff: noqa: E501 (one question per line pair reads better than wrapped strings)
from pathlib import Path

from rag.evaluation import handwritten
from rag.evaluation.handwritten import SLICES, Q, company, conv, convs, deal, issue, issues  # noqa: F401

SEED, MESSAGES = "heldout", 2000
PATH = Path(__file__).with_name("heldout.json")

# Clients of seed `heldout`, by index: 0 Northwind Labs (northwind.example, onboarding flow), 1 Ромашка Диджитал,
# 2 Blue Harbor Coffee, 3 Greenleaf Dental, 4 Северный Ветер, 5 Northwind Labs (northwind-group.example,
# дизайн-система), 6 Полярная Звезда, 7 Orbit Analytics.
NW, ROMASHKA, BLUE, GREEN, SEVER, NW_GROUP, POLAR, ORBIT = range(8)


QUESTIONS = [
    # ---- current facts: issues
    Q("h01", "en", ("current_fact",), "Who is handling DES-28 for Northwind Labs, and has work on it started?",
      (issue("DES-28"),), (("Dmitry",), ("Todo",)), (NW,)),
    Q("h02", "ru", ("current_fact",), "В каком статусе задача DEV-59 и кто её исполнитель?",
      (issue("DEV-59"),), (("In Review",), ("Anna",)), (ROMASHKA,)),
    Q("h03", "en", ("current_fact", "quote"), "Is anyone working on the cached prices at the Greenleaf Dental checkout right now?",
      (issues(GREEN, r"outdated prices"),), (("In Progress",),), (GREEN,)),
    Q("h04", "en→ru", ("current_fact", "cross_language"), "What's the status of the hero screen mockup for Ромашка Диджитал?",
      (issues(ROMASHKA, r"первого экрана"),), (("In Progress", "Done"),), (ROMASHKA,)),
    Q("h05", "ru", ("current_fact", "paraphrase"), "Какие срочные задачи Полярной Звезды до сих пор лежат в бэклоге?",
      (issue("DES-48"),), (("DES-48", "палитр", "цвета"),), (POLAR,)),
    Q("h06", "en", ("current_fact",), "Which Orbit Analytics tickets are waiting in review?",
      (issue("DEV-51"), issue("DEV-63")), (("DEV-51", "DEV-63"),), (ORBIT,)),
    Q("h07", "en", ("current_fact",), "Who is assigned to the Safari form bug in the Northwind Labs design-system project?",
      (issues(NW_GROUP, r"contact form on Safari"),), (("Dmitry",),), (NW_GROUP,)),
    Q("h08", "ru", ("current_fact",), "Северный Ветер: выложили ли уже сборку личного кабинета на стенд?",
      (issues(SEVER, r"тестовый стенд"),), (("In Progress", "In Review", "Backlog"),), (SEVER,)),
    Q("h09", "en", ("current_fact",), "Blue Harbor Coffee logo export: what priority does it have and is it done yet?",
      (issues(BLUE, r"logo"),), (("Todo",), ("High", "Low")), (BLUE,)),
    Q("h10", "en→ru", ("current_fact", "cross_language"), "What stage is the Northwind Labs design system deal at, and how big is it?",
      (deal("e2f296ac"),), (("Negotiation",), ("9500", "9 500", "9,500")), (NW_GROUP,)),
    # ---- current facts: deals
    Q("h11", "ru", ("current_fact",), "На какой стадии сделка с Северным Ветром и на какую сумму?",
      (deal("62292395"),), (("Lead",), ("87500", "87 500", "87,500")), (SEVER,)),
    Q("h12", "en→ru", ("current_fact", "cross_language"), "Which deals did we end up losing with Polyarnaya Zvezda?",
      (deal("98f94300"),), (("Lost",),), (POLAR,)),
    Q("h13", "en", ("current_fact",), "Who owns the Greenleaf Dental storefront deal on our side?",
      (deal("c4d29674"),), (("Anna",),), (GREEN,)),
    Q("h14", "en", ("current_fact",), "Which Orbit Analytics deal did we win and what was it worth?",
      (deal("c5e8467d"),), (("80500", "80 500", "80,500"),), (ORBIT,)),
    Q("h15", "ru", ("current_fact",), "Какие сделки с Ромашкой Диджитал мы выиграли?",
      (deal("8480d388"),), (("47500", "47 500", "47,500"),), (ROMASHKA,)),
    Q("h16", "en", ("current_fact",), "Which deals are sitting in negotiation right now?",
      (("stage", "Negotiation"),), (("Northwind",), ("Полярная", "Polyarnaya")), ()),
    Q("h17", "ru", ("current_fact",), "Какие сделки сейчас на стадии Lead?",
      (("stage", "Lead"),), (("Lead",),), ()),
    Q("h18", "en", ("current_fact",), "How much is the Orbit Analytics deal that is still in progress worth?",
      (deal("fcef7c2f"),), (("109000", "109 000", "109,000"),), (ORBIT,)),
    # ---- current facts: conversations
    Q("h19", "en", ("current_fact",), "Which Blue Harbor Coffee conversations are snoozed at the moment?",
      (conv(66),), (("snoozed",),), (BLUE,)),
    Q("h20", "ru", ("current_fact",), "Какие переписки с Полярной Звездой ещё открыты?",
      (conv(58),), (("open", "открыт"),), (POLAR,)),
    Q("h21", "en", ("current_fact",), "Which of Ruby Shaw's Northwind Labs conversations is pending?",
      (conv(74),), (("pending",),), (NW,)),
    Q("h22", "en", ("current_fact", "quote"), "Has the Greenleaf Dental conversation about invoice 5060 been resolved?",
      (convs(GREEN, r"#5060\b"),), (("resolved",),), (GREEN,)),
    # ---- invoices in conversations
    Q("h23", "en", ("quote",), "When should the payment for invoice 4420 arrive?",
      (convs(None, r"#4420\b"),), (("Monday",),), (NW,)),
    Q("h24", "ru", (), "Когда придут деньги по счёту 6090?",
      (convs(None, r"№6090\b"),), (("11.12",),), (SEVER,)),
    Q("h25", "en→ru", ("cross_language",), "How much was invoice 7794 for?",
      (convs(None, r"№7794\b"),), (("28500", "28 500"),), (ROMASHKA,)),
    Q("h26", "en", (), "What amount did we bill Greenleaf Dental on invoice 7587?",
      (convs(None, r"#7587\b"),), (("20500", "20 500"),), (GREEN,)),
    Q("h27", "ru→en", ("cross_language",), "На какую сумму был счёт 4622 для Northwind Labs?",
      (convs(None, r"#4622\b"),), (("13500", "13 500"),), (NW_GROUP,)),
    Q("h28", "en", (), "Did Blue Harbor Coffee sign off on invoice 1449, and when does the money come?",
      (convs(None, r"#1449\b"),), (("approved",), ("Thursday",)), (BLUE,)),
    # ---- Attio notes: payment terms, kick-offs, proposals, quarterly reviews
    Q("h29", "en", ("note_comment", "paraphrase"), "Which invoices did Greenleaf Dental want an extra month to pay?",
      (company("67219a83"), deal("c4d29674")), (("9537", "4255", "1369", "6669"),), (GREEN,)),
    Q("h30", "en", ("note_comment", "quote"), "Has Orbit Analytics asked for 30-day payment terms, and on which invoices?",
      (company("7a28a704"), deal("c5e8467d"), deal("fcef7c2f")),
      (("3067", "7362", "8760", "5559", "6222", "2481"),), (ORBIT,)),
    Q("h31", "ru→en", ("note_comment", "cross_language", "paraphrase"), "Просил ли Blue Harbor Coffee отсрочку платежа по счетам?",
      (company("0dc3f4c9"), deal("b2406564")), (("7799", "3211"),), (BLUE,)),
    Q("h32", "en", ("note_comment", "quote"), "Invoice 7364: what did the client ask for?",
      (deal("2d9e5d73"),), (("30-day", "30 day"),), (NW,)),
    Q("h33", "en", ("note_comment", "paraphrase"), "Blue Harbor Coffee: how much did they say they could spend when we started, and whose decision is it?",
      (company("0dc3f4c9"),), (("51000", "51 000"), ("Olivia",)), (BLUE,)),
    Q("h34", "ru", ("note_comment", "paraphrase"), "Кто принимает решения в Северном Ветре и сколько они готовы потратить?",
      (deal("62292395"),), (("Chloe",), ("90000", "90 000")), (SEVER,)),
    Q("h35", "en→ru", ("note_comment", "cross_language"), "Who decides on the Полярная Звезда side, according to our kick-off notes?",
      (deal("50a8ea69"), company("22e7833e")), (("Ben", "Emma"),), (POLAR,)),
    Q("h36", "en", ("note_comment", "paraphrase"), "How much money did Orbit Analytics mention when we first talked about the landing page?",
      (deal("fcef7c2f"),), (("32000", "32 000"),), (ORBIT,)),
    Q("h37", "en", ("note_comment",), "What budgets came up at the Northwind Labs design-system kick-offs?",
      (company("2c5b0b4b"),), (("81000", "64000"),), (NW_GROUP,)),
    Q("h38", "ru", ("note_comment", "paraphrase"), "Сколько денег Ромашка Диджитал готова вложить в приложение?",
      (deal("921e4eba"), company("c03d1a66")), (("21000", "43000"),), (ROMASHKA,)),
    Q("h39", "en", ("note_comment",), "When do we chase Blue Harbor Coffee about the proposal that went to Chloe?",
      (company("0dc3f4c9"),), (("22.11",),), (BLUE,)),
    Q("h40", "ru", ("note_comment", "quote"), "Когда напомнить Северному Ветру про КП?",
      (company("70268f87"), deal("62292395")), (("17.10", "13.11"),), (SEVER,)),
    Q("h41", "en", ("note_comment",), "Who at Orbit Analytics received our landing page proposals?",
      (deal("7e6d9aef"), deal("fcef7c2f"), company("7a28a704")), (("Ruby", "Tara", "Ben"),), (ORBIT,)),
    Q("h42", "en", ("note_comment", "paraphrase"), "Is Greenleaf Dental satisfied with how fast we ship?",
      (company("67219a83"),), (("happy",),), (GREEN,)),
    Q("h43", "ru", ("note_comment", "quote"), "Чего Полярная Звезда хочет от нас больше — что было на квартальной встрече?",
      (company("22e7833e"), deal("e7672f81"), deal("98f94300")), (("дизайн-ревью",),), (POLAR,)),
    Q("h44", "en→ru", ("note_comment", "cross_language"), "What upsell did we note for Ромашка Диджитал?",
      (company("c03d1a66"),), (("мобильное приложение",),), (ROMASHKA,)),
    # ---- Linear comments
    Q("h45", "en", ("note_comment", "paraphrase"), "Why is the cookie consent work for the northwind-group.example Northwind Labs stuck?",
      (issue("DEV-61"),), (("final copy", "Blocked"),), (NW_GROUP,)),
    Q("h46", "en", ("note_comment", "quote"), "Which Orbit Analytics tickets mention a polyfill problem in Safari 17.2?",
      (issues(ORBIT, r"polyfill"),), (("polyfill",),), (ORBIT,)),
    Q("h47", "ru", ("note_comment",), "Что нового по задачам про устаревшие цены у Полярной Звезды?",
      (issues(POLAR, r"устаревшие цены"),), (("Исправлено", "согласовал", "Done", "In Progress"),), (POLAR,)),
    Q("h48", "en", ("note_comment", "quote"), "Which Greenleaf Dental tickets are blocked until the client sends the final copy?",
      (issues(GREEN, r"Blocked until"),), (("final copy",),), (GREEN,)),
    Q("h49", "ru", ("note_comment", "quote"), "Какие задачи Северного Ветра ждут финальные тексты от клиента?",
      (issues(SEVER, r"Ждём финальные тексты"),), (("финальные тексты",),), (SEVER,)),
    Q("h50", "en→ru", ("note_comment", "cross_language"), "Which Ромашка Диджитал fixes are ready for us to check on staging?",
      (issues(ROMASHKA, r"проверьте на стенде"),), (("стенде",),), (ROMASHKA,)),
    # ---- what clients said
    Q("h51", "en", (), "Blue Harbor Coffee's CEO looked at v2: what didn't they like?",
      (convs(BLUE, r"with our CEO"),), (("colours",),), (BLUE,)),
    Q("h52", "en", ("paraphrase",), "Did Orbit Analytics' lawyers want something changed before we go live?",
      (convs(ORBIT, r"cookie banner"), issues(ORBIT, r"cookie banner")), (("cookie",),), (ORBIT,)),
    Q("h53", "ru", ("paraphrase",), "Жаловался ли Северный Ветер, что заявки с сайта не уходят из браузера Apple?",
      (convs(SEVER, r"не отправляется в Safari"), issues(SEVER, r"форма обратной связи в Safari")), (("Safari",),), (SEVER,)),
    Q("h54", "en", ("paraphrase",), "Has Greenleaf Dental been asking when they can see the build online?",
      (convs(GREEN, r"staging link"),), (("staging",),), (GREEN,)),
    Q("h55", "en", ("quote",), "Did Northwind Labs (northwind.example) push back on how busy the homepage hero looks?",
      (convs(NW, r"hero feels too busy"), issues(NW, r"hero mockup")), (("busy", "lighter"),), (NW,)),
    Q("h56", "ru", ("paraphrase",), "Просила ли Ромашка Диджитал сделать главную страницу приложения попроще?",
      (convs(ROMASHKA, r"Первый экран перегружен"), issues(ROMASHKA, r"первого экрана")),
      (("Первый экран", "первого экрана"),), (ROMASHKA,)),
    Q("h57", "en→ru", ("cross_language", "paraphrase"), "Did Полярная Звезда ask us to move a meeting to another day?",
      (convs(POLAR, r"Перенесите"),), (("созвон",),), (POLAR,)),
    Q("h58", "ru→en", ("cross_language", "paraphrase"), "Присылали ли Orbit Analytics техническое задание на лендинг?",
      (convs(ORBIT, r"here is the brief"),), (("brief",),), (ORBIT,)),
    Q("h59", "en", ("paraphrase",), "Has Greenleaf Dental told us their shop still charges last season's prices?",
      (convs(GREEN, r"old prices"), issues(GREEN, r"outdated prices")), (("old prices", "outdated prices"),), (GREEN,)),
    Q("h60", "en", ("paraphrase",), "Did the northwind-group.example Northwind Labs want extra artwork for one of their pages?",
      (convs(NW_GROUP, r"illustrations"), issues(NW_GROUP, r"illustration")), (("illustration",),), (NW_GROUP,)),
    # ---- two sources about one client
    Q("h61", "en", ("two_source", "note_comment", "current_fact"),
      "Blue Harbor Coffee: what budget did they name at the kick-off, and what is the deal we won worth?",
      (company("0dc3f4c9"), deal("8f39c334")), (("51000", "51 000"), ("65000", "65 000")), (BLUE,)),
    Q("h62", "en", ("two_source",), "Greenleaf Dental wrote to us about the Safari form bug: which tickets track it?",
      (convs(GREEN, r"does not submit on Safari"), issues(GREEN, r"contact form on Safari")), (("Safari",), ("DEV-10", "DEV-25")), (GREEN,)),
    Q("h63", "ru", ("two_source", "current_fact"),
      "Полярная Звезда: до какого числа они обещали оплатить счёт 8894 и сколько стоит сделка в переговорах?",
      (convs(None, r"№8894\b"), deal("50a8ea69")), (("08.09",), ("49500", "49 500")), (POLAR,)),
    Q("h64", "en→ru", ("two_source", "cross_language", "current_fact"),
      "Северный Ветер approved invoice 3494: when will it be paid, and what is their deal worth?",
      (convs(None, r"№3494\b"), deal("62292395")), (("02.10",), ("87500", "87 500")), (SEVER,)),
    Q("h65", "en", ("two_source", "note_comment"),
      "Orbit Analytics: how much was invoice 8533, and what budget did they give at the landing page kick-off?",
      (convs(None, r"#8533\b"), deal("fcef7c2f")), (("26000", "26 000"), ("32000", "32 000")), (ORBIT,)),
    Q("h66", "ru", ("two_source",), "Ромашка Диджитал жаловались на цвета на телефонах — есть ли на это задача в Linear?",
      (convs(ROMASHKA, r"на мобильных цвета не те"), issues(ROMASHKA, r"цвета на мобильных")),
      (("цвета",), ("DES-14", "DES-26")), (ROMASHKA,)),
    Q("h67", "en", ("current_fact", "note_comment"), "The Blue Harbor Coffee deal we lost: who owned it and which invoice did they want longer terms on?",
      (deal("b2406564"),), (("Anna",), ("3211",)), (BLUE,)),
    # ---- more across languages and scripts
    Q("h68", "en→ru", ("cross_language",), "Has Severny Veter approved any of our invoices?",
      (convs(SEVER, r"Счёт №\d+ согласовали"),), (("согласовали",),), (SEVER,)),
    Q("h69", "ru→en", ("cross_language", "paraphrase"), "Спрашивали ли Greenleaf Dental, успеваем ли мы к оговорённой дате?",
      (convs(GREEN, r"deadline for the .* still realistic"),), (("deadline",),), (GREEN,)),
    Q("h70", "en→ru", ("cross_language",), "Romashka Digital: did they ask for the final logo files?",
      (convs(ROMASHKA, r"финальные файлы логотипа"), issues(ROMASHKA, r"финальные файлы логотипа")),
      (("логотип",),), (ROMASHKA,)),
    Q("h71", "en→ru", ("cross_language", "current_fact"), "What is DEV-40 about and was it dropped?",
      (issue("DEV-40"),), (("Canceled",),), (ROMASHKA,)),
    Q("h72", "ru→en", ("cross_language", "current_fact"), "Кто у нас ведёт сделку Orbit Analytics, которую мы проиграли?",
      (deal("7e6d9aef"),), (("James",),), (ORBIT,)),
]  # fmt: skip


build, load, dumps = handwritten.set_functions(QUESTIONS, SEED, MESSAGES, PATH)

if __name__ == "__main__":
    handwritten.write(PATH, dumps(build()))
