"""The tuning question set: 91 questions written by hand against sandbox seed `tuning` (2000 messages).

How it was made: every client's records of the seed (Chatwoot conversations with their public and private messages,
Linear issues with their comments, Attio companies and deals with their notes and current stage/amount/owner) were
dumped and read in full, then the questions were written the way a studio PM, head of delivery or owner would ask
them, without running any retriever, query mode or evaluation while writing. Relevant records are named by selectors
(see `rag.evaluation.handwritten`) and resolved against the seed by `build`; facts are the strings an extractive
answer quoting the right record's sentence or current fields contains; each question forbids its clients' private
notes. This is the set tuning looks at, question by question; the held-out set (`heldout.py`) is not.
"""
# ruff: noqa: E501

from pathlib import Path

from rag.evaluation import handwritten
from rag.evaluation.handwritten import SLICES, Q, company, conv, convs, deal, issue, issues  # noqa: F401

SEED, MESSAGES = "tuning", 2000
PATH = Path(__file__).with_name("tuning.json")

# Clients of seed `tuning`, by index: 0 Northwind Labs (northwind.example, London, marketing site), 1 Ромашка Диджитал
# (romashka.example, дизайн-система), 2 Blue Harbor Coffee (blueharbor.example, mobile app), 3 Greenleaf Dental
# (greenleaf.example, brand identity), 4 Северный Ветер (severniy-veter.example, лендинг), 5 Northwind Labs
# (northwind-group.example, Moscow, личный кабинет: the twin of 0), 6 Orbit Analytics (orbit.example, design system),
# 7 Полярная Звезда (polyarnaya-zvezda.example, фирменный стиль).
NW, ROMASHKA, BLUE, GREEN, SEVER, NW_GROUP, ORBIT, POLAR = range(8)
ALL = tuple(range(8))

# Deals by record id prefix (current stage, amount, owner).
NW_DEAL_4500 = "d211f1e4"  # In Progress, 4500 USD, Mark Ellis
NW_DEAL_4000 = "5c2706af"  # Negotiation, 4000 USD, James Carter
NW_DEAL_29500 = "d3e01732"  # Proposal, 29500 USD, Mark Ellis
ROMASHKA_DEAL_66500 = "18c9c965"  # Lead, 66500 EUR, Mark Ellis
ROMASHKA_DEAL_22500 = "195f5f36"  # Lead, 22500 EUR, Olga Smirnova
ROMASHKA_DEAL_37500 = "c6394464"  # Lead, 37500 EUR, Olga Smirnova
BLUE_DEAL_77500 = "61bf76ab"  # In Progress, 77500 USD, Dmitry Volkov
BLUE_DEAL_95000 = "45738cf1"  # Lead, 95000 USD, Anna Petrova
GREEN_DEAL_14500 = "3513c0c3"  # Lead, 14500 USD, Mark Ellis
GREEN_DEAL_28500 = "814401f2"  # Proposal, 28500 USD, Anna Petrova
SEVER_DEAL_95500 = "0a6071c5"  # Lead, 95500 EUR, Mark Ellis
SEVER_DEAL_4000 = "5fddc10c"  # Negotiation, 4000 EUR, Olga Smirnova
NWG_DEAL_55500 = "d25c1baf"  # Lead, 55500 USD, Dmitry Volkov
NWG_DEAL_10000 = "f89c1109"  # Lost, 10000 USD, Dmitry Volkov
NWG_DEAL_68000 = "90e937b4"  # In Progress, 68000 USD, Dmitry Volkov
ORBIT_DEAL_108000 = "bacf0f86"  # In Progress, 108000 USD, James Carter
ORBIT_DEAL_13500 = "220a7f76"  # Negotiation, 13500 USD, James Carter
ORBIT_DEAL_120000 = "aec5e6fb"  # In Progress, 120000 USD, Dmitry Volkov
POLAR_DEAL_28500 = "04810c7f"  # In Progress, 28500 EUR, Dmitry Volkov
POLAR_DEAL_40500 = "7f0e3c28"  # Won, 40500 EUR, Mark Ellis
POLAR_DEAL_78500 = "397654da"  # Negotiation, 78500 EUR, Anna Petrova
# Two deals nobody linked to a company: a Northwind Labs marketing site deal and a Ромашка deal whose notes speak of
# Northwind Labs (30-day terms on invoices #1945 and #6330, a marketing site proposal sent to Alice).
NW_DEAL_ORPHAN = "8332d8c6"  # Negotiation, 68000 USD, Dmitry Volkov
ROMASHKA_DEAL_ORPHAN = "3ff9042d"  # Lead, 57000 EUR, Mark Ellis
# Companies by record id prefix.
NW_CO, ROMASHKA_CO, BLUE_CO, GREEN_CO = "847ca497", "885c4123", "0c30e47c", "72ab4ce3"
SEVER_CO, NWG_CO, ORBIT_CO, POLAR_CO = "f3a413e4", "4ae3f864", "dcd6eda3", "748efe5f"

QUESTIONS = [
    # ---------------------------------------------------------------- Northwind Labs (northwind.example): marketing site
    Q("t01", "en", ("paraphrase", "two_source"), "Northwind Labs (northwind.example) keeps telling us their checkout shows last month's figures. Is there a ticket for it?", (convs(NW, r"checkout page shows the old prices"), issue("DES-34")), (("DES-34",),), (NW,)),
    Q("t02", "en", ("note_comment",), "Why was the Northwind checkout prices ticket DES-34 blocked for a while?", (issue("DES-34"),), (("final copy",),), (NW,)),
    Q("t03", "en", ("current_fact",), "Which stage is the 29,500 USD Northwind Labs marketing site deal in, and who owns it?", (deal(NW_DEAL_29500),), (("Proposal",), ("Mark",)), (NW,)),
    Q("t04", "ru→en", ("cross_language", "current_fact"), "Кто ведёт сделку Northwind Labs (northwind.example) по marketing site на 4 000 USD и на какой она стадии?", (deal(NW_DEAL_4000),), (("James",), ("Negotiation",)), (NW,)),
    Q("t05", "en", ("note_comment",), "On the 4,000 USD Northwind Labs marketing site deal, what budget and decision maker did the kick-off call note record?", (deal(NW_DEAL_4000),), (("87000", "87 000", "87,000"), ("Chloe",)), (NW,)),
    Q("t06", "en", ("note_comment",), "Which invoices did Northwind Labs (northwind.example) ask 30-day payment terms for?", (company(NW_CO), deal(NW_DEAL_29500), deal(NW_DEAL_ORPHAN), deal(ROMASHKA_DEAL_ORPHAN)), (("9016",), ("5593",)), (NW,)),
    Q("t07", "en", ("two_source", "quote", "current_fact"), "Northwind's legal team needs the cookie banner text changed before the marketing site launches. Is the ticket for it done?", (convs(NW, r"cookie banner text changed"), issue("DES-44")), (("Done",),), (NW,)),
    Q("t08", "en", ("paraphrase",), "The London Northwind people say the enquiry form on their site won't send from Apple's browser. What did we tell them?", (convs(NW, r"does not submit on Safari"),), (("fix is in review", "reproduced"),), (NW,)),
    Q("t09", "en", ("paraphrase", "two_source"), "Northwind Labs felt the top of their marketing homepage was too crowded. Which ticket covers the redesign and who has it?", (convs(NW, r"hero feels too busy"), issue("DEV-15")), (("DEV-15",), ("James",)), (NW,)),
    Q("t10", "en", ("note_comment",), "What did James find when he reproduced the problem on DEV-34?", (issue("DEV-34"),), (("polyfill",),), (NW,)),
    Q("t11", "en", ("quote",), "Invoice #6164 for the marketing site: how much is it and when is it due?", (conv(21),), (("18000", "18 000", "18,000"), ("14 days",)), (NW,)),
    Q("t12", "ru→en", ("cross_language", "current_fact"), "В каком статусе DES-2 (иллюстрация для страницы цен Northwind Labs, northwind.example) и кто исполнитель?", (issue("DES-2"),), (("Todo",), ("Anna", "Анна")), (NW,)),
    Q("t13", "ru→en", ("cross_language", "current_fact"), "Кто сейчас ведёт срочные открытые переписки с Кейт Кларк из Northwind Labs (northwind.example)?", (conv(52), conv(75)), (("Dmitry", "Mark", "Дмитрий", "Марк"),), (NW,)),
    # ---------------------------------------------------------------- Ромашка Диджитал: дизайн-система
    Q("t14", "ru", ("current_fact",), "В каком статусе DEV-28 у Ромашки и кто исполнитель?", (issue("DEV-28"),), (("In Progress",), ("Mark", "Марк")), (ROMASHKA,)),
    Q("t15", "ru", ("note_comment",), "Почему стоит DEV-28 по форме обратной связи Ромашки?", (issue("DEV-28"),), (("финальные тексты",),), (ROMASHKA,)),
    Q("t16", "ru", ("note_comment",), "Какой бюджет и какого ЛПР зафиксировали на стартовом созвоне по сделке Ромашки на 66 500 EUR?", (deal(ROMASHKA_DEAL_66500),), (("76000", "76 000", "76,000"), ("Kate",)), (ROMASHKA,)),
    Q("t17", "en→ru", ("cross_language", "current_fact"), "What stage is Romashka Digital's 37,500 EUR design-system deal at, and who owns it?", (deal(ROMASHKA_DEAL_37500),), (("Lead",), ("Olga",)), (ROMASHKA,)),
    Q("t18", "en→ru", ("cross_language", "two_source"), "Romashka Digital says the payment page is showing old prices again. Do we have a ticket for it?", (convs(ROMASHKA, r"старые цены"), issues(ROMASHKA, r"кэшируются цены")), (("OPS-4", "OPS-12", "DEV-5", "OPS-5", "DEV-42"),), (ROMASHKA,)),
    Q("t19", "ru", ("note_comment",), "Когда напомнить Ромашке про КП по сделке на 37 500 EUR?", (deal(ROMASHKA_DEAL_37500),), (("25.10", "09.11"),), (ROMASHKA,)),
    Q("t20", "ru", ("quote",), "Что Ромашка писала после того, как посмотрели вторую версию с директором?", (convs(ROMASHKA, r"вторую версию с директором"),), (("мобильных",),), (ROMASHKA,)),
    Q("t21", "ru", ("current_fact",), "Кому назначена отложенная (snoozed) переписка с Алексеем Кузнецовым из Ромашки?", (conv(33),), (("Anna", "Анна"),), (ROMASHKA,)),
    Q("t22", "en→ru", ("cross_language", "note_comment"), "What did Olga find on DES-27, Romashka's Safari form ticket?", (issue("DES-27"),), (("17.2",), ("полифил", "polyfill")), (ROMASHKA,)),
    Q("t23", "en→ru", ("cross_language", "paraphrase", "note_comment"), "On which Romashka tickets did the client sign off on the direction?", (issues(ROMASHKA, r"Клиент согласовал направление"),), (("DEV-5", "DES-27", "DES-52"),), (ROMASHKA,)),
    Q("t24", "ru", ("paraphrase", "two_source"), "Ромашка просила сделать шапку главной полегче. Есть задача и у кого она?", (convs(ROMASHKA, r"Первый экран перегружен"), issues(ROMASHKA, r"макет первого экрана")), (("Dmitry", "Дмитрий"),), (ROMASHKA,)),
    Q("t25", "ru", ("quote",), "«Счёт №4648 во вложении» — на какую сумму этот счёт Ромашке?", (conv(38),), (("12000", "12 000", "12,000"),), (ROMASHKA,)),
    Q("t26", "ru", ("paraphrase", "current_fact"), "Ромашке обещали выложить знак в векторе и растре. Это сделано?", (issue("DES-46"),), (("Done",),), (ROMASHKA,)),
    Q("t27", "en→ru", ("cross_language", "note_comment"), "What budgets did the Romashka kick-off calls on the company record mention?", (company(ROMASHKA_CO),), (("19000", "19 000", "19,000"), ("60000", "60 000", "60,000")), (ROMASHKA,)),
    # ---------------------------------------------------------------- Blue Harbor Coffee: mobile app
    Q("t28", "ru→en", ("cross_language", "current_fact"), "На какой стадии сделка Blue Harbor Coffee по мобильному приложению на 95 000 USD и кто её ведёт?", (deal(BLUE_DEAL_95000),), (("Lead",), ("Anna",)), (BLUE,)),
    Q("t29", "ru→en", ("cross_language", "note_comment"), "Кто принимает решение по сделке Blue Harbor Coffee, которая сейчас In Progress, и какой бюджет они назвали?", (deal(BLUE_DEAL_77500),), (("Noah",), ("73000", "73 000", "73,000")), (BLUE,)),
    Q("t30", "en", ("note_comment",), "When should we follow up with Blue Harbor Coffee about the mobile app proposals we sent?", (company(BLUE_CO),), (("04.12", "17.12"),), (BLUE,)),
    Q("t31", "en", ("paraphrase", "current_fact"), "Blue Harbor's checkout was showing stale prices. Did we ship the fix?", (issues(BLUE, r"checkout are cached"),), (("Done",),), (BLUE,)),
    Q("t32", "en", ("quote",), "Invoice #9160 for the Blue Harbor mobile app: what was the amount?", (conv(64),), (("24500", "24 500", "24,500"),), (BLUE,)),
    Q("t33", "en", ("paraphrase", "two_source"), "Blue Harbor Coffee's CEO looked at the second version and thinks the palette is wrong on phones. Where are the tickets for that?", (convs(BLUE, r"colours are off on mobile"), issues(BLUE, r"mobile colour review")), (("In Review", "Done"),), (BLUE,)),
    Q("t34", "en", ("paraphrase",), "Did we hand Blue Harbor the vector versions of their logo?", (convs(BLUE, r"Final logo files are uploaded"),), (("shared folder",),), (BLUE,)),
    Q("t35", "ru→en", ("cross_language", "note_comment"), "Какой бюджет назвали Blue Harbor Coffee на последнем стартовом созвоне в карточке компании и кто принимает решение?", (company(BLUE_CO),), (("64000", "64 000", "64,000"), ("Alice",)), (BLUE,)),
    Q("t36", "en", ("note_comment",), "Why was OPS-15 for Blue Harbor held up in October?", (issue("OPS-15"),), (("final copy",),), (BLUE,)),
    # ---------------------------------------------------------------- Greenleaf Dental: brand identity
    Q("t37", "ru→en", ("cross_language", "current_fact"), "На какой стадии сделка Greenleaf Dental по фирменному стилю на 28 500 USD?", (deal(GREEN_DEAL_28500),), (("Proposal",),), (GREEN,)),
    Q("t38", "en", ("note_comment",), "Who is the decision maker for Greenleaf Dental's 14,500 USD brand identity deal?", (deal(GREEN_DEAL_14500),), (("Mia", "Frank"),), (GREEN,)),
    Q("t39", "ru→en", ("cross_language", "note_comment"), "По какому счёту Greenleaf Dental просили отсрочку оплаты на 30 дней?", (company(GREEN_CO),), (("5282",),), (GREEN,)),
    Q("t40", "en", ("paraphrase", "current_fact"), "Did we ever publish a preview build for Greenleaf Dental to click through?", (issues(GREEN, r"staging deploy for review"),), (("Done",),), (GREEN,)),
    Q("t41", "en", ("note_comment",), "Why was DES-7 for Greenleaf Dental blocked?", (issue("DES-7"),), (("final copy",),), (GREEN,)),
    Q("t42", "en", ("paraphrase", "note_comment"), "Which Greenleaf Dental tickets were stuck waiting on them to send us their text?", (issues(GREEN, r"sends the final copy"),), (("DES-7", "DES-12", "DES-49"),), (GREEN,)),
    Q("t43", "en", ("paraphrase", "current_fact"), "Greenleaf wants one extra drawing for their prices page. Who is drawing it and where is it at?", (issue("DES-5"),), (("James",), ("In Progress",)), (GREEN,)),
    Q("t44", "ru→en", ("cross_language", "quote"), "Какой счёт Greenleaf Dental выставили 2 октября за brand identity и на какую сумму?", (conv(51),), (("7358",), ("19500", "19 500", "19,500")), (GREEN,)),
    Q("t45", "en", ("quote", "two_source"), "Greenleaf Dental wrote that the contact form on the brand identity does not submit on Safari. What's the ticket's state?", (convs(GREEN, r"does not submit on Safari"), issue("DES-20")), (("Backlog",),), (GREEN,)),
    # ---------------------------------------------------------------- Северный Ветер: лендинг
    Q("t46", "ru", ("current_fact",), "На какой стадии сделка Северного Ветра на 4000 EUR и кто ответственный?", (deal(SEVER_DEAL_4000),), (("Negotiation",), ("Olga", "Ольга")), (SEVER,)),
    Q("t47", "en→ru", ("cross_language", "note_comment"), "What budget did Severny Veter mention on the most recent kick-off call for the landing page, and who decides?", (deal(SEVER_DEAL_4000),), (("40000", "40 000", "40,000"), ("Tara",)), (SEVER,)),
    Q("t48", "ru", ("current_fact",), "В каком статусе DES-9 (форма в Safari у Северного Ветра) и кто исполнитель?", (issue("DES-9"),), (("In Progress",), ("Olga", "Ольга")), (SEVER,)),
    Q("t49", "ru", ("note_comment",), "Когда напомнить Северному Ветру про КП по лендингу?", (company(SEVER_CO), deal(SEVER_DEAL_95500)), (("15.09", "12.12"),), (SEVER,)),
    Q("t50", "en→ru", ("cross_language", "paraphrase"), "Severniy Veter asked whether the date for their landing page still stands. What did we answer?", (convs(SEVER, r"Срок [\d.]+ в силе"),), (("шаблон", "template"),), (SEVER,)),
    Q("t51", "ru", ("two_source", "quote"), "Северный Ветер просил финальные файлы логотипа в SVG и PNG — в каком статусе задача?", (convs(SEVER, r"финальные файлы логотипа Северный Ветер в SVG"), issue("DES-40")), (("In Progress",),), (SEVER,)),
    Q("t52", "ru", ("two_source", "quote"), "Северный Ветер писал, что форма обратной связи не отправляется в Safari. Что мы ответили и какая задача на это?", (convs(SEVER, r"форма обратной связи не отправляется"), issue("DES-9")), (("DES-9",),), (SEVER,)),
    Q("t53", "ru", ("quote",), "Северный Ветер спрашивал «Есть новости по тестовому стенду?». Что мы им ответили?", (convs(SEVER, r"Тестовый стенд обновлён"),), (("меню",),), (SEVER,)),
    Q("t54", "ru", ("paraphrase", "current_fact"), "Северный Ветер хотел, чтобы лендинг нормально смотрелся по цветам на телефонах. Эти задачи закрыты?", (issues(SEVER, r"палитру"),), (("Done",),), (SEVER,)),
    Q("t55", "ru", ("paraphrase", "current_fact"), "Северный Ветер просил шапку главной попроще и с меньшим количеством текста. Это сделали?", (issues(SEVER, r"первого экрана"),), (("Done",),), (SEVER,)),
    # ---------------------------------------------------------------- Northwind Labs (northwind-group.example): личный кабинет
    Q("t56", "en→ru", ("cross_language", "current_fact"), "What stage is the 68,000 USD client-portal deal of Northwind Labs (northwind-group.example) at, and who owns it?", (deal(NWG_DEAL_68000),), (("In Progress",), ("Dmitry",)), (NW_GROUP,)),
    Q("t57", "en", ("note_comment",), "Which invoices did the northwind-group.example Northwind Labs ask 30-day payment terms for?", (company(NWG_CO), deal(NWG_DEAL_10000)), (("1947", "7564", "3004", "5879"),), (NW_GROUP,)),
    Q("t58", "en", ("note_comment",), "Per the kick-off call, who is the decision maker at Northwind Labs for the личный кабинет, and what budget was discussed?", (deal(NWG_DEAL_68000),), (("Grace",), ("46000", "46 000", "46,000")), (NW_GROUP,)),
    Q("t59", "ru→en", ("cross_language", "current_fact"), "Кто делает DEV-48 (цвета на мобильных в личном кабинете Northwind Labs) и в каком она статусе?", (issue("DEV-48"),), (("Anna",), ("In Progress",)), (NW_GROUP,)),
    Q("t60", "en", ("note_comment",), "What's blocking DEV-48?", (issue("DEV-48"),), (("final copy",),), (NW_GROUP,)),
    Q("t61", "en", ("paraphrase",), "The northwind-group.example team can't get their enquiry form to send from Apple's browser. Which tickets are still open on that?", (issues(NW_GROUP, r"contact form does not submit"),), (("DEV-22", "DES-45", "DES-48", "DEV-25"),), (NW_GROUP,)),
    Q("t62", "en", ("quote",), "Kate Hughes wrote that they reviewed the личный кабинет with their CEO. What did she say was wrong?", (convs(NW_GROUP, r"with our CEO"),), (("colours are off on mobile",),), (NW_GROUP,)),
    Q("t63", "ru→en", ("cross_language", "two_source", "paraphrase"), "Northwind Labs из northwind-group жаловались, что при оформлении заказа показываются прошлые цены. Есть задача?", (convs(NW_GROUP, r"old prices"), issue("DES-43")), (("DES-43",),), (NW_GROUP,)),
    Q("t64", "en", ("paraphrase", "current_fact"), "Has the consent popup wording that Northwind Group's lawyers asked for been changed in the client portal yet?", (issues(NW_GROUP, r"cookie banner"),), (("Todo", "Backlog"),), (NW_GROUP,)),
    # ---------------------------------------------------------------- Orbit Analytics: design system
    Q("t65", "ru→en", ("cross_language", "current_fact"), "Какая сделка Orbit Analytics сейчас на стадии переговоров и на какую сумму?", (deal(ORBIT_DEAL_13500),), (("13500", "13 500", "13,500"),), (ORBIT,)),
    Q("t66", "en", ("note_comment",), "For the 108,000 USD Orbit deal, who got the proposal and when is the follow-up?", (deal(ORBIT_DEAL_108000),), (("Will",), ("18.10",)), (ORBIT,)),
    Q("t67", "en", ("note_comment",), "Why is DES-4, the Orbit logo exports, stuck?", (issue("DES-4"),), (("final copy",),), (ORBIT,)),
    Q("t68", "ru→en", ("cross_language", "current_fact"), "В каком статусе задачи Orbit Analytics по тексту cookie-баннера?", (issues(ORBIT, r"cookie banner"),), (("Backlog",), ("Done",)), (ORBIT,)),
    Q("t69", "en", ("paraphrase", "current_fact"), "Orbit wants one more drawing for their plans page in the hero's style. Has anyone picked it up?", (issue("DES-1"),), (("Todo",),), (ORBIT,)),
    Q("t70", "en", ("two_source", "quote"), "Orbit Analytics reported that the contact form does not submit on Safari. What did we reply, and which tickets are in review?", (convs(ORBIT, r"does not submit on Safari"), issue("DES-17"), issue("DES-30")), (("DES-17", "DES-30"),), (ORBIT,)),
    Q("t71", "en", ("quote",), "Invoice #2850 for the Orbit design system: what amount did we bill?", (convs(ORBIT, r"Invoice #2850 "),), (("26000", "26 000", "26,000"),), (ORBIT,)),
    Q("t72", "en", ("paraphrase", "current_fact"), "Orbit asked for their brand mark in vector and bitmap formats. Who's on it and how far along is it?", (issues(ORBIT, r"logo exports"),), (("James", "Olga"),), (ORBIT,)),
    Q("t73", "ru→en", ("cross_language", "current_fact"), "Кто ведёт сделку Orbit Analytics на 108 000 USD и на какой она стадии?", (deal(ORBIT_DEAL_108000),), (("James", "Джеймс"), ("In Progress",)), (ORBIT,)),
    Q("t74", "en", ("paraphrase", "two_source"), "Orbit's leadership liked the second version but says the colours look wrong on phones. Is that ticketed?", (convs(ORBIT, r"colours are off on mobile"), issue("DEV-6")), (("DEV-6",),), (ORBIT,)),
    # ---------------------------------------------------------------- Полярная Звезда: фирменный стиль
    Q("t75", "ru", ("current_fact",), "Какая сделка Полярной Звезды выиграна и на какую сумму?", (deal(POLAR_DEAL_40500),), (("40500", "40 500", "40,500"),), (POLAR,)),
    Q("t76", "en→ru", ("cross_language", "current_fact"), "Polyarnaya Zvezda's deal in negotiation: how much is it and whose is it?", (deal(POLAR_DEAL_78500),), (("78500", "78 500", "78,500"), ("Anna",)), (POLAR,)),
    Q("t77", "ru", ("note_comment",), "Какой бюджет называла Полярная Звезда на последнем стартовом созвоне по выигранной сделке и кто ЛПР?", (deal(POLAR_DEAL_40500),), (("30000", "30 000", "30,000"), ("Emma",)), (POLAR,)),
    Q("t78", "en→ru", ("cross_language", "note_comment"), "When do we need to remind Polar Star about the brand identity proposal?", (company(POLAR_CO),), (("26.10",),), (POLAR,)),
    Q("t79", "ru", ("current_fact",), "Кто сейчас делает DEV-50 по логотипу Полярной Звезды и в каком он статусе?", (issue("DEV-50"),), (("Mark", "Марк"), ("In Progress",)), (POLAR,)),
    Q("t80", "ru", ("note_comment",), "Почему DEV-20 (цвета на мобильных у Полярной Звезды) до сих пор в Todo?", (issue("DEV-20"),), (("финальные тексты",),), (POLAR,)),
    Q("t81", "ru", ("paraphrase", "note_comment"), "Какие задачи Полярной Звезды упёрлись в то, что клиент не прислал тексты?", (issues(POLAR, r"Ждём финальные тексты"),), (("DES-21", "DEV-20", "DEV-23", "DES-36", "DES-39", "DEV-31", "DEV-35"),), (POLAR,)),
    Q("t82", "ru", ("paraphrase",), "Полярная Звезда жалуется, что при оплате показываются прошлые цены. Кто этим занимается?", (issue("DEV-23"),), (("James", "Джеймс"),), (POLAR,)),
    Q("t83", "ru", ("quote",), "Что Полярная Звезда написала, когда «посмотрели вторую версию с директором»?", (convs(POLAR, r"вторую версию с директором"),), (("цвета",),), (POLAR,)),
    Q("t84", "en→ru", ("cross_language", "quote"), "We sent Polar Star invoice №6703. What was the amount on it?", (convs(POLAR, r"Счёт №6703 "),), (("29000", "29 000", "29,000"),), (POLAR,)),
    Q("t85", "ru", ("paraphrase", "current_fact"), "Полярная Звезда ждёт ссылку, где можно посмотреть текущую сборку. Кто её выкладывает?", (issues(POLAR, r"выкладка на тестовый стенд"),), (("Anna", "Dmitry", "Анна", "Дмитрий"),), (POLAR,)),
    Q("t86", "en→ru", ("cross_language", "current_fact"), "Which of Pavel Morozov's conversations with Polar Star is still open, and who has it?", (conv(13),), (("Dmitry",),), (POLAR,)),
    # ---------------------------------------------------------------- across the studio
    Q("t87", "ru", ("current_fact",), "Какие сделки сейчас в стадии переговоров (Negotiation)?", (("stage", "Negotiation"),), (("Northwind",), ("Orbit",), ("Северный", "Severn"), ("Полярн", "Polyarn", "Polar")), ALL),
    Q("t88", "ru", ("current_fact",), "Какие сделки сейчас на стадии Proposal?", (("stage", "Proposal"),), (("Northwind",), ("Greenleaf",)), ALL),
    Q("t89", "en→ru", ("current_fact", "cross_language"), "Which deals have we won so far?", (("stage", "Won 🎉"),), (("Полярн", "Polyarn", "Polar"),), ALL),
    Q("t90", "ru→en", ("current_fact", "cross_language"), "Какие сделки мы проиграли?", (("stage", "Lost"),), (("Northwind",), ("10000", "10 000", "10,000")), ALL),
    Q("t91", "en", ("note_comment",), "Which clients asked us for 30-day payment terms?", (company(NW_CO), deal(NW_DEAL_29500), deal(NW_DEAL_ORPHAN), deal(ROMASHKA_DEAL_ORPHAN), company(GREEN_CO), company(NWG_CO), deal(NWG_DEAL_10000)), (("Northwind",), ("Greenleaf",)), ALL),
]  # fmt: skip


build, load, dumps = handwritten.set_functions(QUESTIONS, SEED, MESSAGES, PATH)

if __name__ == "__main__":
    handwritten.write(PATH, dumps(build()))
