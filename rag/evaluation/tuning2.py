"""The second tuning question set: 84 questions written by hand against sandbox seed `tuning2` (2000 messages).

How it was made: the seed's records were dumped from `sandbox.dataset.Dataset("tuning2", 2000)` (every client's
Chatwoot conversations with their public and private messages, senders, status and assignee; Linear issues with
state, assignee, priority, project, cycle and comments; Attio companies and deals with stage, amount, owner, linked
company and notes) and read in full. The questions were then written the way a studio PM, head of delivery or owner
would type them into the ops tool's search box, over all eight clients, in English, Russian and across the two.
The author read neither the other question sets, nor the lexicon, nor the retriever's code, and ran no retriever
while writing; only `handwritten.py` (the selector machinery) and the sandbox generator were read. Every fact group
was checked to appear in the public text or current fields of the question's relevant records.

This is a set to tune on, question by question: look at what the retriever returns for each question, not only at
the aggregate. Private notes are never an answer: `clients` names whose private notes must not leak.

    .venv/bin/python -m rag.evaluation.tuning2   # rewrites rag/evaluation/tuning2.json
"""
# ruff: noqa: E501

from pathlib import Path

from rag.evaluation import handwritten
from rag.evaluation.handwritten import SLICES, Q, company, conv, convs, deal, issue, issues  # noqa: F401

SEED, MESSAGES = "tuning2", 2000
PATH = Path(__file__).with_name("tuning2.json")

# Clients of seed `tuning2`, by index (name, domain, project):
# 0 Northwind Labs (northwind.example, "Northwind Labs — e-commerce storefront"), en
# 1 Ромашка Диджитал (romashka.example, "фирменный стиль"), ru
# 2 Blue Harbor Coffee (blueharbor.example, "onboarding flow"), en
# 3 Greenleaf Dental (greenleaf.example, "brand identity"), en
# 4 Северный Ветер (severniy-veter.example, "редизайн сайта"), ru
# 5 Northwind Labs (northwind-group.example, "Northwind Labs — mobile app"), en: same name as client 0
# 6 Берёзка Маркет (berezka.example, "дизайн-система"), ru
# 7 Полярная Звезда (polyarnaya-zvezda.example, "редизайн сайта"), ru
A, B, C, D, E, F, G, H = range(8)
ALL = tuple(range(8))

# Deals (stage, amount, owner) and companies by record id prefix:
# 4f1526fd Northwind storefront: Negotiation, 24000 USD, Anna (notes: quarterly review x2, payment terms #3217)
# 4cc55094 Northwind storefront: In Progress, 77000 USD, Olga (kick-off 9000 USD, Daniel)
# 93b9fa63 Northwind storefront: Won, 30500 USD, Anna (quarterly review)
# bf6c9096 Northwind storefront, no company linked: Lost, 47000 USD, Olga (proposal to Emma 23.11, to Will 16.10; kick-off 9000 USD, Ben)
# 3c9d1425 company Northwind Labs (northwind.example): kick-off 42000 USD Noah; payment terms #4425 #9431; proposal to Daniel 27.11
# c7f40c20 Ромашка: Lead, 83000 EUR, Dmitry (kick-off 13000 EUR, ЛПР Frank)
# 424e1ba3 Ромашка: In Progress, 47500 EUR, Anna (kick-off 30000 EUR, ЛПР Kate)
# 00fdf7bf Ромашка, no company linked: Proposal, 90000 EUR, Dmitry (its notes speak of Northwind Labs: not used)
# 10f65a2f company Ромашка Диджитал: квартальная встреча; КП, напомнить 12.09 / 21.10
# 5d9a7158 Blue Harbor: In Progress, 37000 USD, Dmitry (proposal to Ben 20.12)
# ace84fff Blue Harbor: Proposal, 106000 USD, James (proposal to Will 09.11; kick-off 35000 USD Paul; payment terms #2145)
# e3cb9040 company Blue Harbor Coffee: quarterly review; kick-off 48000 USD Frank, proposal by 23.12; payment terms #7518 #9266
# 5ac32eef Greenleaf: Lead, 56500 USD, Olga (payment terms #1314)
# 4e46b595 Greenleaf: Lead, 113000 USD, Anna (kick-off 5000 USD, Mia, proposal by 18.12)
# 6eac1346 Greenleaf: Lead, 9000 USD, Dmitry (payment terms #1452 #5989)
# 82a763a0 company Greenleaf Dental: payment terms #4583 #1498; quarterly review x2
# 19186783 Северный Ветер: In Progress, 111000 EUR, Anna (квартальная встреча)
# 8434570e company Северный Ветер: квартальная встреча x4; КП, напомнить 16.12
# 509f90e2 Northwind mobile app: Lead, 60000 USD, Anna (proposal to Ben 11.10)
# d24f75d8 company Northwind Labs (northwind-group.example): kick-off 57000 USD Isla / 85000 USD Ben; proposal to Frank 10.09; payment terms #1428
# d7e42bfc Берёзка: In Progress, 36000 EUR, Olga (kick-off 29000 EUR Daniel, КП до 16.12; kick-off 86000 EUR Noah; квартальная)
# 989d320f Берёзка: Lost, 86000 EUR, Mark (КП, напомнить 05.12)
# f2e5c10d company Берёзка Маркет: kick-off 54000 EUR Isla / 34000 EUR Jack / 32000 EUR Isla; КП, напомнить 24.10
# 26f049d2 Полярная Звезда: Lead, 33500 EUR, James (kick-off 50000 EUR Olivia; 56000 EUR Liam)
# 121b4431 Полярная Звезда: Lost, 110000 EUR, Dmitry (kick-off 77000 EUR Ben; квартальная)
# a0024c42 Полярная Звезда: Won, 95500 EUR, Mark (КП, напомнить 01.09)
# 3a7a6f29 company Полярная Звезда: квартальная встреча x3

QUESTIONS = [
    # ---------------------------------------------------------------- 0 Northwind Labs, storefront (northwind.example)
    Q("u01", "en", ("current_fact",), "What stage is the 24k Northwind Labs storefront deal at right now?", (deal("4f1526fd"),), (("Negotiation",),), (A,)),
    Q("u02", "en", ("note_comment", "quote"), "Northwind kick-off note says \"Budget around 42000 USD\" — who did they name as decision maker?", (company("3c9d1425"),), (("Noah",),), (A,)),
    Q("u03", "en", ("two_source", "current_fact"), "Northwind (northwind.example) keep saying the contact form on their storefront doesn't submit on Safari — which ticket tracks it, who has it and what's its status?", (convs(A, r"contact form on the e-commerce storefront does not submit on Safari"), issue("DES-4")), (("DES-4",), ("Dmitry",), ("In Review",)), (A,)),
    Q("u04", "en", ("paraphrase", "note_comment"), "what did engineering conclude after recreating the browser form issue on the northwind webshop?", (issue("DES-4"),), (("polyfill",),), (A,)),
    Q("u05", "en", ("current_fact",), "Who owns the Northwind Labs storefront deal we won, and how much was it?", (deal("93b9fa63"),), (("Anna",), ("30500", "30,500", "30 500")), (A,)),
    Q("u06", "en", ("paraphrase", "current_fact"), "Which Northwind storefront opportunity fell through, what was it worth and whose was it?", (deal("bf6c9096"),), (("47000", "47,000", "47 000"), ("Olga",)), (A,)),
    Q("u07", "en", ("note_comment",), "When are we supposed to chase Emma about the Northwind storefront proposal?", (deal("bf6c9096"),), (("23.11",),), (A,)),
    Q("u08", "en", ("note_comment", "quote"), "Northwind Labs asked for different payment terms on invoice #3217 — what terms?", (deal("4f1526fd"),), (("30-day", "30 day"),), (A,)),
    Q("u09", "en", ("current_fact",), "Who is handling the open conversation with Frank Hughes from Northwind (northwind.example)?", (conv(59),), (("James",),), (A,)),
    Q("u10", "en", ("paraphrase", "current_fact"), "Which of Kate Carter's Northwind threads did we push to later, and who's got it?", (conv(24),), (("snoozed",), ("Mark",)), (A,)),
    Q("u11", "en", ("quote", "two_source", "current_fact"), "\"The checkout page shows the old prices again\" — is there a ticket for the Northwind storefront, and how urgent is it?", (convs(A, r"checkout page shows the old prices"), issue("DES-38")), (("DES-38",), ("Low",)), (A,)),
    Q("u12", "en", ("current_fact",), "Who is doing the pricing page illustrations on the Northwind e-commerce storefront?", (issues(A, r"pricing page illustration"),), (("Olga",),), (A,)),
    Q("u13", "en", ("paraphrase", "note_comment"), "What was holding up the storefront pricing picture for Northwind before it got dropped?", (issue("DES-30"),), (("final copy",),), (A,)),
    Q("u14", "en", ("current_fact",), "Northwind storefront homepage hero mockup v3 — state and owner?", (issue("DEV-15"),), (("In Progress",), ("Olga",)), (A,)),
    # ---------------------------------------------------------------- 5 Northwind Labs, mobile app (northwind-group.example)
    Q("u15", "en", ("current_fact",), "What stage is the northwind-group.example deal in and what's it worth?", (deal("509f90e2"),), (("Lead",), ("60000", "60,000", "60 000")), (F,)),
    Q("u16", "en", ("note_comment",), "In the northwind-group.example kick-off where Isla was the decision maker, what budget came up?", (company("d24f75d8"),), (("57000", "57,000", "57 000"),), (F,)),
    Q("u17", "en", ("note_comment",), "When should we follow up with Frank on the mobile app proposal for Northwind?", (company("d24f75d8"),), (("10.09",),), (F,)),
    Q("u18", "en", ("note_comment", "current_fact"), "Cookie banner copy ticket for the Northwind app: who has it and what is it waiting on?", (issue("DES-10"),), (("Anna",), ("final copy",)), (F,)),
    Q("u19", "en", ("current_fact",), "Liam Morgan's open conversations — who are they assigned to?", (conv(40), conv(69)), (("James",), ("Dmitry",)), (F,)),
    Q("u20", "en", ("two_source", "current_fact"), "Liam asked for one more pricing page illustration for the Northwind mobile app — which ticket is James on and where is it?", (convs(F, r"one more for the pricing page"), issue("DEV-2")), (("DEV-2",), ("In Progress",)), (F,)),
    Q("u21", "en", ("paraphrase", "two_source", "current_fact"), "The Northwind app people say the palette looks wrong on phones after their CEO saw v2 — is anybody actually working on it?", (convs(F, r"colours are off on mobile"), issue("DEV-33"), issue("OPS-5")), (("In Progress",),), (F,)),
    # ---------------------------------------------------------------- 2 Blue Harbor Coffee
    Q("u22", "en", ("current_fact",), "Blue Harbor Coffee's biggest deal — what stage and how much?", (deal("ace84fff"),), (("Proposal",), ("106000", "106,000", "106 000")), (C,)),
    Q("u23", "en", ("note_comment", "quote"), "Blue Harbor kick-off with \"Budget around 48000 USD\": who is the decision maker and when is the proposal due?", (company("e3cb9040"),), (("Frank",), ("23.12",)), (C,)),
    Q("u24", "en", ("paraphrase", "note_comment"), "On the 106k Blue Harbor opportunity, who on their side gets the final say?", (deal("ace84fff"),), (("Paul",),), (C,)),
    Q("u25", "en", ("two_source", "current_fact"), "Blue Harbor said the homepage hero is too busy — which hero mockup ticket is in review and with whom?", (convs(C, r"homepage hero feels too busy"), issue("DEV-14")), (("DEV-14",), ("Anna",)), (C,)),
    Q("u26", "en", ("note_comment",), "What was the Blue Harbor pricing page illustration blocked on?", (issue("DES-55"),), (("final copy",),), (C,)),
    Q("u27", "en", ("current_fact", "quote"), "Who's on the open Blue Harbor thread with Frank Carter where invoices #2342 and #1155 went out?", (conv(64),), (("Anna",),), (C,)),
    Q("u28", "en", ("quote",), "\"Invoice #9662 for the onboarding flow\" — what was the amount?", (conv(6),), (("16000", "16,000", "16 000"),), (C,)),
    Q("u29", "en", ("paraphrase", "current_fact"), "is the legal wording change for blue harbor's consent popup still happening?", (issues(C, r"cookie banner"),), (("Canceled", "Cancelled"),), (C,)),
    Q("u30", "en", ("note_comment",), "Which invoice did Blue Harbor want 30-day payment terms on, per the 106k deal?", (deal("ace84fff"),), (("2145",),), (C,)),
    Q("u31", "en", ("current_fact",), "Ben Clarke's Blue Harbor conversations — which one is still open and who's on it?", (conv(34),), (("open",), ("Dmitry",)), (C,)),
    Q("u32", "en", ("current_fact",), "Blue Harbour Coffee checkout price caching bug — is it done, and who fixed it?", (issue("DEV-20"),), (("Done",), ("Mark",)), (C,)),
    # ---------------------------------------------------------------- 3 Greenleaf Dental
    Q("u33", "en", ("current_fact",), "Greenleaf Dental's largest deal — who owns it and what stage is it at?", (deal("4e46b595"),), (("Anna",), ("Lead",)), (D,)),
    Q("u34", "en", ("note_comment",), "What budget did Greenleaf give at the kick-off, and who decides?", (deal("4e46b595"),), (("5000", "5,000", "5 000"), ("Mia",)), (D,)),
    Q("u35", "en", ("two_source", "current_fact"), "Liam Reed keeps reporting the Greenleaf contact form failing on Safari — which ticket is being actively worked and by whom?", (convs(D, r"does not submit on Safari"), issue("DES-62")), (("DES-62",), ("Mark",)), (D,)),
    Q("u36", "en", ("current_fact",), "Greenleef Dental mobile colour review — who has the one that's in progress?", (issue("DES-20"),), (("Anna",),), (D,)),
    Q("u37", "en", ("paraphrase", "note_comment"), "How does Greenleaf feel about our pace, and what would they like more of?", (company("82a763a0"),), (("delivery speed",), ("design reviews",)), (D,)),
    Q("u38", "en", ("current_fact",), "Which Greenleaf Dental conversations are still open, and who is handling them?", (conv(7), conv(17), conv(60)), (("James",), ("Olga",)), (D,)),
    Q("u39", "en", ("paraphrase", "note_comment"), "Did Greenleaf sign off on where we're going with the consent banner wording?", (issue("DEV-23"),), (("approved the direction",),), (D,)),
    Q("u40", "en", ("quote", "note_comment", "current_fact"), "Which Greenleaf deal carries the note about 30-day terms on invoice #1314, and what is it worth?", (deal("5ac32eef"),), (("56500", "56,500", "56 500"),), (D,)),
    # ---------------------------------------------------------------- studio-wide
    Q("u41", "en", ("current_fact",), "Which deals are marked won right now?", (("stage", "Won 🎉"),), (("Northwind",), ("Полярная Звезда", "Polyarnaya")), ALL),
    Q("u42", "ru", ("current_fact",), "Какие сделки сейчас в статусе Lost?", (("stage", "Lost"),), (("Northwind",), ("Берёзка",), ("Полярная Звезда",)), ALL),
    # ---------------------------------------------------------------- 1 Ромашка Диджитал
    Q("u43", "ru", ("current_fact",), "На какой стадии сделка с Ромашка Диджитал на 47 500 EUR?", (deal("424e1ba3"),), (("In Progress",),), (B,)),
    Q("u44", "ru", ("note_comment",), "Какой бюджет назвали на стартовом созвоне с Ромашкой, где ЛПР — Kate?", (deal("424e1ba3"),), (("30000", "30 000", "30,000"),), (B,)),
    Q("u45", "ru", ("paraphrase", "note_comment"), "кто у ромашки принимает решение по сделке на 83 тысячи?", (deal("c7f40c20"),), (("Frank",),), (B,)),
    Q("u46", "ru", ("paraphrase", "current_fact"), "Кто назначен на задачи Ромашки про старые цены на странице оплаты, которые ещё не начаты?", (issue("DES-31"), issue("DEV-43")), (("Olga",), ("Anna",)), (B,)),
    Q("u47", "ru", ("two_source", "current_fact"), "Ромашка писали, что форма обратной связи не отправляется в Safari — чем закончились задачи?", (convs(B, r"форма обратной связи не отправляется в Safari"), issue("DES-52"), issue("DEV-39")), (("Done",),), (B,)),
    Q("u48", "ru", ("current_fact",), "Кто сейчас ведёт открытый диалог с Ольгой Кузнецовой из Ромашки?", (conv(45),), (("Mark",),), (B,)),
    Q("u49", "ru", ("quote",), "«Счёт №4502 во вложении» — на какую сумму был счёт Ромашке?", (conv(2),), (("29000", "29 000", "29,000"),), (B,)),
    Q("u50", "ru", ("note_comment",), "Когда напомнить Ромашке про КП по фирменному стилю?", (company("10f65a2f"),), (("12.09", "21.10"),), (B,)),
    Q("u51", "en→ru", ("cross_language", "current_fact"), "Romashka Digital homepage hero mockup v3 — who's on it and what state is it in?", (issues(B, r"макет первого экрана v3"),), (("Dmitry",), ("In Progress", "Backlog")), (B,)),
    Q("u52", "en→ru", ("cross_language", "paraphrase", "note_comment"), "Did the client OK the approach on Romashka's phone palette fix, the one Anna closed?", (issue("DES-57"),), (("согласовал направление",),), (B,)),
    # ---------------------------------------------------------------- 4 Северный Ветер
    Q("u53", "ru", ("current_fact",), "Сколько стоит сделка Северного Ветра и на какой она стадии?", (deal("19186783"),), (("111000", "111 000", "111,000"), ("In Progress",)), (E,)),
    Q("u54", "ru", ("note_comment",), "Когда напомнить Северному Ветру про коммерческое предложение?", (company("8434570e"),), (("16.12",),), (E,)),
    Q("u55", "ru", ("current_fact",), "Павел Попов из Северного Ветра — какие его диалоги открыты и кто их ведёт?", (conv(44), conv(51)), (("Anna",), ("Mark",)), (E,)),
    Q("u56", "ru", ("note_comment",), "Что ждём от Северного Ветра по задаче с финальными файлами логотипа, которую закрыл Mark?", (issue("DES-61"),), (("финальные тексты",),), (E,)),
    Q("u57", "ru", ("two_source", "current_fact"), "Северный Ветер жалуется на старые цены на странице оплаты — кто взял срочную задачу по кэшу цен в работу?", (convs(E, r"старые цены"), issue("DES-36")), (("Olga",),), (E,)),
    Q("u58", "ru", ("quote",), "«Счёт №6409 во вложении» — какая сумма в этом счёте Северному Ветру?", (conv(13),), (("18000", "18 000", "18,000"),), (E,)),
    Q("u59", "en→ru", ("cross_language", "current_fact"), "severniy-veter.example: who's assigned to the High priority staging deploy task?", (issue("DEV-1"),), (("James",),), (E,)),
    Q("u60", "en→ru", ("cross_language", "note_comment"), "Which versions did we send Severny Veter on the staging task that got canceled?", (issue("DEV-27"),), (("v3", "v4", "v5"),), (E,)),
    Q("u61", "en→ru", ("cross_language", "paraphrase", "current_fact"), "Aleksey Zaitsev's huge Severny Veter thread — who looked after it and is it closed?", (conv(8),), (("Olga",), ("resolved",)), (E,)),
    # ---------------------------------------------------------------- 6 Берёзка Маркет
    Q("u62", "ru", ("current_fact",), "Какая сделка с Берёзкой проиграна и на какую сумму?", (deal("989d320f"),), (("86000", "86 000", "86,000"),), (G,)),
    Q("u63", "ru", ("note_comment", "quote"), "Кто ЛПР у Берёзки по созвону, где «Бюджет около 34000 EUR»?", (company("f2e5c10d"),), (("Jack",),), (G,)),
    Q("u64", "ru", ("paraphrase", "note_comment"), "Берёзка, живая сделка: кто там решает и сколько готовы потратить — в записи, где предложение обещали к 16.12?", (deal("d7e42bfc"),), (("Daniel",), ("29000", "29 000", "29,000")), (G,)),
    Q("u65", "ru", ("paraphrase", "current_fact"), "Кто ведёт отложенные диалоги с Павлом Петровым из Берёзки?", (conv(23), conv(71)), (("James",), ("Mark",)), (G,)),
    Q("u66", "en→ru", ("cross_language", "current_fact"), "Berezka Market: who owns the deal that's in progress, and how much is it?", (deal("d7e42bfc"),), (("Olga",), ("36000", "36 000", "36,000")), (G,)),
    Q("u67", "en→ru", ("cross_language", "two_source", "current_fact"), "Pavel at Berezka reported the feedback form failing in Safari — is there a ticket, and what state is it in?", (convs(G, r"форма обратной связи не отправляется в Safari"), issue("DEV-28")), (("DEV-28",), ("Todo",)), (G,)),
    Q("u68", "en→ru", ("cross_language", "paraphrase", "note_comment"), "Berezka's logo export task is sitting in the backlog — what are we waiting for from them?", (issue("DEV-38"),), (("финальные тексты",),), (G,)),
    # ---------------------------------------------------------------- 7 Полярная Звезда
    Q("u69", "ru", ("current_fact",), "Сколько принесла выигранная сделка с Полярной Звездой и кто её вёл?", (deal("a0024c42"),), (("95500", "95 500", "95,500"), ("Mark",)), (H,)),
    Q("u70", "ru", ("note_comment",), "Какой бюджет называла Полярная Звезда на созвоне, где ЛПР — Olivia?", (deal("26f049d2"),), (("50000", "50 000", "50,000"),), (H,)),
    Q("u71", "ru", ("current_fact",), "Кто ведёт открытый диалог с Сергеем Кузнецовым из Полярной Звезды, где он просит файлы логотипа?", (conv(53),), (("Dmitry",),), (H,)),
    Q("u72", "ru", ("current_fact",), "Полярная Звезда, форма в Safari: какая задача лежит в бэклоге и кто на ней?", (issue("DES-44"),), (("DES-44",), ("Anna",)), (H,)),
    Q("u73", "en→ru", ("cross_language", "note_comment"), "Polyarnaya Zvezda kick-off on the 110k deal — what budget and decision maker?", (deal("121b4431"),), (("77000", "77 000", "77,000"), ("Ben",)), (H,)),
    Q("u74", "en→ru", ("cross_language", "current_fact"), "Polar Star (Polyarnaya Zvezda): the urgent logo file tasks that are still open — who's assigned?", (issue("DES-45"), issue("DES-58")), (("Anna",),), (H,)),
    # ---------------------------------------------------------------- Russian questions about English records
    Q("u75", "ru→en", ("cross_language", "current_fact"), "Кто владелец сделки Northwind Labs по мобильному приложению?", (deal("509f90e2"),), (("Anna",),), (F,)),
    Q("u76", "ru→en", ("cross_language", "note_comment"), "Какой бюджет назвали в Blue Harbor на стартовом созвоне, где ЛПР — Paul?", (deal("ace84fff"),), (("35000", "35,000", "35 000"),), (C,)),
    Q("u77", "ru→en", ("cross_language", "current_fact"), "В каком статусе срочная задача Greenleaf Dental по экспорту логотипов и кто её делает?", (issue("DEV-42"),), (("In Progress",), ("Olga",)), (D,)),
    Q("u78", "ru→en", ("cross_language", "note_comment"), "Что выяснили разработчики по ошибке с формой в Safari у Blue Harbor?", (issue("DES-11"),), (("polyfill", "17.2"),), (C,)),
    Q("u79", "ru→en", ("cross_language", "current_fact"), "Кто ведёт открытые переписки с Blue Harbor Coffee?", (conv(34), conv(64), conv(74)), (("Dmitry",), ("Anna",), ("Mark",)), (C,)),
    Q("u80", "ru→en", ("cross_language", "quote"), "«Invoice #6800 for the e-commerce storefront» — какая там сумма?", (conv(5),), (("17000", "17,000", "17 000"),), (A,)),
    Q("u81", "ru→en", ("cross_language", "note_comment"), "Nortwind Labs (northwind.example): когда напомнить Daniel про отправленное КП?", (company("3c9d1425"),), (("27.11",),), (A,)),
    Q("u82", "ru→en", ("cross_language", "current_fact"), "Greenleaf Dental — какую задачу по иллюстрации для страницы цен отменили и кто на ней был?", (issue("OPS-6"),), (("OPS-6",), ("Dmitry",)), (D,)),
    Q("u83", "ru→en", ("cross_language", "note_comment", "quote"), "Что Greenleaf Dental просили по счёту #4583?", (company("82a763a0"),), (("30-day", "30 day"),), (D,)),
    Q("u84", "ru→en", ("cross_language", "paraphrase", "current_fact"), "У какой сделки Northwind по интернет-магазину сейчас идут переговоры и кто её ведёт?", (deal("4f1526fd"),), (("Negotiation",), ("Anna",)), (A,)),
]  # fmt: skip


build, load, dumps = handwritten.set_functions(QUESTIONS, SEED, MESSAGES, PATH)

if __name__ == "__main__":
    handwritten.write(PATH, dumps(build()))
