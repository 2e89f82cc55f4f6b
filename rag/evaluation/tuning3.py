"""The third tuning question set: 82 questions written by hand against sandbox seed `tuning3` (2000 messages).

How it was made: the seed's records were dumped with `sandbox.dataset.Dataset("tuning3", 2000)` — every client's
Chatwoot conversations with all public and private messages (author, message type, status, assignee), Linear issues
(title, description, state, assignee, priority, project, cycle, comments with authors), Attio companies (name,
domains) and deals (name, current stage, amount and currency, owner, linked company) with their notes — and read in
full. The questions were then written the way a studio PM, head of delivery or owner types into the ops tool's search
box, covering all eight clients plus a few studio-wide ones. The author read neither the other question sets, the
lexicon nor the retriever's code, and ran no retriever, query or evaluation while writing; only the selectors were
resolved against the dataset, and a separate script checked that every fact group appears in the public text or the
current fields of the question's relevant records (private notes never count).

This is a set to tune on, question by question: read a failing question, its relevant records and its facts side by
side. Facts are short strings as they appear in the records (amounts with their common spellings); an extractive
answer quoting the right record's sentence or current fields contains one string of every group.

    .venv/bin/python -m rag.evaluation.tuning3   # rewrites rag/evaluation/tuning3.json
"""
# ruff: noqa: E501

from pathlib import Path

from rag.evaluation import handwritten
from rag.evaluation.handwritten import SLICES, Q, company, conv, convs, deal, issue, issues  # noqa: F401

SEED, MESSAGES = "tuning3", 2000
PATH = Path(__file__).with_name("tuning3.json")

# Clients of seed `tuning3`, by index (name, domain, Linear project):
#   0 Northwind Labs      northwind.example        "Northwind Labs — marketing site"        (en; contact Liam / Liam Hayes)
#   1 Ромашка Диджитал    romashka.example         "Ромашка Диджитал — мобильное приложение" (ru; contact Иван Волков)
#   2 Blue Harbor Coffee  blueharbor.example       "Blue Harbor Coffee — mobile app"        (en; Tara Bennett, Tara Clarke)
#   3 Greenleaf Dental    greenleaf.example        "Greenleaf Dental — e-commerce storefront" (en; Isla Clarke, Will Clarke)
#   4 Северный Ветер      severniy-veter.example   "Северный Ветер — редизайн сайта"        (ru; contact Павел Лебедев)
#   5 Northwind Labs      northwind-group.example  "Northwind Labs — e-commerce storefront" (en; contact Grace Shaw) — same name as 0
#   6 Maple & Finch       maplefinch.example       "Maple & Finch — onboarding flow"        (en; contact Will Morgan)
#   7 Summit Legal        summitlegal.example      "Summit Legal — mobile app"              (en; Mia Bennett, Jack Doyle)
NW, ROM, BH, GL, SV, NWG, MF, SL = range(8)
ALL = tuple(range(8))
# Deals by record id prefix (current stage, amount, owner):
#   bd1a2768 Northwind Labs: marketing site (In Progress, 24000 USD, James Carter)          company 358eb7e6
#   4176c8a2 Northwind Labs: marketing site (Won 🎉, 54000 USD, Mark Ellis) — no company linked, notes of client 0
#   3698ef2e Ромашка: мобильное приложение (Negotiation, 13500 EUR, Mark Ellis)             company 81e51d07
#   24e8ae83 Ромашка: мобильное приложение (Lead, was Lost, 113000 EUR, Olga Smirnova)
#   66f9233e Ромашка: мобильное приложение (Lost, 48500 EUR, Olga Smirnova)
#   9656ccad Ромашка: мобильное приложение (Lead, 15500 EUR, Anna Petrova) — no company linked, notes about Northwind
#   e299f4ab Blue Harbor Coffee: mobile app (Lead, 101500 USD, Anna Petrova)                company e7268739
#   0747daba Blue Harbor Coffee: mobile app (Lead, 116000 USD, Anna Petrova)
#   14b22f79 Blue Harbor Coffee: mobile app (Lead, 6000 USD, James Carter)
#   f9521c56 Greenleaf Dental: e-commerce storefront (Proposal, 44500 USD, Anna Petrova)   company f8744565
#   7fd58e89 Greenleaf Dental: e-commerce storefront (Won 🎉, 7000 USD, Mark Ellis)
#   c4ef9018 Greenleaf Dental: e-commerce storefront (Won 🎉, 83500 USD, Mark Ellis)
#   f9a6081a Северный Ветер: редизайн сайта (In Progress, 95500 EUR, Mark Ellis)            company 935f90e8
#   a3833b1b Northwind Labs: e-commerce storefront (Lead, 80500 USD, Mark Ellis)            company 81cf1cfe (northwind-group)
#   fd91dd99 Maple & Finch: onboarding flow (In Progress, 56500 USD, Anna Petrova)          company 8d336920
#   aa4971f8 Maple & Finch: onboarding flow (Proposal, 16000 USD, James Carter)
#   691115ab Maple & Finch: onboarding flow (In Progress, 62000 USD, Olga Smirnova)
#   4ba19c68 Summit Legal: mobile app (Lost, 51000 USD, Mark Ellis)                         company 574f8c3c
#   37a38ded Summit Legal: mobile app (Lead, 72500 USD, Anna Petrova)
#   8319c972 Summit Legal: mobile app (Proposal, 65500 USD, Mark Ellis)
PAYMENT_TERMS = (
    deal("e299f4ab"),
    deal("0747daba"),
    deal("f9521c56"),
    deal("4176c8a2"),
    deal("fd91dd99"),
    deal("aa4971f8"),
    deal("4ba19c68"),
    deal("37a38ded"),
    deal("8319c972"),
    company("81cf1cfe"),
    company("8d336920"),
)

QUESTIONS = [
    # ---- 0 Northwind Labs (northwind.example, marketing site)
    Q("t01", "en", ("two_source", "current_fact"), "Northwind Labs (northwind.example, the marketing site) told us their contact form doesn't submit on Safari. Who fixed it in Linear, and is that ticket closed?", (convs(NW, r"does not submit on Safari"), issue("DEV-41")), (("Mark",), ("Done",)), (NW,)),
    Q("t02", "en", ("paraphrase", "note_comment"), "For the Northwind marketing site, back when Noah was the one who signs things off, roughly how much money were they prepared to put in?", (company("358eb7e6"),), (("23000", "23 000", "23,000"),), (NW,)),
    Q("t03", "en", ("current_fact", "two_source"), "Attio shows two deals called 'Northwind Labs: marketing site' — what stage is each one in and for what amount?", (deal("bd1a2768"), deal("4176c8a2")), (("In Progress",), ("Won",), ("24000", "24 000", "24,000"), ("54000", "54 000", "54,000")), (NW,)),
    Q("t04", "en", ("two_source", "current_fact"), "Liam from Northwind keeps writing that their checkout page shows the old prices again. Do we have a ticket for it — what state is it in and who did it?", (convs(NW, r"old prices"), issue("DEV-23")), (("Done",), ("Anna",)), (NW,)),
    Q("t05", "en", ("current_fact",), "northwind.example thread with invoice #8571 — is it still open, who owns it", (conv(63),), (("snoozed",), ("James",)), (NW,)),
    Q("t06", "ru→en", ("cross_language", "note_comment"), "Northwind Labs, маркетинговый сайт: кому отправили коммерческое предложение и на какую дату запланировано напоминание?", (company("358eb7e6"),), (("Ruby",), ("21.10",)), (NW,)),
    Q("t07", "en", ("quote", "note_comment", "current_fact"), "Someone commented \"Shared v5 with Northwind Labs, waiting for feedback\" on a marketing site ticket. Which ticket was that, and where does it stand now?", (issue("DES-8"),), (("DES-8",), ("In Progress",)), (NW,)),
    Q("t08", "en", ("current_fact",), "Northwind (northwind.example): which chat is in pending at the moment, and who is assigned to it?", (conv(60),), (("pending",), ("Mark",)), (NW,)),
    Q("t09", "ru→en", ("cross_language", "note_comment"), "По выигранной сделке «Northwind Labs: marketing site» клиент просил отсрочку оплаты на 30 дней — по какому счёту?", (deal("4176c8a2"),), (("4914",),), (NW,)),
    Q("t10", "en", ("note_comment", "paraphrase"), "On the Northwind marketing-site ticket for the Safari form bug, did anyone write down what's actually behind it?", (issue("DEV-41"),), (("polyfill",),), (NW,)),
    # ---- 1 Ромашка Диджитал (romashka.example, мобильное приложение)
    Q("t11", "ru", ("current_fact",), "Ромашка Диджитал: на какой стадии и на какую сумму сделка, которую ведёт Mark Ellis?", (deal("3698ef2e"),), (("Negotiation",), ("13500", "13 500", "13,500")), (ROM,)),
    Q("t12", "en→ru", ("cross_language", "note_comment"), "Romashka Digital kick-off where Henry was named the decision maker — what budget did they give, and by when is our proposal due?", (company("81e51d07"),), (("19000", "19 000", "19,000"), ("11.11",)), (ROM,)),
    Q("t13", "ru", ("current_fact",), "Кто сейчас отвечает за задачу с финальными файлами логотипа для Ромашки и в каком она статусе?", (issue("DEV-25"),), (("In Review",), ("Anna",)), (ROM,)),
    Q("t14", "ru", ("quote", "note_comment"), "В каких задачах по Ромашке в комментариях писали «Ждём финальные тексты от Ромашка Диджитал»?", (issues(ROM, r"Ждём финальные тексты"),), (("DES-48", "DEV-30", "DES-52"),), (ROM,)),
    Q("t15", "en→ru", ("cross_language", "two_source", "current_fact", "paraphrase"), "Ivan at Romashka says the page where people pay is showing last month's prices again. Did we ever open a ticket for that, and is it finished?", (convs(ROM, r"старые цены"), issue("DES-35")), (("Done",),), (ROM,)),
    Q("t16", "ru", ("current_fact", "paraphrase"), "У Ромашки была сделка на 113 000 евро, которую вроде бы упустили. Где она сейчас и кто за неё отвечает?", (deal("24e8ae83"),), (("Lead",), ("Olga",)), (ROM,)),
    Q("t17", "ru", ("note_comment", "paraphrase"), "Что мы записали после встречи раз в три месяца по проигранной сделке Ромашки на 48 500?", (deal("66f9233e"),), (("дизайн-ревью",),), (ROM,)),
    Q("t18", "ru", ("current_fact",), "Счёт №9726 для Ромашки — на какую сумму и закрыт ли уже этот диалог?", (conv(51),), (("18500", "18 500", "18,500"), ("resolved",)), (ROM,)),
    Q("t19", "en→ru", ("cross_language", "current_fact"), "romashka.example: which of Ivan's chats are still open, and who is assigned to each?", (conv(62), conv(68), conv(70)), (("Mark",), ("Anna",)), (ROM,)),
    Q("t20", "en→ru", ("cross_language", "note_comment"), "Romashka hero screen v5 — on the ticket Mark Ellis owns, what does the only comment say?", (issue("DEV-44"),), (("Safari 17.2", "полифил"),), (ROM,)),
    Q("t21", "ru", ("current_fact",), "Форма обратной связи в Safari у Ромашки — какие задачи по ней ещё не закрыты?", (issues(ROM, r"форма не отправляется"),), (("DEV-42",), ("Backlog",)), (ROM,)),
    Q("t22", "ru", ("current_fact",), "Счёт №4479 Ромашке — на какую сумму и кто ведёт этот диалог?", (conv(62),), (("16500", "16 500", "16,500"), ("Mark",)), (ROM,)),
    Q("t23", "ru", ("quote", "two_source", "current_fact"), "Иван пишет: «Посмотрели вторую версию с директором. В целом нравится, но на мобильных цвета не те». Что у нас по задачам на цвета для мобильных у Ромашки?", (convs(ROM, r"цвета не те"), issue("DES-9"), issue("DEV-13")), (("Done",),), (ROM,)),
    Q("t24", "ru", ("note_comment", "paraphrase"), "Ромашка: в сделке, где решение принимает Liam, сколько клиент готов был потратить и к какому числу ждали от нас предложение?", (deal("3698ef2e"),), (("11000", "11 000", "11,000"), ("02.12",)), (ROM,)),
    Q("t25", "ru", ("paraphrase", "current_fact"), "Ромашка: переделка того, что пользователь видит сразу при открытии приложения, — сколько задач на это сейчас в работе и у кого?", (issues(ROM, r"первого экрана"),), (("James",), ("Mark",), ("Olga",)), (ROM,)),
    # ---- 2 Blue Harbor Coffee (blueharbor.example, mobile app)
    Q("t26", "en", ("current_fact",), "Blue Harbor Coffee: which of their deals is the largest, and who owns it?", (deal("e299f4ab"), deal("0747daba"), deal("14b22f79")), (("116000", "116 000", "116,000"), ("Anna",)), (BH,)),
    Q("t27", "en", ("note_comment",), "Which Blue Harbor invoices did they ask to put on 30-day payment terms?", (deal("e299f4ab"), deal("0747daba")), (("7564",), ("8008",)), (BH,)),
    Q("t28", "ru→en", ("cross_language", "two_source", "current_fact"), "Blue Harbor Coffee в чате спрашивают, что там со ссылкой на стейджинг. Выложили ли сборку мобильного приложения на стейджинг по задаче в Linear, и кто это делал?", (convs(BH, r"staging link"), issue("DEV-29")), (("Done",), ("Mark",)), (BH,)),
    Q("t29", "en", ("paraphrase", "current_fact"), "Blue Harbor: the job of fixing how the app's colours look on little phone displays — who is on it and how far along is it?", (issue("DEV-51"),), (("In Progress",), ("Anna",)), (BH,)),
    Q("t30", "en", ("note_comment", "paraphrase"), "At Blue Harbor, who had the final say on the call where they were only talking about ~6k?", (deal("14b22f79"),), (("Grace",),), (BH,)),
    Q("t31", "ru→en", ("cross_language", "current_fact"), "Диалог с Tara Clarke из Blue Harbor, где мы выставили счёт #9873, — какой у него статус и кто его ведёт?", (conv(14),), (("snoozed",), ("Olga",)), (BH,)),
    Q("t32", "en", ("quote", "note_comment", "current_fact"), "Blue Harbor logo exports: Mark commented \"Blocked until Blue Harbor Coffee sends the final copy\". What state is that ticket in now?", (issue("DES-56"),), (("Done",),), (BH,)),
    Q("t33", "en", ("paraphrase", "two_source", "current_fact"), "Blue Harbor Coffee's Tara says the enquiry form in their app won't go through in Apple's browser. Which of our tickets on that is already in review, and with whom?", (convs(BH, r"does not submit on Safari"), issues(BH, r"Safari")), (("DES-53",), ("Olga",)), (BH,)),
    Q("t34", "en", ("note_comment", "paraphrase"), "When were we meant to chase Kate at Blue Harbor about our pitch for the app?", (company("e7268739"),), (("06.09",),), (BH,)),
    # ---- 3 Greenleaf Dental (greenleaf.example, e-commerce storefront)
    Q("t35", "en", ("two_source", "current_fact"), "Greenleaf Dental keep saying in chat that the checkout shows old prices. What happened to the Linear tickets for it?", (convs(GL, r"old prices"), issue("DES-21"), issue("DES-36")), (("Done",),), (GL,)),
    Q("t36", "en", ("current_fact", "two_source"), "Greenleaf Dental — which deals have we won, and for how much?", (deal("7fd58e89"), deal("c4ef9018")), (("7000", "7 000", "7,000"), ("83500", "83 500", "83,500")), (GL,)),
    Q("t37", "en", ("note_comment", "paraphrase"), "Greenleaf — the offer document that went to Kate: when are we supposed to get back to her?", (deal("c4ef9018"),), (("02.10",),), (GL,)),
    Q("t38", "en", ("current_fact",), "greenlaef dental logo export ticket - who has it and what state", (issue("DEV-16"),), (("In Review",), ("Mark",)), (GL,)),
    Q("t39", "ru→en", ("cross_language", "note_comment", "paraphrase"), "Greenleaf Dental: задача про цвета на маленьких экранах, которая в работе у Марка, — почему она стоит, что написали в комментарии?", (issue("DES-1"),), (("final copy",),), (GL,)),
    Q("t40", "en", ("current_fact",), "How many Greenleaf conversations are open right now, and who is assigned to them?", (conv(4), conv(47), conv(57), conv(58)), (("Olga",), ("Mark",)), (GL,)),
    Q("t41", "en", ("note_comment", "current_fact"), "Greenleaf asked for 30-day payment terms on one invoice — which invoice, and what stage and amount is that deal at?", (deal("f9521c56"),), (("2261",), ("Proposal",), ("44500", "44 500", "44,500")), (GL,)),
    Q("t42", "ru→en", ("cross_language", "current_fact"), "Greenleaf Dental: задачу про форму обратной связи в Safari закрыли? Кто её делал?", (issue("OPS-12"),), (("Done",), ("Mark",)), (GL,)),
    # ---- 4 Северный Ветер (severniy-veter.example, редизайн сайта)
    Q("t43", "en→ru", ("cross_language", "current_fact"), "Severny Veter website redesign deal — current stage, value and owner?", (deal("f9a6081a"),), (("In Progress",), ("95500", "95 500", "95,500"), ("Mark",)), (SV,)),
    Q("t44", "ru", ("note_comment", "paraphrase"), "Северный Ветер: по сделке — когда надо пнуть клиента насчёт нашего предложения?", (deal("f9a6081a"),), (("21.11",),), (SV,)),
    Q("t45", "ru", ("two_source", "current_fact"), "Павел из Северного Ветра опять пишет, что на странице оплаты старые цены. Есть задача в Linear? Кто её ведёт и в каком она статусе?", (convs(SV, r"старые цены"), issue("DEV-20")), (("Todo",), ("James",)), (SV,)),
    Q("t46", "en→ru", ("cross_language", "current_fact"), "Pavel at severniy-veter.example got invoice 9316 from us — for how much, and what's the status of that chat?", (conv(67),), (("24000", "24 000", "24,000"), ("snoozed",)), (SV,)),
    Q("t47", "ru", ("quote", "note_comment", "current_fact"), "В какой задаче Северного Ветра писали «Отправили v5 клиенту» и закрыта ли она?", (issue("DEV-37"),), (("DEV-37",), ("Done",)), (SV,)),
    Q("t48", "en→ru", ("cross_language", "paraphrase", "current_fact"), "Severny Veter: of the tickets about fixing how the site's colours look on phones, which ones are still unfinished?", (issues(SV, r"палитру"),), (("DES-34",), ("DES-41",), ("DEV-47",), ("OPS-10",)), (SV,)),
    Q("t49", "ru", ("note_comment", "paraphrase"), "Северный Ветер: сколько денег клиент был готов потратить, когда решения у них принимал Noah?", (company("935f90e8"),), (("48000", "48 000", "48,000"),), (SV,)),
    Q("t50", "ru", ("current_fact",), "С Павлом Лебедевым из Северного Ветра — какой диалог сейчас открыт и кто его ведёт?", (conv(45),), (("James",),), (SV,)),
    Q("t51", "en→ru", ("cross_language", "note_comment", "paraphrase"), "Severny Veter: the ticket about their feedback form on Safari that's waiting for review — any hint in the comments about the cause?", (issue("DES-25"),), (("Safari 17.2", "полифил"),), (SV,)),
    Q("t52", "en→ru", ("cross_language", "two_source", "current_fact"), "Severny Veter's Pavel keeps asking for the final logo files in SVG and PNG — have the logo tasks in Linear been closed?", (convs(SV, r"логотипа"), issue("DES-22"), issue("DEV-31")), (("Done",),), (SV,)),
    Q("t53", "ru", ("note_comment", "current_fact"), "Северный Ветер — задача на выкладку на тестовый стенд, которая лежит в бэклоге: кто исполнитель и что написали последним в комментариях?", (issue("DEV-8"),), (("Olga",), ("Исправлено в последней сборке",)), (SV,)),
    Q("t54", "ru", ("note_comment",), "Северный Ветер: на созвоне, где ЛПР была Chloe, какой бюджет называли и до какого числа обещали КП?", (company("935f90e8"),), (("14000", "14 000", "14,000"), ("02.12",)), (SV,)),
    Q("t55", "ru", ("current_fact",), "Задачи по макету первого экрана у Северного Ветра — у кого они и есть ли уже закрытые?", (issues(SV, r"первого экрана"),), (("Mark",), ("OPS-8",)), (SV,)),
    Q("t56", "ru", ("note_comment", "current_fact"), "Северный Ветер, задача DES-43 про Safari — почему её отменили, что в комментариях?", (issue("DES-43"),), (("Canceled",), ("Исправлено в последней сборке",)), (SV,)),
    Q("t57", "ru", ("quote", "current_fact"), "Кто писал «Перенесите, пожалуйста, созвон на 27.12» и в каком статусе этот диалог?", (conv(67),), (("Северный Ветер", "Павел"), ("snoozed",)), (SV,)),
    # ---- 5 Northwind Labs (northwind-group.example, e-commerce storefront)
    Q("t58", "en", ("two_source", "current_fact"), "northwind-group.example says the contact form won't submit on Safari — has someone picked up the ticket, and what state is it in?", (convs(NWG, r"does not submit on Safari"), issue("DES-12")), (("Anna",), ("Todo",)), (NWG,)),
    Q("t59", "en", ("current_fact",), "Northwind Labs e-commerce storefront deal: what stage, and how much is it worth?", (deal("a3833b1b"),), (("Lead",), ("80500", "80 500", "80,500")), (NWG,)),
    Q("t60", "en", ("note_comment",), "northwind-group: which invoices did they want 30-day payment terms on?", (company("81cf1cfe"),), (("6095",), ("9449",)), (NWG,)),
    Q("t61", "ru→en", ("cross_language", "note_comment"), "Northwind Labs (который northwind-group, интернет-магазин): кого называли ЛПР и какой бюджет на стартовых созвонах по сделке?", (deal("a3833b1b"),), (("Henry", "Daniel"), ("27000", "27 000", "27,000", "79000", "79 000", "79,000")), (NWG,)),
    Q("t62", "en", ("current_fact",), "Grace Shaw's conversations — which ones are still open, and who has them?", (conv(3), conv(39), conv(42)), (("James",), ("Anna",)), (NWG,)),
    Q("t63", "en", ("paraphrase", "current_fact"), "The other Northwind, the group one: did we ever sort out the bug where the pay-now step showed stale costs?", (issue("OPS-4"),), (("Done",),), (NWG,)),
    # ---- 6 Maple & Finch (maplefinch.example, onboarding flow)
    Q("t64", "en", ("current_fact",), "Maple & Finch deals — give me the stage, value and owner of each.", (deal("fd91dd99"), deal("aa4971f8"), deal("691115ab")), (("56500", "56 500", "56,500"), ("16000", "16 000", "16,000"), ("62000", "62 000", "62,000"), ("Proposal",)), (MF,)),
    Q("t65", "en", ("note_comment",), "Which Maple & Finch invoices came up with 30-day payment terms?", (company("8d336920"), deal("fd91dd99"), deal("aa4971f8")), (("2294", "7889", "3712", "8567"),), (MF,)),
    Q("t66", "en", ("two_source", "current_fact"), "Will Morgan says Maple & Finch's legal team needs the cookie banner text changed before launch. Did the Linear ticket for the banner copy go anywhere?", (convs(MF, r"cookie banner"), issue("DEV-10")), (("Canceled",),), (MF,)),
    Q("t67", "ru→en", ("cross_language", "current_fact"), "Maple & Finch — задача по финальным файлам логотипа: в каком статусе и кто исполнитель?", (issue("DES-26"),), (("Backlog",), ("Olga",)), (MF,)),
    Q("t68", "en", ("paraphrase", "current_fact"), "Maple & Finch onboarding: someone is drawing one more picture for the page that lists what things cost — who's doing it, and is it being reviewed yet?", (issue("DES-51"), issue("DEV-7")), (("James",), ("In Review",)), (MF,)),
    Q("t69", "ru→en", ("cross_language", "quote", "current_fact"), "Кто в Maple & Finch писал «Hello Mark, any update on the staging link?» и какой сейчас статус у этого диалога?", (conv(5),), (("Will",), ("open",)), (MF,)),
    Q("t70", "en", ("note_comment", "paraphrase"), "Maple & Finch — who got our written offer for the onboarding work, and when should we ping them again?", (company("8d336920"),), (("Grace",), ("23.09",)), (MF,)),
    # ---- 7 Summit Legal (summitlegal.example, mobile app)
    Q("t71", "en", ("two_source", "note_comment", "current_fact"), "Summit Legal's legal team wants the cookie banner wording changed before launch. What's the state of our ticket, and what did the latest comment say?", (convs(SL, r"cookie banner"), issue("OPS-6")), (("Todo",), ("approved the direction",)), (SL,)),
    Q("t72", "en", ("current_fact", "paraphrase"), "Which Summit Legal opportunity slipped away from us, what was it worth and whose was it?", (deal("4ba19c68"),), (("51000", "51 000", "51,000"), ("Mark",)), (SL,)),
    Q("t73", "ru→en", ("cross_language", "note_comment"), "Summit Legal: какой бюджет и кто ЛПР по итогам стартовых созвонов?", (company("574f8c3c"), deal("37a38ded")), (("76000", "76 000", "76,000", "38000", "38 000", "38,000"), ("Will", "Frank")), (SL,)),
    Q("t74", "en", ("current_fact",), "summit legal safari contact form ticket — assignee and priority?", (issue("DES-47"),), (("James",), ("High",)), (SL,)),
    Q("t75", "en", ("paraphrase", "current_fact"), "Who on our side is actually looking after Summit Legal's chats? It feels like half of them have nobody on them.", (convs(SL, r"."),), (("Olga",), ("Mark",)), (SL,)),
    Q("t76", "en", ("current_fact",), "Sumit Legal invoice 7293 — how much was it and is that thread still open?", (conv(55),), (("25500", "25 500", "25,500"), ("open",)), (SL,)),
    Q("t77", "en", ("quote", "note_comment", "current_fact"), "Summit Legal staging deploy: Anna wrote \"Blocked until Summit Legal sends the final copy\" — is it still stuck, or has it moved on?", (issue("DEV-11"),), (("approved the direction",), ("In Progress",)), (SL,)),
    Q("t78", "en", ("note_comment", "paraphrase"), "Summit Legal mobile app pitch — who at the client got it, and when do we nudge them?", (company("574f8c3c"),), (("Grace",), ("23.11",)), (SL,)),
    # ---- studio-wide
    Q("t79", "en→ru", ("cross_language", "current_fact"), "Which deals are in Negotiation right now, how big are they and who owns them?", (("stage", "Negotiation"),), (("Ромашка",), ("13500", "13 500", "13,500"), ("Mark",)), ALL),
    Q("t80", "en", ("current_fact",), "List every deal we've won so far, with the amounts.", (("stage", "Won 🎉"),), (("54000", "54 000", "54,000"), ("7000", "7 000", "7,000"), ("83500", "83 500", "83,500")), ALL),
    Q("t81", "ru→en", ("cross_language", "current_fact"), "Какие сделки сейчас на стадии Proposal и на какие суммы?", (("stage", "Proposal"),), (("44500", "44 500", "44,500"), ("16000", "16 000", "16,000"), ("65500", "65 500", "65,500")), ALL),
    Q("t82", "en", ("paraphrase", "note_comment"), "Which clients have asked to pay us a month after the invoice rather than straight away?", PAYMENT_TERMS, (("Blue Harbor",), ("Greenleaf",), ("Maple & Finch",), ("Summit Legal",), ("Northwind",)), ALL),
]  # fmt: skip


build, load, dumps = handwritten.set_functions(QUESTIONS, SEED, MESSAGES, PATH)

if __name__ == "__main__":
    handwritten.write(PATH, dumps(build()))
