"""The third held-out question set: 82 questions written by hand against sandbox seed `heldout3` (2000 messages).

How it was made: every record of the seed was dumped to scratch files with a small script over
`sandbox.dataset.Dataset("heldout3", 2000)` and read in full: the 8 clients with their contacts and Linear
projects, all 83 Chatwoot conversations with every message (public, private and activity, with author, status and
assignee), all Linear issues of the clients with state, assignee, priority, cycle, due date and comments, and the
Attio companies, people, deals (current stage = the stage value with no `active_until`, amount, owner, linked
company) with their notes. The questions were then written the way a studio PM, head of delivery or owner types
into the search box: short and long, informal, some with typos, in English and Russian, some asked in the other
language than the records they need. Every client is covered, plus five studio-wide questions.

The author read only `sandbox/` (the generator), `rag/evaluation/handwritten.py` and the dumped data; no other file
under `rag/`, no evaluation docs or scripts, no other question set. No retriever, query, evaluation, test suite,
management command or git command was run. A scratch script checked that every selector resolves (the `build`
below runs) and that every fact group has a string found in the public text (private Chatwoot notes and activity
messages excluded) or the current fields of at least one relevant record.

    .venv/bin/python -m rag.evaluation.heldout3   # rewrites rag/evaluation/heldout3.json
"""
# ruff: noqa: E501

from pathlib import Path

from rag.evaluation import handwritten
from rag.evaluation.handwritten import SLICES, Q, company, conv, convs, deal, issue, issues  # noqa: F401

SEED, MESSAGES = "heldout3", 2000
PATH = Path(__file__).with_name("heldout3.json")

# Clients of seed `heldout3`, by index (name, domain, Linear project, language, contacts):
#   0 Northwind Labs, northwind.example, "Northwind Labs — marketing site", en, Mia / Mia Walker
#   1 Ромашка Диджитал, romashka.example, "Ромашка Диджитал — фирменный стиль", ru, Татьяна Морозова, Сергей Смирнов
#   2 Blue Harbor Coffee, blueharbor.example, "Blue Harbor Coffee — brand identity", en, Alice Foster, Frank Shaw
#   3 Greenleaf Dental, greenleaf.example, "Greenleaf Dental — mobile app", en, Chloe Turner, Olivia Hughes
#   4 Северный Ветер, severniy-veter.example, "Северный Ветер — фирменный стиль", ru, Иван Орлов, Михаил Петров
#   5 Northwind Labs (the twin), northwind-group.example, "Northwind Labs — e-commerce storefront", en, Liam Ward, Noah Bennett
#   6 Maple & Finch, maplefinch.example, "Maple & Finch — design system", en, Ben Reed, Will Morgan
#   7 Берёзка Маркет, berezka.example, "Берёзка Маркет — личный кабинет", ru, Татьяна Смирнова, Татьяна Морозова, Наталья Петрова
A, B, C, D, E, F, G, H = range(8)
ALL = tuple(range(8))
# Companies by record id prefix: 27713712 Northwind (A), cd2603ec Ромашка (B), f86e3ca7 Blue Harbor (C),
#   7cba19b4 Greenleaf (D), 0517dce6 Северный Ветер (E), 8604bf56 Northwind group (F), a8168136 Maple & Finch (G),
#   469d123f Берёзка (H).
# Deals by record id prefix (current stage, amount, owner, company):
#   fb866d52 Won 22000 USD James Carter (A); 49c6058b Won 110500 USD Olga Smirnova (A)
#   0c272973 Negotiation 34500 EUR Olga (B); 360b6d43 Won 16000 EUR Olga (B); b4588617 Lead 111000 EUR Mark Ellis (B)
#   61403b09 Lost 73000 USD Anna Petrova (C); 3d4273fe In Progress 111000 USD Anna (C); a4402281 Proposal 35000 USD Mark (C)
#   81ebf7dc In Progress 4000 USD Anna (D)
#   156c1191 Negotiation 3500 EUR Olga (E); 372928cf Lead 90000 EUR Olga (E); e98a386e In Progress 22500 EUR Mark (E)
#   fe8607ae Negotiation 22000 USD Mark (F); 4a499408 In Progress 59500 USD Anna (F); cb0fa7c1 Negotiation 103500 USD Mark (F)
#   631fa85a Proposal 64500 USD Anna (G); 24e7b387 Won 93000 USD Olga (G); aa388277 Negotiation 8000 USD Mark (G)
#   b1212e29 Lead 68000 EUR Olga (H); d17ad2f8 Proposal 106000 EUR Olga (H); e13b1043 Negotiation 30000 EUR Mark (H)
#   2c62ab5d In Progress 110000 EUR Anna (no company, named for Ромашка); fd9c8473 In Progress 38000 USD Mark (no company, named for Northwind)

QUESTIONS = [
    # --- 0 Northwind Labs (marketing site)
    Q("h3_01", "en", ("two_source", "current_fact", "paraphrase"), "Mia from Northwind keeps telling us the contact form on the marketing site wont send in Safari. do we have a ticket for that and where is it at?", (issue("DEV-43"), convs(A, r"contact form on the marketing site does not submit")), (("DEV-43",), ("Todo",)), (A,)),
    Q("h3_02", "en", ("paraphrase",), "how much did we bill northwind on invoice 9189", (conv(7),), (("24000", "24 000", "24,000"),), (A,)),
    Q("h3_03", "ru→en", ("cross_language", "note_comment"), "Northwind, маркетинговый сайт: какой бюджет озвучили на стартовом созвоне и кто у них принимает решение?", (company("27713712"),), (("52000", "52 000", "52,000"), ("Chloe",)), (A,)),
    Q("h3_04", "en", ("note_comment", "paraphrase"), "who asked us for longer payment terms on invoice 2127?", (company("27713712"),), (("Northwind Labs",), ("30-day",)), (A, H)),
    Q("h3_05", "en", ("current_fact",), "marketing site deals with northwind that we won - amounts and who owns them?", (deal("fb866d52"), deal("49c6058b")), (("22000", "22 000", "22,000"), ("110500", "110 500", "110,500"), ("James Carter", "James"), ("Olga Smirnova", "Olga")), (A,)),
    Q("h3_06", "en", ("current_fact",), "northwind.example logo export - which ticket is still open and who has it", (issues(A, r"logo exports"),), (("DEV-59",), ("James Carter", "James")), (A,)),
    Q("h3_07", "en", ("note_comment", "quote"), "DES-5 northwind final logo files, the last comment says it's blocked until what?", (issue("DES-5"),), (("final copy",),), (A,)),
    Q("h3_08", "en", ("two_source", "current_fact"), "legal at northwind wanted the cookie banner text changed before launch. did we ever ship that?", (issues(A, r"cookie banner"), convs(A, r"cookie banner")), (("Done",),), (A,)),
    Q("h3_09", "en", ("current_fact",), "the thread where we sent Mia Walker invoice 1049, is it still open?", (conv(38),), (("snoozed",),), (A,)),
    Q("h3_10", "en", ("current_fact", "paraphrase"), "Northwind (the marketing site one) - checkout was showing stale cached prices. who closed that ticket and what was the due date?", (issue("DES-33"),), (("Anna Petrova", "Anna"), ("2026-10-23",)), (A,)),
    Q("h3_11", "en", ("two_source", "current_fact", "paraphrase"), "Mia said after the CEO looked at v2 the colours look wrong on phones. is the palette fix for small screens finished?", (issue("OPS-6"), convs(A, r"colours are off on mobile")), (("Done",),), (A,)),
    Q("h3_12", "en", ("current_fact", "quote"), "northwind hero mockups where the client said 'lighter, fewer words' - which version is still not done?", (issues(A, r"lighter, fewer words"),), (("DEV-9",), ("In Progress",)), (A,)),
    # --- 5 Northwind Labs (e-commerce storefront, northwind-group.example)
    Q("h3_13", "en", ("current_fact",), "northwind-group storefront deals: what stage is each one in and for how much", (deal("fe8607ae"), deal("4a499408"), deal("cb0fa7c1")), (("22000", "22 000", "22,000"), ("59500", "59 500", "59,500"), ("103500", "103 500", "103,500"), ("Negotiation",), ("In Progress",)), (F,)),
    Q("h3_14", "en", ("note_comment", "paraphrase"), "on the storefront kickoff where northwind put the budget at roughly 73k, who did they say makes the call?", (deal("4a499408"),), (("Henry",),), (F,)),
    Q("h3_15", "ru→en", ("cross_language", "note_comment"), "на каком созвоне с Northwind по интернет-магазину ЛПР был Noah и какой бюджет тогда назвали?", (deal("cb0fa7c1"),), (("40000", "40 000", "40,000"),), (F,)),
    Q("h3_16", "en", ("note_comment", "current_fact"), "Northwind wanted 30 day terms on invoice 8974 — which deal is that on and what stage is it in", (deal("4a499408"),), (("e-commerce storefront",), ("In Progress",)), (F,)),
    Q("h3_17", "en", ("current_fact",), "who's working on the cookie banner copy for the Northwind storefront right now?", (issues(F, r"cookie banner"),), (("Olga Smirnova", "Olga"), ("Anna Petrova", "Anna")), (F,)),
    Q("h3_18", "en", ("two_source", "current_fact"), "liam ward keeps chasing us for the staging link for the storefront. what does the deploy ticket say", (issue("DES-46"), convs(F, r"staging link")), (("Done",),), (F,)),
    Q("h3_19", "en", ("two_source", "current_fact", "paraphrase"), "Liam reported that the storefront contact form fails on Safari - was it ever fixed, and by who?", (issue("DEV-36"), convs(F, r"contact form on the e-commerce storefront")), (("Done",), ("Anna Petrova", "Anna")), (F,)),
    Q("h3_20", "en", ("note_comment", "paraphrase"), "whats holding up the mobile colour review on the northwind e-commerce store", (issue("DES-17"),), (("final copy",),), (F,)),
    Q("h3_21", "en", ("paraphrase",), "when is Northwind supposed to pay invoice 3031?", (conv(2),), (("Monday",),), (F,)),
    Q("h3_22", "en", ("paraphrase",), "which storefront invoices did we send out for 29k?", (conv(70), conv(71)), (("7754",), ("4658",)), (F,)),
    # --- 1 Ромашка Диджитал
    Q("h3_23", "en→ru", ("cross_language", "current_fact"), "Romashka Digital - which deal did we actually win and how much was it", (deal("360b6d43"),), (("16000", "16 000", "16,000"),), (B,)),
    Q("h3_24", "ru", ("current_fact",), "кто ведёт сделку Ромашки на 111 тыс. евро и на какой она стадии", (deal("b4588617"),), (("Mark Ellis", "Mark"), ("Lead",)), (B,)),
    Q("h3_25", "en→ru", ("cross_language", "note_comment"), "romashka kickoff call - what budget did they give us and who is the decision maker there?", (deal("0c272973"),), (("60000", "60 000", "60,000"), ("Paul",)), (B,)),
    Q("h3_26", "ru", ("two_source", "current_fact", "paraphrase"), "Ромашка жаловалась, что у них в сафари не уходит форма обратной связи. что там с задачами?", (issues(B, r"форма не отправляется"), convs(B, r"форма обратной связи не отправляется")), (("In Review",), ("Todo",)), (B,)),
    Q("h3_27", "en→ru", ("cross_language", "current_fact"), "which of romashka's old-prices-at-checkout tickets are marked urgent?", (issues(B, r"кэшируются цены"),), (("DEV-19",), ("DEV-47",)), (B,)),
    Q("h3_28", "ru", ("paraphrase",), "на какую сумму был счёт 6407 для Ромашки?", (conv(41),), (("30000", "30 000", "30,000"),), (B,)),
    Q("h3_29", "en→ru", ("cross_language", "paraphrase"), "when does Romashka plan to pay invoice 8978", (conv(68),), (("07.09",),), (B,)),
    Q("h3_30", "en→ru", ("cross_language", "note_comment", "paraphrase"), "what did romashka tell us at the quarterly check-in? are they happy with us?", (company("cd2603ec"), deal("b4588617")), (("дизайн-ревью",),), (B,)),
    Q("h3_31", "ru", ("current_fact",), "макет первого экрана v3 для Ромашки — его отменили или ещё делаем?", (issues(B, r"макет первого экрана v3"),), (("Canceled",), ("Todo",)), (B,)),
    # --- 2 Blue Harbor Coffee
    Q("h3_32", "en", ("current_fact",), "did we lose a deal with blue harbor? how big was it", (deal("61403b09"),), (("Lost",), ("73000", "73 000", "73,000")), (C,)),
    Q("h3_33", "en", ("note_comment",), "blue harbor proposal that went to Daniel - when are we following up?", (company("f86e3ca7"), deal("3d4273fe")), (("10.10", "26.11"),), (C,)),
    Q("h3_34", "en", ("paraphrase",), "blue harbor invoice 8991 amount?", (conv(29),), (("27000", "27 000", "27,000"),), (C,)),
    Q("h3_35", "en", ("current_fact",), "is any of Frank Shaw's conversations waiting as pending, and has someone picked it up?", (conv(18),), (("pending",),), (C,)),
    Q("h3_36", "en", ("two_source", "note_comment"), "Blue Harbor says their contact form doesnt go through on Safari. what did the devs find out?", (issue("DEV-4"), convs(C, r"contact form on the brand identity")), (("polyfill",),), (C,)),
    Q("h3_37", "en", ("current_fact",), "who owns the blue harbor staging deploy and how urgent is it", (issue("DEV-6"),), (("Olga Smirnova", "Olga"), ("Urgent",)), (C,)),
    Q("h3_38", "en", ("current_fact",), "blue harbor cookie banner - which tickets are in review?", (issues(C, r"cookie banner"),), (("DES-36",), ("DEV-50",)), (C,)),
    Q("h3_39", "en", ("two_source", "current_fact", "paraphrase"), "Blue Harbor keep asking for another drawing for their pricing page, is anyone on it?", (issues(C, r"pricing page"), convs(C, r"one more for the pricing page")), (("Olga Smirnova", "Olga"), ("Backlog",)), (C,)),
    Q("h3_40", "ru→en", ("cross_language", "note_comment", "paraphrase"), "что Blue Harbor говорили на квартальных встречах? они довольны?", (company("f86e3ca7"), deal("61403b09"), deal("a4402281")), (("delivery speed",), ("design reviews",)), (C,)),
    Q("h3_41", "en", ("current_fact",), "blue harbour deal sitting at proposal stage - owner and value?", (deal("a4402281"),), (("Mark Ellis", "Mark"), ("35000", "35 000", "35,000")), (C,)),
    # --- 3 Greenleaf Dental
    Q("h3_42", "en", ("note_comment",), "greenleaf asked for 30-day payment terms, on which invoices?", (company("7cba19b4"), deal("81ebf7dc")), (("9267",), ("3215",)), (D,)),
    Q("h3_43", "en", ("current_fact",), "How big is the Greenleaf mobile app deal and who owns it?", (deal("81ebf7dc"),), (("4000", "4 000", "4,000"), ("Anna Petrova", "Anna")), (D,)),
    Q("h3_44", "ru→en", ("cross_language", "note_comment"), "Greenleaf: кому отправляли предложение по мобильному приложению и когда напомнить?", (company("7cba19b4"), deal("81ebf7dc")), (("Will", "Ruby"), ("26.10", "21.10")), (D,)),
    Q("h3_45", "en", ("current_fact",), "the greenleaf thread where we sent invoice 9129 - still open? who's got it", (conv(10),), (("open",), ("Mark Ellis", "Mark")), (D,)),
    Q("h3_46", "en", ("two_source", "current_fact"), "Chloe at Greenleaf reported the contact form doesnt submit on safari in the app. ticket status?", (issue("DEV-62"), convs(D, r"contact form on the mobile app")), (("In Progress",),), (D,)),
    Q("h3_47", "en", ("current_fact",), "greenleaf homepage hero v3 - who's on it and when's it due", (issue("DEV-56"),), (("Mark Ellis", "Mark"), ("2026-10-30",)), (D,)),
    Q("h3_48", "en", ("two_source", "current_fact", "paraphrase"), "greenleaf says the checkout is showing last month's prices again. is anybody actually working on that", (issues(D, r"outdated prices"), convs(D, r"old prices")), (("Olga Smirnova", "Olga"),), (D,)),
    Q("h3_49", "en", ("current_fact", "paraphrase"), "greenlaef app colours on small screens — who is doing the review now", (issues(D, r"palette"),), (("Anna Petrova", "Anna"),), (D,)),
    Q("h3_50", "ru→en", ("cross_language", "paraphrase"), "Greenleaf — на какую сумму был счёт 6526?", (conv(49),), (("27000", "27 000", "27,000"),), (D,)),
    Q("h3_51", "en", ("note_comment",), "greenleaf quarterly review - what upsell did we note down?", (company("7cba19b4"),), (("mobile app",),), (D,)),
    # --- 4 Северный Ветер
    Q("h3_52", "ru", ("note_comment",), "Северный Ветер — какие бюджеты называли на стартовых созвонах?", (company("0517dce6"), deal("372928cf")), (("20000", "20 000", "20,000"), ("74000", "74 000", "74,000"), ("69000", "69 000", "69,000")), (E,)),
    Q("h3_53", "en→ru", ("cross_language", "note_comment"), "Severny Veter kickoff where they said about 74k EUR — who did they name as decision maker?", (company("0517dce6"),), (("Alice",),), (E,)),
    Q("h3_54", "en→ru", ("cross_language", "current_fact"), "smallest deal we have with severniy-veter and what stage is it at", (deal("156c1191"), deal("372928cf"), deal("e98a386e")), (("3500", "3 500", "3,500"), ("Negotiation",)), (E,)),
    Q("h3_55", "en→ru", ("two_source", "cross_language", "current_fact", "paraphrase"), "Ivan from Severny Veter says their feedback form won't send in Safari - do we have a ticket?", (issue("DES-35"), convs(E, r"форма обратной связи не отправляется")), (("DES-35",), ("Todo",)), (E,)),
    Q("h3_56", "ru", ("current_fact",), "кто сейчас делает финальные файлы логотипа для Северного Ветра", (issue("DES-4"),), (("James Carter", "James"),), (E,)),
    Q("h3_57", "en→ru", ("cross_language", "paraphrase"), "severny veter invoice 7453 how much", (conv(35),), (("28000", "28 000", "28,000"),), (E,)),
    Q("h3_58", "ru", ("current_fact",), "в каком статусе переписка, где Ивану Орлову отправили счёт №9798, и кто её ведёт?", (conv(16),), (("open",), ("Olga Smirnova", "Olga")), (E,)),
    Q("h3_59", "ru", ("current_fact",), "северный ветер, устаревшие цены на странице оплаты — какая задача на ревью и у кого?", (issues(E, r"кэшируются цены"),), (("DEV-16",), ("James Carter", "James")), (E,)),
    Q("h3_60", "ru", ("note_comment", "quote"), "что написали последним комментом в DEV-16 у Северного Ветра?", (issue("DEV-16"),), (("Исправлено в последней сборке",),), (E,)),
    # --- 6 Maple & Finch
    Q("h3_61", "en", ("note_comment",), "how many times did maple & finch ask for 30 day payment terms and on which invoices", (company("a8168136"), deal("631fa85a"), deal("24e7b387"), deal("aa388277")), (("9654",), ("5447",), ("6171",), ("4130",)), (G,)),
    Q("h3_62", "ru→en", ("cross_language", "current_fact"), "Maple & Finch — какую сделку выиграли и на сколько?", (deal("24e7b387"),), (("93000", "93 000", "93,000"),), (G,)),
    Q("h3_63", "en", ("two_source", "current_fact"), "Ben Reed says the checkout page shows old prices again on the maple & finch build — is there a ticket, who has it", (issue("DEV-33"), convs(G, r"old prices")), (("In Review",), ("Olga Smirnova", "Olga")), (G,)),
    Q("h3_64", "en", ("current_fact",), "maple & finch safari contact form tickets, all closed?", (issues(G, r"contact form"),), (("Done",), ("Mark Ellis", "Mark")), (G,)),
    Q("h3_65", "en", ("current_fact",), "Will Morgan's thread where we sent invoice 6498 — open? whos on it", (conv(19),), (("open",), ("Anna Petrova", "Anna")), (G,)),
    Q("h3_66", "en", ("quote",), "who sent us the design system brief saying they want it \"cleaner and more modern\"?", (convs(G, r"cleaner and more modern"),), (("Ben",), ("Will",)), (G,)),
    Q("h3_67", "en", ("current_fact",), "maple finch deal in negotiation - value and owner?", (deal("aa388277"),), (("8000", "8 000", "8,000"), ("Mark Ellis", "Mark")), (G,)),
    Q("h3_68", "en", ("note_comment",), "who at maple & finch did we send the design system proposal to?", (company("a8168136"), deal("24e7b387")), (("Emma",), ("Chloe",), ("Jack",)), (G,)),
    Q("h3_69", "ru→en", ("cross_language", "current_fact", "paraphrase"), "у Maple & Finch правка цветов под мобилки — что ещё не сделано?", (issues(G, r"palette"),), (("DES-26",), ("Backlog",)), (G,)),
    # --- 7 Берёзка Маркет
    Q("h3_70", "en→ru", ("cross_language", "current_fact"), "berezka market deal in negotiation - who owns it, how much", (deal("e13b1043"),), (("Mark Ellis", "Mark"), ("30000", "30 000", "30,000")), (H,)),
    Q("h3_71", "ru", ("note_comment",), "Берёзка Маркет: кого называли ЛПР на стартовых созвонах?", (company("469d123f"), deal("b1212e29")), (("Daniel",), ("Olivia",), ("Frank",)), (H,)),
    Q("h3_72", "ru", ("two_source", "current_fact"), "Татьяна из Берёзки всё спрашивает про тестовый стенд — что с задачей на выкладку?", (issues(H, r"Выложить текущую сборку"), convs(H, r"тестовому стенду")), (("In Review",),), (H,)),
    Q("h3_73", "en→ru", ("cross_language", "current_fact", "paraphrase"), "berezka mobile palette fixes - which ticket is still open and whose is it?", (issues(H, r"палитру"),), (("DEV-38",), ("Anna Petrova", "Anna")), (H,)),
    Q("h3_74", "ru", ("paraphrase",), "счёт 5103 берёзке — на сколько?", (conv(21),), (("22000", "22 000", "22,000"),), (H,)),
    Q("h3_75", "en→ru", ("cross_language", "paraphrase"), "when's berezka paying invoice 1065?", (conv(5),), (("09.10",),), (H,)),
    Q("h3_76", "ru", ("current_fact",), "какая самая крупная сделка с Берёзкой и на какой она стадии?", (deal("b1212e29"), deal("d17ad2f8"), deal("e13b1043")), (("106000", "106 000", "106,000"), ("Proposal",)), (H,)),
    Q("h3_77", "en→ru", ("cross_language", "note_comment"), "berezka - by when were we supposed to send the proposal after the kickoff where they said ~47k?", (company("469d123f"),), (("15.11",),), (H,)),
    # --- studio-wide
    Q("h3_78", "en", ("current_fact",), "which deals are won right now", (("stage", "Won 🎉"),), (("Maple & Finch",), ("Northwind Labs",), ("Ромашка Диджитал",)), ALL),
    Q("h3_79", "ru", ("current_fact",), "какие сделки сейчас на стадии Negotiation?", (("stage", "Negotiation"),), (("Берёзка Маркет",), ("Северный Ветер",), ("Northwind Labs",), ("Ромашка Диджитал",), ("Maple & Finch",)), ALL),
    Q("h3_80", "en", ("current_fact",), "any deals in attio that aren't linked to a company?", (deal("2c62ab5d"), deal("fd9c8473")), (("110000", "110 000", "110,000"), ("38000", "38 000", "38,000")), ALL),
    Q("h3_81", "en", ("current_fact",), "what deals does James Carter own", (deal("fb866d52"),), (("22000", "22 000", "22,000"),), ALL),
    Q("h3_82", "en", ("current_fact",), "deals at proposal stage - which clients and how much each?", (("stage", "Proposal"),), (("106000", "106 000", "106,000"), ("35000", "35 000", "35,000"), ("64500", "64 500", "64,500")), ALL),
]  # fmt: skip


build, load, dumps = handwritten.set_functions(QUESTIONS, SEED, MESSAGES, PATH)

if __name__ == "__main__":
    handwritten.write(PATH, dumps(build()))
