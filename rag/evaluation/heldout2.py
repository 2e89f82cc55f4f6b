"""The second held-out question set: 78 questions written by hand against sandbox seed `heldout2` (2000 messages).

How it was made: the seed was checked to be unused anywhere else in the repository; every record of the seed was
dumped from `sandbox.dataset.Dataset("heldout2", 2000)` to scratch files outside the repository (Chatwoot
conversations with all public and private messages, their authors, status and assignee; Linear issues with state,
assignee, priority, project, cycle and comments with authors; Attio companies, deals with current stage, amount,
owner and linked company, and their notes) and read in full. The questions were then written the way a studio PM,
head of delivery or owner types into the ops tool's search box, covering all eight clients (the two companies
named "Northwind Labs" are told apart only by their domain). Facts are short strings copied from the records or
their current fields; no question is answerable only from a private note. The author read neither the other
question sets, nor the retrieval lexicon, nor the retriever, its services or its tests, and ran no retriever, query
or evaluation while writing; selectors were checked only with `handwritten.Index` over the dataset.

    .venv/bin/python -m rag.evaluation.heldout2   # rewrites rag/evaluation/heldout2.json
"""
# ruff: noqa: E501

from pathlib import Path

from rag.evaluation import handwritten
from rag.evaluation.handwritten import SLICES, Q, company, conv, convs, deal, issue, issues  # noqa: F401

SEED, MESSAGES = "heldout2", 2000
PATH = Path(__file__).with_name("heldout2.json")

# Clients of seed `heldout2`, by index (name, domain, project):
# 0 A Northwind Labs, northwind.example, "Northwind Labs — onboarding flow" (en)
# 1 B Ромашка Диджитал, romashka.example, "Ромашка Диджитал — лендинг" (ru)
# 2 C Blue Harbor Coffee, blueharbor.example, "Blue Harbor Coffee — landing page" (en)
# 3 D Greenleaf Dental, greenleaf.example, "Greenleaf Dental — mobile app" (en)
# 4 E Северный Ветер, severniy-veter.example, "Северный Ветер — лендинг" (ru)
# 5 F Northwind Labs, northwind-group.example, "Northwind Labs — onboarding flow" (en; same name and project name as A)
# 6 G Берёзка Маркет, berezka.example, "Берёзка Маркет — редизайн сайта" (ru)
# 7 H Maple & Finch, maplefinch.example, "Maple & Finch — design system" (en)
A, B, C, D, E, F, G, H = range(8)
ALL = tuple(range(8))

# Companies by record id prefix:
#   2bb27598 Northwind Labs (northwind.example)      0955e5c7 Northwind Labs (northwind-group.example)
#   ca067b0e Ромашка Диджитал   ba2903d6 Blue Harbor Coffee   0f15deb6 Greenleaf Dental
#   2337a077 Северный Ветер     91b9b31a Берёзка Маркет       c0519263 Maple & Finch
# Deals by record id prefix (current stage, amount, owner, linked company):
#   12f129b4 Northwind Labs: onboarding flow — Lead, 81000 USD, Mark Ellis, 2bb27598 (A)
#   01c5db7a Northwind Labs: onboarding flow — Proposal, 78500 USD, Olga Smirnova, no company (A)
#   c45c9347 Northwind Labs: onboarding flow — In Progress, 38500 USD, Dmitry Volkov, 0955e5c7 (F)
#   5048f6ee Ромашка Диджитал: лендинг — Won 🎉, 117000 EUR, Mark Ellis, ca067b0e (B)
#   844646c2 Ромашка Диджитал: лендинг — Proposal, 83500 EUR, Dmitry Volkov, ca067b0e (B)
#   e4364957 Ромашка Диджитал: лендинг — Won 🎉, 49500 EUR, Anna Petrova, no company (B; its notes speak of Northwind Labs)
#   84d241f8 Blue Harbor Coffee: landing page — In Progress, 8500 USD, Dmitry Volkov (C)
#   17d8231e Blue Harbor Coffee: landing page — Proposal, 117500 USD, Olga Smirnova (C)
#   b123a9eb Blue Harbor Coffee: landing page — Lead, 71000 USD, James Carter (C)
#   df89105e Greenleaf Dental: mobile app — In Progress, 87000 USD, Dmitry Volkov (D)
#   8c567d28 Северный Ветер: лендинг — In Progress, 116000 EUR, James Carter (E)
#   8a7c4bd6 Северный Ветер: лендинг — In Progress, 99500 EUR, Mark Ellis (E)
#   552911ce Берёзка Маркет: редизайн сайта — Lead, 115000 EUR, Dmitry Volkov (G)
#   d11cb664 Maple & Finch: design system — In Progress, 73000 USD, Mark Ellis (H)

QUESTIONS = [
    # ---------------------------------------------------------------- A: Northwind Labs (northwind.example)
    Q("h2_01", "en", ("current_fact",), "northwind.example — who is doing the extra pricing page illustration and where is it at?", (issue("DEV-20"),), (("Mark",), ("In Progress",)), (A,)),
    Q("h2_02", "en", ("note_comment", "paraphrase"), "Northwind Labs (northwind.example): the task about the legal consent popup wording — what was the last update on it?", (issue("DES-50"),), (("final copy",),), (A,)),
    Q("h2_03", "en", ("current_fact",), "What stage is the Northwind Labs deal tied to the northwind.example company at, and whose deal is it?", (deal("12f129b4"),), (("Lead",), ("Mark",)), (A,)),
    Q("h2_04", "en", ("note_comment", "paraphrase"), "Northwind Labs deal that Mark owns: which invoice did they want longer to pay?", (deal("12f129b4"),), (("6685",),), (A,)),
    Q("h2_05", "en", ("note_comment", "paraphrase"), "Who at northwind.example got our written offer for the onboarding work?", (company("2bb27598"),), (("Noah",),), (A,)),
    Q("h2_06", "en", ("quote", "current_fact"), '"Invoice #4896 for the onboarding flow is attached" — how much was it and who is on that Northwind conversation?', (conv(69),), (("18000", "18 000", "18,000"), ("James",)), (A,)),
    Q("h2_07", "en", ("current_fact",), "Alice Morgan at Northwind reported the contact form not submitting on Safari — who owns that conversation and is it still open?", (conv(28),), (("Mark",), ("open",)), (A,)),
    Q("h2_08", "ru→en", ("current_fact", "cross_language"), "Northwind Labs: на какую сумму был счёт №7918 и кто ведёт эту переписку?", (conv(15),), (("24000", "24 000", "24,000"), ("Olga",)), (A,)),
    Q("h2_09", "ru→en", ("current_fact", "cross_language"), "Northwind Labs (northwind.example): кто делает экспорт финальных файлов логотипа и с каким приоритетом?", (issue("DES-61"), issue("DEV-50")), (("Mark", "James"), ("High", "Urgent")), (A,)),
    Q("h2_10", "en", ("note_comment", "paraphrase"), "northwind.example: which tickets are on hold until the client hands over their final texts?", (issues(A, r"Blocked until"),), (("DES-50", "DEV-52"),), (A,)),
    Q("h2_11", "en", ("two_source", "current_fact"), "Kate Walker keeps telling us the Northwind checkout shows old prices — which Linear ticket for northwind.example is still open on it and in what state?", (conv(4), conv(9), conv(14), conv(16), conv(44), conv(45), conv(48), conv(57), conv(89), issues(A, r"outdated prices")), (("DEV-52",), ("In Review",)), (A,)),
    Q("h2_12", "en", ("note_comment", "current_fact"), "The Northwind Labs deal that isn't linked to any company — who owns it and which invoice did they ask payment terms on?", (deal("01c5db7a"),), (("Olga",), ("9666",)), (A, F)),
    Q("h2_13", "en", ("note_comment",), "We sent a Northwind Labs onboarding flow proposal to Henry — which deal is that note filed under and when is the follow-up?", (deal("e4364957"),), (("26.11",),), (A, B)),
    # ---------------------------------------------------------------- F: Northwind Labs (northwind-group.example)
    Q("h2_14", "en", ("current_fact",), "northwind-group.example deal — how big is it and what stage is it in?", (deal("c45c9347"),), (("38500", "38 500", "38,500"), ("In Progress",)), (F,)),
    Q("h2_15", "en", ("note_comment",), "On the northwind-group.example deal, what budget and decision maker came out of the kick-off call?", (deal("c45c9347"),), (("64000", "64 000", "64,000"), ("Noah",)), (F,)),
    Q("h2_16", "en", ("note_comment", "paraphrase"), "Which contacts at northwind-group.example have received our pitch document for the onboarding work?", (company("0955e5c7"),), (("Jack",), ("Grace",)), (F,)),
    Q("h2_17", "en", ("current_fact",), "Tara Hayes — invoice #5060: what was the amount and who is handling that thread?", (conv(20),), (("20000", "20 000", "20,000"), ("Anna",)), (F,)),
    Q("h2_18", "ru→en", ("current_fact", "cross_language"), "Daniel Ward (Northwind Labs): у кого переписка со счётом №9643 и какой у неё статус?", (conv(34),), (("Mark",), ("snoozed", "отложен")), (F,)),
    Q("h2_19", "en", ("quote", "note_comment"), 'Which northwind-group.example tickets have a "looks like a polyfill issue" comment?', (issues(F, r"polyfill"),), (("DES-1", "DES-47", "DEV-18", "DEV-47"),), (F,)),
    Q("h2_20", "en", ("two_source", "paraphrase"), "Tara Hayes' lawyers want the consent pop-up wording changed before go-live — which Linear ticket covers that for the northwind-group account?", (conv(12), conv(18), conv(20), conv(46), conv(77), issues(F, r"cookie banner")), (("DES-28", "DES-42", "DEV-18", "DEV-45"),), (F,)),
    # ---------------------------------------------------------------- B: Ромашка Диджитал
    Q("h2_21", "ru", ("current_fact",), "Ромашка Диджитал: на каком этапе сделка на 117 000 EUR и кто её владелец?", (deal("5048f6ee"),), (("Won",), ("Mark",)), (B,)),
    Q("h2_22", "en→ru", ("current_fact", "cross_language"), "Romashka Digital's landing page deal owned by Dmitry Volkov — current stage and value?", (deal("844646c2"),), (("Proposal",), ("83500", "83 500", "83,500")), (B,)),
    Q("h2_23", "ru", ("note_comment",), "Ромашка: кто ЛПР и какой бюджет по стартовому созвону в карточке компании?", (company("ca067b0e"),), (("53000", "53 000"), ("Noah",)), (B,)),
    Q("h2_24", "en→ru", ("note_comment", "cross_language"), "Romashka: on which deal note was the budget around 86,000 EUR, and who was the decision maker?", (deal("5048f6ee"),), (("Jack",),), (B,)),
    Q("h2_25", "ru", ("current_fact",), "Ромашка Диджитал: кто занимается устаревшими ценами на странице оплаты и в каком статусе задачи?", (issues(B, r"устаревшие цены"),), (("Dmitry",), ("In Progress",)), (B,)),
    Q("h2_26", "en→ru", ("current_fact", "cross_language", "paraphrase"), "Romashka: the ticket for pushing the current build to the test environment that has no owner — which one is it and how urgent?", (issue("DES-48"),), (("DES-48",), ("High",)), (B,)),
    Q("h2_27", "ru", ("quote", "note_comment"), "Где у Ромашки писали «Воспроизводится в Safari 17.2, похоже на полифил»?", (issue("DES-4"),), (("DES-4",),), (B,)),
    Q("h2_28", "ru", ("current_fact",), "Дмитрий Зайцев (Ромашка): счёт №3711 — на какую сумму и закрыта ли переписка?", (conv(60),), (("28000", "28 000"), ("resolved",)), (B,)),
    Q("h2_29", "ru", ("two_source", "current_fact"), "Ромашка писали, что форма обратной связи не отправляется в Safari — это уже исправили? Что по задачам в Linear?", (convs(B, r"форма обратной связи не отправляется"), issues(B, r"Safari")), (("Done", "исправлено"),), (B,)),
    Q("h2_30", "ru", ("quote", "note_comment"), "«Ждём финальные тексты от Ромашка Диджитал» — в каких задачах это писали?", (issues(B, r"Ждём финальные тексты"),), (("DES-2", "DES-24", "DES-39", "DES-49", "DES-57", "DEV-36"),), (B,)),
    # ---------------------------------------------------------------- C: Blue Harbor Coffee
    Q("h2_31", "en", ("current_fact",), "Which Blue Harbor Coffee deal is at the Proposal stage — value and owner?", (deal("17d8231e"),), (("117500", "117 500", "117,500"), ("Olga",)), (C,)),
    Q("h2_32", "en", ("note_comment",), "What did Blue Harbor Coffee ask for on invoice 7567?", (company("ba2903d6"),), (("30-day", "30 day"),), (C,)),
    Q("h2_33", "en", ("note_comment", "paraphrase"), "Blue Harbor, the deal Dmitry owns: who signs off on their side and how much money did they say they have?", (deal("84d241f8"),), (("Isla",), ("27000", "27 000", "27,000")), (C,)),
    Q("h2_34", "ru→en", ("current_fact", "cross_language"), "Blue Harbor Coffee: на каком этапе сделка на 71 000 USD и кто её ведёт?", (deal("b123a9eb"),), (("Lead",), ("James",)), (C,)),
    Q("h2_35", "en", ("quote", "current_fact"), 'Blue Harbor: the thread where Daniel wrote "Invoice #1521 is approved" — is it still open, and what priority is it?', (conv(5),), (("open",), ("urgent",)), (C,)),
    Q("h2_36", "en", ("note_comment", "paraphrase"), "Blue Harbor: the ticket for tuning the palette on small phones — is it waiting on anything from the client?", (issue("DEV-53"),), (("final copy",),), (C,)),
    Q("h2_37", "en", ("two_source", "current_fact"), "Paul Clarke flagged that the Blue Harbor contact form won't submit on Safari — where do the fix tickets stand?", (conv(3), issues(C, r"contact form")), (("DEV-23", "DES-19", "DEV-5"),), (C,)),
    Q("h2_38", "en", ("quote", "note_comment"), '"Shared v5 with Blue Harbor Coffee, waiting for feedback" — which ticket was that on?', (issue("DEV-49"),), (("DEV-49",),), (C,)),
    Q("h2_39", "ru→en", ("current_fact", "cross_language"), "Blue Harbor Coffee: задача про текст cookie-баннера без исполнителя — в каком она статусе?", (issue("DES-11"),), (("DES-11",), ("Todo",)), (C,)),
    Q("h2_40", "ru→en", ("current_fact", "cross_language", "paraphrase"), "Blue Harbor Coffee — какие горящие задачи ещё не закрыты?", (issue("DES-11"), issue("DEV-53")), (("DES-11",), ("DEV-53",)), (C,)),
    # ---------------------------------------------------------------- D: Greenleaf Dental
    Q("h2_41", "en", ("current_fact",), "Greenleef Dental deal — value, stage and owner?", (deal("df89105e"),), (("87000", "87 000", "87,000"), ("Dmitry",)), (D,)),
    Q("h2_42", "en", ("note_comment", "paraphrase"), "How much money did Greenleaf say they had available on the call where Grace was the one deciding?", (company("0f15deb6"),), (("73000", "73 000", "73,000"),), (D,)),
    Q("h2_43", "ru→en", ("note_comment", "cross_language"), "Greenleaf Dental: кому отправили коммерческое предложение по мобильному приложению и когда напомнить?", (company("0f15deb6"),), (("Isla",), ("20.12",)), (D,)),
    Q("h2_44", "en", ("note_comment", "current_fact"), "Greenleaf logo export ticket that has been blocked on the client's copy three times — who has it?", (issue("DEV-17"),), (("DEV-17",), ("James",)), (D,)),
    Q("h2_45", "en", ("current_fact",), "Greenleaf invoice #3995 — what was the amount and who sent it?", (conv(49),), (("21000", "21 000", "21,000"), ("James",)), (D,)),
    Q("h2_46", "en", ("two_source", "current_fact"), "Henry Shaw says Greenleaf's checkout still shows old prices — where is the fix in Linear?", (conv(49), issues(D, r"outdated prices")), (("In Progress", "Done"),), (D,)),
    Q("h2_47", "en", ("quote", "note_comment"), 'Greenleaf: which tickets have the comment "Reproduced on Safari 17.2, looks like a polyfill issue"?', (issues(D, r"polyfill"),), (("DES-36", "DES-38", "DES-40"),), (D,)),
    Q("h2_48", "en", ("quote", "note_comment", "current_fact"), '"Shared v5 with Greenleaf Dental, waiting for feedback" — which ticket, and what state is it in now?', (issue("DES-40"),), (("DES-40",), ("In Review",)), (D,)),
    # ---------------------------------------------------------------- E: Северный Ветер
    Q("h2_49", "ru", ("current_fact",), "Северный Ветер: какая сумма у сделки, которую ведёт James Carter, и на каком она этапе?", (deal("8c567d28"),), (("116000", "116 000"), ("In Progress",)), (E,)),
    Q("h2_50", "en→ru", ("note_comment", "paraphrase", "cross_language"), "Severny Veter, Mark Ellis's deal: when should we chase them about the offer we sent?", (deal("8a7c4bd6"),), (("24.11",),), (E,)),
    Q("h2_51", "ru", ("note_comment",), "Северный Ветер: какой бюджет обсуждали на стартовом созвоне, где ЛПР — Chloe?", (deal("8c567d28"),), (("33000", "33 000"),), (E,)),
    Q("h2_52", "en→ru", ("note_comment", "cross_language"), "Severny Veter company notes: what budgets came up on the kick-off calls?", (company("2337a077"),), (("18000", "18 000", "18,000"), ("73000", "73 000", "73,000")), (E,)),
    Q("h2_53", "ru", ("current_fact",), "Северный Ветер: в какой переписке был счёт №9976, на какую сумму, и кто её ведёт?", (conv(6),), (("27500", "27 500"), ("James",)), (E,)),
    Q("h2_54", "ru", ("quote", "note_comment"), "Где по Северному Ветру писали «Отправили v5 клиенту»?", (issues(E, r"Отправили v5"),), (("DES-45", "DEV-13"),), (E,)),
    Q("h2_55", "ru", ("two_source", "current_fact"), "Михаил из Северного Ветра просил финальные файлы логотипа в SVG и PNG — у кого задачи в Linear?", (convs(E, r"финальные файлы логотипа"), issues(E, r"логотипа")), (("Dmitry",),), (E,)),
    Q("h2_56", "en→ru", ("note_comment", "paraphrase", "cross_language"), "Severny Veter: on which tickets has the client signed off on the direction?", (issues(E, r"согласовал направление"),), (("DES-33", "DES-45", "DES-46", "DES-59", "DEV-13", "DEV-51"),), (E,)),
    Q("h2_57", "en→ru", ("current_fact", "cross_language"), "Severny Veter thread with invoice 3222 for 14,000 EUR — is it closed, and who was on it?", (conv(32),), (("resolved",), ("Olga",)), (E,)),
    # ---------------------------------------------------------------- G: Берёзка Маркет
    Q("h2_58", "ru", ("current_fact",), "Берёзка Маркет: какая сумма у сделки и на каком она этапе?", (deal("552911ce"),), (("115000", "115 000"), ("Lead",)), (G,)),
    Q("h2_59", "en→ru", ("note_comment", "cross_language"), "Berezka company notes: which kick-off had the bigger budget, and who was the decision maker there?", (company("91b9b31a"),), (("19000", "19 000", "19,000"), ("Grace",)), (G,)),
    Q("h2_60", "ru", ("note_comment",), "Берёзка Маркет: кто ЛПР по сделке, когда обсуждали бюджет 5000 EUR, и до какого числа КП?", (deal("552911ce"),), (("Ben",), ("02.10",)), (G,)),
    Q("h2_61", "en→ru", ("current_fact", "paraphrase", "cross_language"), "Berezka Market: who owns the backlog ticket about fixing the site's colours on phones?", (issue("DEV-22"),), (("DEV-22",), ("Anna",)), (G,)),
    Q("h2_62", "ru", ("note_comment",), "Берёзка: задача про форму обратной связи в Safari, которая на ревью, — что в комментариях говорят о причине?", (issue("DEV-24"),), (("полифил",),), (G,)),
    Q("h2_63", "ru", ("current_fact",), "Берёзка Маркет, Татьяна Соколова: счёт №9972 — сумма и кто ведёт переписку?", (conv(67),), (("29500", "29 500"), ("Anna",)), (G,)),
    Q("h2_64", "en→ru", ("current_fact", "cross_language"), "Berezka: Ivan Morozov's conversation where we invoiced 30,000 EUR — is it open or closed?", (conv(72),), (("open",), ("30000", "30 000", "30,000")), (G,)),
    Q("h2_65", "en→ru", ("two_source", "paraphrase", "cross_language"), "Berezka keeps telling us the payment page shows stale prices — which tickets cover it and who is on them?", (convs(G, r"старые цены"), issues(G, r"устаревшие цены")), (("Dmitry", "Anna"), ("In Progress",)), (G,)),
    Q("h2_66", "ru", ("note_comment", "paraphrase"), "По каким задачам Берёзки клиент уже одобрил общий подход?", (issues(G, r"согласовал направление"),), (("DEV-22", "DEV-30", "DEV-54"),), (G,)),
    Q("h2_67", "en→ru", ("current_fact", "cross_language"), "Which deal does Dmitry Volkov own that is still at Lead?", (deal("552911ce"),), (("115000", "115 000", "115,000"),), (G,)),
    # ---------------------------------------------------------------- H: Maple & Finch
    Q("h2_68", "en", ("current_fact",), "Maple & Finch deal: what stage is it in and who owns it?", (deal("d11cb664"),), (("In Progress",), ("Mark",)), (H,)),
    Q("h2_69", "en", ("note_comment", "paraphrase"), "Maple & Finch: on which invoices did they ask for a month to pay?", (company("c0519263"),), (("9386",), ("8073",)), (H,)),
    Q("h2_70", "en", ("quote", "note_comment"), 'Maple & Finch "wants more design reviews" — what upsell did we note?', (company("c0519263"), deal("d11cb664")), (("design system",),), (H,)),
    Q("h2_71", "ru→en", ("note_comment", "cross_language"), "Maple & Finch: кому отправили предложение по дизайн-системе?", (company("c0519263"),), (("Ruby",),), (H,)),
    Q("h2_72", "en", ("current_fact",), "Mapel & Finch invoice #8020 — how much, and where is that conversation at?", (conv(38),), (("30000", "30 000", "30,000"), ("snoozed",)), (H,)),
    Q("h2_73", "en", ("two_source", "current_fact"), "Noah Turner says the Maple & Finch contact form won't submit in Safari — what's the status of the fix tickets?", (conv(38), conv(78), conv(83), issues(H, r"contact form")), (("Done", "In Progress"),), (H,)),
    Q("h2_74", "ru→en", ("current_fact", "cross_language"), "Maple & Finch: у кого задача по тексту cookie-баннера, которая ещё не закрыта?", (issue("DEV-6"),), (("DEV-6",), ("Dmitry",)), (H,)),
    Q("h2_75", "en", ("quote", "note_comment"), 'Maple & Finch pricing page illustration: which ticket says "Blocked until Maple & Finch sends the final copy"?', (issue("DES-26"),), (("DES-26",),), (H,)),
    Q("h2_76", "ru→en", ("current_fact", "cross_language"), "Maple & Finch: в какой переписке Noah Turner получил счёт на 11 500 USD и кто её ведёт?", (conv(83),), (("Anna",), ("6243",)), (H,)),
    # ---------------------------------------------------------------- studio-wide
    Q("h2_77", "en→ru", ("current_fact", "cross_language"), "Which deals are won right now, and for how much?", (("stage", "Won 🎉"),), (("117000", "117 000", "117,000"), ("49500", "49 500", "49,500")), ALL),
    Q("h2_78", "ru", ("current_fact",), "Какие сделки сейчас на этапе Proposal и на какие суммы?", (("stage", "Proposal"),), (("117500", "117 500", "117,500"), ("83500", "83 500", "83,500"), ("78500", "78 500", "78,500")), ALL),
]  # fmt: skip


build, load, dumps = handwritten.set_functions(QUESTIONS, SEED, MESSAGES, PATH)

if __name__ == "__main__":
    handwritten.write(PATH, dumps(build()))
