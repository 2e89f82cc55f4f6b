"""The fourth tuning question set: 80 hand-written questions over sandbox seed `tuning4`, 2000 messages.

This is a set to tune on, question by question: read a failing question, its relevant records and its facts side by
side.

How it was made: every record of the seed was dumped to scratch files and read in full (the 8 clients with their
domains and Linear projects, all 86 Chatwoot conversations with every public and private message, status and
assignee, all Linear issues with state, assignee, priority, cycle and comments, all Attio companies, deals with their
current stage, amount and owner, and every note). The questions were then written the way a studio PM, head of
delivery or owner types into the search box: short and long, informal, with typos, in English and Russian, some
asked in the other language than the records. The author read only `sandbox/` and `rag/evaluation/handwritten.py`;
no other evaluation set, retrieval or answering code, evaluation doc or script was opened, and no retriever, query,
evaluation, test suite or management command was run. A scratch script checked that every selector resolves and
that every fact group has a string found in the public text or current fields of at least one relevant record
(private Chatwoot notes excluded).

    .venv/bin/python -m rag.evaluation.tuning4   # rewrites rag/evaluation/tuning4.json
"""
# ruff: noqa: E501

from pathlib import Path

from rag.evaluation import handwritten
from rag.evaluation.handwritten import SLICES, Q, company, conv, convs, deal, issue, issues  # noqa: F401

SEED, MESSAGES = "tuning4", 2000
PATH = Path(__file__).with_name("tuning4.json")

# Clients of seed `tuning4`, by index (name, domain, Linear project, language, contacts):
#   0 Northwind Labs, northwind.example, "website redesign", en; Noah Morgan (also "Noah"), Tara Doyle
#   1 Ромашка Диджитал, romashka.example, "редизайн сайта", ru; Анна Морозова
#   2 Blue Harbor Coffee, blueharbor.example, "website redesign", en; Liam Ward, Ben Ward
#   3 Greenleaf Dental, greenleaf.example, "design system", en; Jack Turner, Isla Morgan
#   4 Северный Ветер, severniy-veter.example, "лендинг", ru; Иван Волков, Наталья Попова, Ольга Смирнова
#   5 Northwind Labs (the twin), northwind-group.example, "brand identity", en; Daniel Morgan, Kate Walker, Sam Hughes
#   6 Берёзка Маркет, berezka.example, "мобильное приложение", ru; Елена Морозова, Алексей Зайцев
#   7 Maple & Finch, maplefinch.example, "mobile app", en; Mia Clarke, Tara Carter, Will Ward
NW, ROM, BH, GL, SV, NWG, BER, MF = range(8)
ALL = tuple(range(8))
# Companies: 803b6829 Northwind Labs (northwind.example), c91c5881 Ромашка, c0634cf2 Blue Harbor, 42878816 Greenleaf,
#   70203d5e Северный Ветер, 5c9fc959 Northwind Labs (northwind-group.example), 8d84eb3a Берёзка, 497cb30b Maple & Finch.
# Deals by record id prefix (current stage, amount, owner, company):
#   c69a500f Negotiation 43000 USD Dmitry Volkov, Northwind Labs (northwind.example)
#   5e3855c4 In Progress 110000 USD Sophie Turner, "Northwind Labs: website redesign", no company linked
#   579a5499 In Progress 44500 EUR Anna Petrova, Ромашка; acac4a85 Won 🎉 12500 EUR Anna Petrova, Ромашка
#   117c83a9 Negotiation 31000 EUR Dmitry Volkov, "Ромашка Диджитал: редизайн сайта", no company linked
#   dd5d0ee1 Won 🎉 22000 USD James Carter; 55942583 In Progress 82500 USD Olga Smirnova; 8bbc545a Won 🎉 13500 USD Sophie Turner (Blue Harbor)
#   983e9565 Lost 7000 USD Sophie Turner; 8ca1e064 In Progress 97000 USD Anna Petrova; 91cfac2d In Progress 3500 USD Mark Ellis (Greenleaf)
#   309d757a In Progress 106500 EUR Dmitry Volkov, Северный Ветер
#   5a79b522 Lead 56000 USD Mark Ellis; e7363623 In Progress 101000 USD Anna Petrova (Northwind Labs, northwind-group.example)
#   0fda37ce Proposal 45000 EUR Anna Petrova; df5b6694 Negotiation 81500 EUR Anna Petrova; 192fa438 Lead 117500 EUR Sophie Turner (Берёзка)
#   4a4af0de Proposal 6500 USD Sophie Turner; 850f65fc Lead 62000 USD Olga Smirnova; 52e9b25d Lost 13500 USD James Carter (Maple & Finch)

QUESTIONS = [
    # Northwind Labs (northwind.example)
    Q("u01", "en", ("current_fact", "two_source"), "we've got two Northwind Labs website redesign deals in Attio?? what stage is each one at and how much are they", (deal("c69a500f"), deal("5e3855c4")), (("Negotiation",), ("In Progress",), ("43000", "43 000", "43,000"), ("110000", "110 000", "110,000")), (NW,)),
    Q("u02", "en", ("note_comment", "paraphrase", "two_source"), "what budget did Northwind Labs give us on the website redesign kickoff, and who signs off on their side?", (company("803b6829"), deal("c69a500f")), (("6000", "6 000", "6,000", "19000", "19 000", "19,000"), ("Kate", "Henry")), (NW,)),
    Q("u03", "en", ("two_source", "current_fact"), "Noah says the checkout page is showing old prices again - do we have a ticket for that in Linear and where is it at?", (issue("DEV-2"), conv(11), conv(40), conv(43)), (("DEV-2",), ("In Progress",)), (NW,)),
    Q("u04", "en", ("note_comment", "paraphrase"), "northwind.example contact form broken in Safari — what did the devs find when they reproduced it?", (issues(NW, r"polyfill|contact form"),), (("polyfill",), ("17.2",)), (NW,)),
    Q("u05", "en", ("current_fact",), "Tara Doyle's billing thread from 28 Oct — is it still open?", (conv(86),), (("open",),), (NW,)),
    Q("u06", "ru→en", ("cross_language", "paraphrase", "current_fact"), "Нортвинд (northwind.example) просили ещё одну картинку для страницы с ценами — её в итоге сделали?", (issues(NW, r"pricing page illustration"),), (("Done",),), (NW,)),
    Q("u07", "en", ("quote",), "northwind invoice #4660 — how much was it and what for", (conv(11),), (("25500", "25 500", "25,500"), ("website redesign",)), (NW,)),
    Q("u08", "en", ("two_source", "current_fact", "paraphrase"), "Northwind thought the homepage hero was way too cluttered. who's doing the lighter hero mockup and is it finished?", (issue("OPS-8"), convs(NW, r"hero feels too busy")), (("Sophie Turner", "Sophie"), ("In Progress",)), (NW,)),
    Q("u09", "en", ("current_fact", "paraphrase"), "Noah keeps chasing us for the svg/png logos... whats the status of the logo export task for northwind.example", (issues(NW, r"logo exports"),), (("Todo",), ("James Carter", "James")), (NW,)),
    # Ромашка Диджитал
    Q("u10", "ru", ("current_fact",), "ромашка — какие сделки уже выиграны и на какую сумму?", (deal("acac4a85"),), (("Won",), ("12500", "12 500", "12,500")), (ROM,)),
    Q("u11", "ru", ("note_comment", "two_source"), "какой бюджет Ромашка Диджитал называла на стартовом созвоне и кто у них ЛПР", (company("c91c5881"), deal("579a5499")), (("47000", "47 000", "47,000", "32000", "32 000", "32,000", "22000", "22 000", "22,000"), ("Tara", "Frank", "Henry")), (ROM,)),
    Q("u12", "ru", ("two_source", "current_fact"), "Анна Морозова опять пишет что на оплате старые цены. есть задача в линеар? в каком она статусе", (convs(ROM, r"старые цены"), issues(ROM, r"кэшируются цены")), (("DES-3", "DEV-8", "OPS-2"), ("In Review", "Todo", "In Progress")), (ROM,)),
    Q("u13", "en→ru", ("cross_language", "current_fact"), "Romashka staging deploy DEV-20 — still in progress? who's on it", (issue("DEV-20"),), (("In Progress",), ("Sophie Turner", "Sophie")), (ROM,)),
    Q("u14", "ru", ("two_source", "paraphrase", "current_fact"), "Ромашка говорила что палитра на телефонах выглядит не так — завели задачу? что с ней", (convs(ROM, r"цвета не те"), issue("DES-58")), (("DES-58",), ("Done",)), (ROM,)),
    Q("u15", "ru", ("note_comment",), "когда напоминаем Ромашке про коммерческое предложение по редизайну?", (company("c91c5881"), deal("579a5499"), deal("acac4a85")), (("26.12", "21.12", "20.09", "25.12"),), (ROM,)),
    Q("u16", "ru", ("current_fact",), "чат Анны Морозовой от 19 октября (просила файлы логотипа) — закрыт? кто его вёл", (conv(78),), (("resolved",), ("Dmitry Volkov", "Dmitry")), (ROM,)),
    Q("u17", "en→ru", ("cross_language", "quote"), "Romashka Digital invoice no. 5013, what amount?", (conv(23),), (("22500", "22 500", "22,500"),), (ROM,)),
    # Blue Harbor Coffee
    Q("u18", "en", ("current_fact",), "blue harbor coffee - which deals did we win, and what were they worth", (deal("dd5d0ee1"), deal("8bbc545a")), (("22000", "22 000", "22,000"), ("13500", "13 500", "13,500")), (BH,)),
    Q("u19", "en", ("note_comment", "paraphrase"), "who did we send the Blue Harbor website proposal to and when should we chase them", (company("c0634cf2"),), (("Grace",), ("16.12",)), (BH,)),
    Q("u20", "en", ("two_source", "current_fact", "paraphrase"), "Ben Ward at Blue Harbor says their contact form won't go through in Safari — which Linear issue is that and who's it assigned to?", (issue("DEV-17"), conv(33), conv(37), conv(44), conv(82)), (("DEV-17",), ("Mark Ellis", "Mark")), (BH,)),
    Q("u21", "en", ("paraphrase", "current_fact"), "blue harbor's lawyers wanted the cookie text changed b4 launch, where are we with it", (issues(BH, r"cookie banner"),), (("In Review",),), (BH,)),
    Q("u22", "en", ("note_comment", "paraphrase"), "why is the Blue Harbor logo export stuck?", (issue("DES-39"),), (("final copy",),), (BH,)),
    Q("u23", "en", ("current_fact",), "Liam Ward's snoozed conversation - who owns it", (conv(2),), (("snoozed",), ("Olga Smirnova", "Olga")), (BH,)),
    Q("u24", "ru→en", ("cross_language", "quote"), "сколько выставили Blue Harbor Coffee по счёту 3431?", (conv(83),), (("29500", "29 500", "29,500"),), (BH,)),
    Q("u25", "en", ("note_comment",), "who's the decision maker at Blue Harbor according to our kick-off notes?", (company("c0634cf2"), deal("dd5d0ee1"), deal("55942583")), (("Liam", "Ruby", "Chloe"),), (BH,)),
    Q("u26", "en", ("current_fact",), "biggest Blue Harbor deal that's still in progress — amount and owner?", (deal("55942583"),), (("82500", "82 500", "82,500"), ("Olga Smirnova", "Olga")), (BH,)),
    # Greenleaf Dental
    Q("u27", "en", ("current_fact",), "the Greenleaf Dental deal we lost - how big was it, whose was it?", (deal("983e9565"),), (("7000", "7 000", "7,000"), ("Sophie Turner", "Sophie")), (GL,)),
    Q("u28", "en", ("note_comment",), "greenleaf dental kick off call budget?", (company("42878816"), deal("8ca1e064")), (("33000", "33 000", "33,000", "11000", "11 000", "11,000", "24000", "24 000", "24,000", "40000", "40 000", "40,000"),), (GL,)),
    Q("u29", "en", ("two_source", "current_fact", "paraphrase"), "Jack Turner keeps reporting the Safari contact form bug on the design system. has a fix actually shipped?", (issues(GL, r"contact form"), conv(47), conv(55), conv(57), conv(77)), (("DES-62",), ("Done",)), (GL,)),
    Q("u30", "en", ("note_comment", "current_fact", "paraphrase", "two_source"), "Greenleaf staging deploy — what was holding it up, and who has the urgent one now?", (issue("DES-36"), issue("DES-38")), (("final copy",), ("Olga Smirnova", "Olga")), (GL,)),
    Q("u31", "en", ("note_comment",), "greenleaf asked for 30 day payment terms on which invoice", (company("42878816"),), (("2764",),), (GL,)),
    Q("u32", "en", ("current_fact",), "Isla Morgan's big onboarding thread (#31) — open or closed, and who has it", (conv(31),), (("open",), ("James Carter", "James")), (GL,)),
    Q("u33", "ru→en", ("cross_language", "current_fact"), "Гринлиф Дентал — кто ведёт сделку на 97 тысяч и на какой она стадии?", (deal("8ca1e064"),), (("Anna Petrova", "Anna"), ("In Progress",)), (GL,)),
    Q("u34", "en", ("paraphrase", "current_fact"), "Greenleaf felt the homepage hero was too cluttered. did we ever finish a lighter version?", (issues(GL, r"hero"),), (("DES-31", "DES-56"), ("Done",)), (GL,)),
    Q("u35", "en", ("quote",), "who wrote 'we reviewed v2 of the design system with our CEO'?", (convs(GL, r"v2 of the design system"),), (("Jack Turner", "Isla Morgan"),), (GL,)),
    # Северный Ветер
    Q("u36", "ru", ("current_fact",), "Северный Ветер лендинг — сделка: сумма, стадия, чья?", (deal("309d757a"),), (("106500", "106 500", "106,500"), ("In Progress",), ("Dmitry Volkov", "Dmitry")), (SV,)),
    Q("u37", "ru", ("note_comment",), "северный ветер, бюджет со стартового созвона какой был?", (company("70203d5e"), deal("309d757a")), (("64000", "64 000", "64,000", "52000", "52 000", "52,000"),), (SV,)),
    Q("u38", "en→ru", ("cross_language", "current_fact"), "Severny Veter safari form bug — which tickets are still open?", (issues(SV, r"форма не отправляется"),), (("DES-32", "DES-52", "DEV-13"), ("In Progress", "Backlog", "Todo")), (SV,)),
    Q("u39", "ru", ("two_source", "current_fact"), "Ольга Смирнова из Северного Ветра жалуется на старые цены на странице оплаты — задача есть? статус?", (conv(18), conv(20), conv(22), conv(28), conv(66), issues(SV, r"кэшируются цены")), (("DEV-24", "DES-45"), ("In Review", "Done")), (SV,)),
    Q("u40", "ru", ("note_comment", "paraphrase"), "по логотипу Северного Ветра чего ждём от клиента?", (issues(SV, r"логотипа"),), (("финальные тексты",),), (SV,)),
    Q("u41", "ru", ("current_fact",), "переписка с Натальей Поповой, где счёт 8144 — кто ведёт и какой статус", (conv(70),), (("pending",), ("Mark Ellis", "Mark")), (SV,)),
    Q("u42", "ru", ("quote",), "счёт №4742 — на какую сумму?", (conv(85),), (("29000", "29 000", "29,000"),), (SV,)),
    Q("u43", "ru", ("paraphrase", "note_comment"), "Северный Ветер вообще довольны нами? чего хотят больше", (company("70203d5e"),), (("дизайн-ревью",),), (SV,)),
    Q("u44", "en→ru", ("cross_language", "current_fact"), "who's got DEV-15 (Severny Veter mobile colours) and what state is it in", (issue("DEV-15"),), (("James Carter", "James"), ("In Review",)), (SV,)),
    Q("u45", "en→ru", ("cross_language", "note_comment", "paraphrase"), "has Severny Veter signed off on the landing page direction yet?", (issues(SV, r"согласовал"),), (("Клиент согласовал направление",),), (SV,)),
    # Northwind Labs (northwind-group.example)
    Q("u46", "en", ("current_fact",), "how much do we have in the pipeline for the Northwind Labs brand identity", (deal("5a79b522"), deal("e7363623")), (("56000", "56 000", "56,000"), ("101000", "101 000", "101,000")), (NWG,)),
    Q("u47", "en", ("note_comment",), "brand identity proposal for Northwind (northwind-group.example) — who got it, when do we follow up", (company("5c9fc959"), deal("5a79b522")), (("Ben", "Jack"), ("17.09", "24.11", "16.09")), (NWG,)),
    Q("u48", "en", ("two_source", "paraphrase"), "Kate Walker mentioned the brand colours look wrong on phones — did that become a Linear task?", (conv(8), conv(10), conv(48), conv(56), issue("DEV-6")), (("DEV-6",), ("Done",)), (NWG,)),
    Q("u49", "en", ("current_fact",), "Sam Hughes' snoozed chats — who's assigned", (conv(45), conv(51)), (("snoozed",), ("Olga Smirnova", "Olga")), (NWG,)),
    Q("u50", "en", ("quote",), "invoice #4908 brand identity how much", (conv(45),), (("30000", "30 000", "30,000"),), (NWG,)),
    Q("u51", "en", ("note_comment",), "any update in the comments on the Northwind cookie banner ticket OPS-4?", (issue("OPS-4"),), (("approved the direction",),), (NWG,)),
    Q("u52", "ru→en", ("cross_language", "note_comment"), "Нортвинд (northwind-group) просили отсрочку 30 дней — по каким счетам?", (company("5c9fc959"),), (("3660", "7748"),), (NWG,)),
    Q("u53", "en", ("current_fact",), "Daniel Morgan's chat with the bug label — who's handling it, is it still open?", (conv(3),), (("Mark Ellis", "Mark"), ("open",)), (NWG,)),
    # Берёзка Маркет
    Q("u54", "ru", ("current_fact",), "Берёзка Маркет — какие сделки есть и на каких стадиях?", (deal("0fda37ce"), deal("df5b6694"), deal("192fa438")), (("Proposal",), ("Negotiation",), ("Lead",)), (BER,)),
    Q("u55", "en→ru", ("cross_language", "current_fact"), "Berezka Market's largest deal — value and owner?", (deal("192fa438"),), (("117500", "117 500", "117,500"), ("Sophie Turner", "Sophie")), (BER,)),
    Q("u56", "ru", ("note_comment",), "когда напомнить Берёзке про КП по мобильному приложению", (company("8d84eb3a"), deal("0fda37ce")), (("01.10", "10.11"),), (BER,)),
    Q("u57", "ru", ("note_comment",), "кто ЛПР в берёзке?", (company("8d84eb3a"), deal("0fda37ce"), deal("192fa438")), (("Emma", "Will", "Isla"),), (BER,)),
    Q("u58", "ru", ("two_source", "current_fact"), "Алексей Зайцев пишет что форма в сафари не отправляется — задачу закрыли или нет?", (conv(46), conv(59), issues(BER, r"форма не отправляется")), (("DEV-4", "DEV-34", "DES-20", "DES-51"), ("Done", "In Progress")), (BER,)),
    Q("u59", "en→ru", ("cross_language", "current_fact"), "Berezka checkout stale prices - the urgent one, who's assigned?", (issue("DEV-41"),), (("DEV-41",), ("James Carter", "James")), (BER,)),
    Q("u60", "ru", ("note_comment",), "какие версии логотипа отправляли Берёзке?", (issues(BER, r"логотипа"),), (("v5",), ("v4",)), (BER,)),
    Q("u61", "ru", ("current_fact",), "Елена Морозова, разговор 34 — открыт? кто ведёт", (conv(34),), (("open",), ("Anna Petrova", "Anna")), (BER,)),
    Q("u62", "ru", ("quote",), "берёзка, счёт 1834 — сколько?", (conv(64),), (("27500", "27 500", "27,500"),), (BER,)),
    # Maple & Finch
    Q("u63", "en", ("current_fact",), "did we lose any Maple & Finch deals? how much and who owned it", (deal("52e9b25d"),), (("13500", "13 500", "13,500"), ("James Carter", "James")), (MF,)),
    Q("u64", "en", ("note_comment",), "maple & finch payment terms - which invoices did they want 30 days on", (company("497cb30b"), deal("52e9b25d")), (("1134", "4242", "1796", "6709"),), (MF,)),
    Q("u65", "en", ("note_comment", "paraphrase"), "who at Maple & Finch got the mobile app proposal from us?", (deal("4a4af0de"), deal("850f65fc")), (("Henry", "Paul"),), (MF,)),
    Q("u66", "en", ("two_source", "current_fact"), "Mia Clarke complained the checkout had old prices — is anyone working on it?", (conv(26), issues(MF, r"checkout")), (("Olga Smirnova", "Olga"), ("DES-26", "DEV-32")), (MF,)),
    Q("u67", "en", ("note_comment", "quote"), "latest comment on DES-6, the maple finch staging deploy?", (issue("DES-6"),), (("Fixed in the latest build",),), (MF,)),
    Q("u68", "en", ("current_fact",), "Will Ward's open conversation, who's on it", (conv(80),), (("open",), ("James Carter", "James")), (MF,)),
    Q("u69", "ru→en", ("cross_language", "current_fact"), "Maple & Finch — сколько стоит сделка на стадии Proposal и чья она?", (deal("4a4af0de"),), (("6500", "6 500", "6,500"), ("Sophie Turner", "Sophie")), (MF,)),
    Q("u70", "en", ("paraphrase", "note_comment"), "what did Maple & Finch say at the quarterly review? anything they want more of", (company("497cb30b"), deal("52e9b25d")), (("design reviews",),), (MF,)),
    Q("u71", "ru→en", ("cross_language", "current_fact"), "Maple & Finch, задача DEV-27 с первым экраном — кто делает, какой статус?", (issue("DEV-27"),), (("Anna Petrova", "Anna"), ("Todo",)), (MF,)),
    Q("u72", "en", ("note_comment",), "maple finch cookie banner DEV-21 - what's blocking it", (issue("DEV-21"),), (("final copy",),), (MF,)),
    # Studio-wide
    Q("u73", "en", ("current_fact",), "which deals are in Negotiation right now?", (("stage", "Negotiation"),), (("Northwind Labs",), ("Берёзка Маркет",), ("Ромашка Диджитал",)), ALL),
    Q("u74", "en", ("current_fact",), "list the deals we've lost", (("stage", "Lost"),), (("Maple & Finch",), ("Greenleaf Dental",)), ALL),
    Q("u75", "en", ("note_comment",), "which clients asked us for 30-day payment terms?", (company("5c9fc959"), company("497cb30b"), company("42878816"), company("c0634cf2"), deal("52e9b25d"), deal("5e3855c4")), (("Northwind Labs",), ("Maple & Finch",), ("Greenleaf Dental",), ("Blue Harbor Coffee",)), ALL),
    Q("u76", "ru", ("current_fact",), "какие сделки у нас выиграны?", (("stage", "Won 🎉"),), (("Ромашка Диджитал",), ("Blue Harbor Coffee",)), ALL),
    Q("u77", "en", ("current_fact",), "which deals does Sophie Turner own?", (deal("4a4af0de"), deal("983e9565"), deal("8bbc545a"), deal("192fa438"), deal("5e3855c4")), (("Maple & Finch",), ("Greenleaf Dental",), ("Blue Harbor Coffee",), ("Берёзка Маркет",), ("Northwind Labs",)), ALL),
    Q("u78", "en", ("quote",), "an anonymous website visitor got invoice #2092 for 28500 USD — who was that?", (conv(25),), (("quiet-frost-349",),), ALL),
    # More cross-language
    Q("u79", "ru→en", ("cross_language", "paraphrase", "current_fact"), "Нортвинд (northwind.example) жаловались что контактная форма не работает в сафари — починили?", (issues(NW, r"contact form"),), (("DES-61",), ("Done",)), (NW,)),
    Q("u80", "ru→en", ("cross_language", "paraphrase", "two_source"), "Гринлиф — юристы просили поменять текст cookie-баннера, сделали?", (issues(GL, r"cookie banner"), convs(GL, r"cookie banner text")), (("DEV-11", "DEV-30"), ("Done",)), (GL,)),
]  # fmt: skip


build, load, dumps = handwritten.set_functions(QUESTIONS, SEED, MESSAGES, PATH)

if __name__ == "__main__":
    handwritten.write(PATH, dumps(build()))
