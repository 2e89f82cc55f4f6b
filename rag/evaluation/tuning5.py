"""The fifth tuning question set: 83 hand-written questions over sandbox seed `tuning5` with 2000 messages.

This is a set to tune on, question by question: read a failing question, its relevant records and its facts side by
side.

How it was made: every record of the seed was dumped to scratch files outside the repository (clients with domains,
Linear projects and contacts; every Chatwoot conversation with all its messages, public and private, with author,
message type, status and assignee; every Linear issue with identifier, title, description, state, assignee, priority,
cycle, due date and comments with authors; every Attio company with domains and notes; every deal with its current
stage, amount and currency, owner, linked company and notes) and read in full. The questions were then written the way
a studio PM, head of delivery or owner types them into the search box: short and long, some with typos, in English
and in Russian, some in the other language than the records. The author read only `sandbox/` (the data generator),
`rag/evaluation/handwritten.py` and the dumped data; no other file under `rag/`, no other question set, no evaluation
docs or scripts were opened, and no retriever, query, evaluation, test suite, management command or git command was
run. A scratch script checked that every selector resolves (`build()` runs) and that every fact group has a string
occurring in the public text or the current fields of at least one relevant record, private Chatwoot notes excluded.

    .venv/bin/python -m rag.evaluation.tuning5   # rewrites rag/evaluation/tuning5.json
"""
# ruff: noqa: E501

from pathlib import Path

from rag.evaluation import handwritten
from rag.evaluation.handwritten import SLICES, Q, company, conv, convs, deal, issue, issues  # noqa: F401

SEED, MESSAGES = "tuning5", 2000
PATH = Path(__file__).with_name("tuning5.json")

# Clients of seed `tuning5`, by index (name, domain, Linear project, language, contacts):
#   0 NW   Northwind Labs, northwind.example, "Northwind Labs — marketing site", en, Mia Doyle, Henry Bennett ("Henry"), Henry Hayes
#   1 ROM  Ромашка Диджитал, romashka.example, "Ромашка Диджитал — личный кабинет", ru, Михаил Попов
#   2 BH   Blue Harbor Coffee, blueharbor.example, "Blue Harbor Coffee — mobile app", en, Grace Shaw, Chloe Doyle, Tara Hayes
#   3 GL   Greenleaf Dental, greenleaf.example, "Greenleaf Dental — e-commerce storefront", en, Grace Hayes, Sam Foster
#   4 SV   Северный Ветер, severniy-veter.example, "Северный Ветер — дизайн-система", ru, Иван Кузнецов, Павел Орлов, Ольга Волкова
#   5 NWG  Northwind Labs (the namesake), northwind-group.example, "Northwind Labs — website redesign", en, Daniel Bennett, Chloe Clarke, Isla Turner
#   6 MF   Maple & Finch, maplefinch.example, "Maple & Finch — onboarding flow", en, Kate Walker, Sam Turner
#   7 SL   Summit Legal, summitlegal.example, "Summit Legal — landing page", en, Chloe Hughes, Liam Hughes, Emma Hayes
NW, ROM, BH, GL, SV, NWG, MF, SL = range(8)
ALL = tuple(range(8))
# Companies by record id prefix: e0147990 NW, d255b546 ROM, db39317b BH, 5f9e6005 GL, aa1023cb SV, 804cbe81 NWG,
#   7c5567c7 MF, 9e42d660 SL.
# Deals by record id prefix (current stage, amount, owner, company):
#   151157b4 Lost 59000 USD James Carter NW; 6c4487f8 In Progress 5000 USD Olga Smirnova NW;
#   96b1c3f3 Negotiation 84000 USD James Carter, no company ("Northwind Labs: marketing site", NW);
#   9b96f0b3 Won 🎉 10500 EUR Mark Ellis ROM; 10e90883 Lead 29000 EUR Olga Smirnova, no company (ROM, its notes are about Northwind Labs);
#   e60b442f In Progress 67500 USD Mark Ellis BH; e9fd6f55 Lead 5500 USD Mark Ellis GL;
#   4a402e06 Lead 67500 EUR Mark Ellis SV; 46bc1fcb In Progress 73000 EUR Olga Smirnova SV;
#   c5d87cf8 Lead 19500 USD Olga Smirnova NWG; baef4744 Lead 87000 USD James Carter NWG; 139af0a5 Lost 23000 USD Mark Ellis NWG;
#   fa634e82 Lead 89000 USD Anna Petrova MF;
#   5d97289f Proposal 113500 USD Mark Ellis SL; 405ad84a In Progress 58500 USD James Carter SL; acae5870 In Progress 8000 USD Mark Ellis SL.

QUESTIONS = [
    # ---- 0 Northwind Labs (northwind.example), marketing site
    Q("v01", "en", ("current_fact",), "northwind.example — the marketing site deal that isn't attached to any company record, what stage is it in and who owns it?", (deal("96b1c3f3"),), (("Negotiation",), ("James Carter",)), (NW,)),
    Q("v02", "en", ("current_fact",), "did we lose a Northwind Labs marketing site deal? how much was it", (deal("151157b4"),), (("Lost",), ("59000", "59 000", "59,000")), (NW,)),
    Q("v03", "en", ("note_comment",), "What budget and decision maker came out of the kick-off logged on the Northwind Labs company (northwind.example domain)?", (company("e0147990"),), (("14000", "14 000", "14,000"), ("Jack",)), (NW,)),
    Q("v04", "en", ("note_comment", "paraphrase"), "northwind.example wanted a month to pay on a couple of invoices — which invoice numbers were those?", (company("e0147990"),), (("2425",), ("1711",)), (NW,)),
    Q("v05", "en", ("two_source", "current_fact"), "Henry Hayes said the contact form on the marketing site wont submit in safari. is there a linear ticket and whats its state", (conv(16), issues(NW, r"fix contact form on Safari")), (("Backlog", "Todo", "Done"),), (NW,)),
    Q("v06", "en", ("note_comment", "paraphrase"), "Has the Northwind marketing site client signed off on where we're going with the small-screen palette?", (issue("DES-53"),), (("approved the direction",),), (NW,)),
    Q("v07", "en", ("note_comment", "paraphrase", "current_fact"), "whats holding up the cookie notice wording for the Northwind marketing site, and is that ticket still in review?", (issue("DEV-48"),), (("final copy",), ("In Review",)), (NW,)),
    Q("v08", "ru→en", ("cross_language",), "Northwind (northwind.example) — на какую сумму был счёт 2189?", (conv(65),), (("21500", "21 500", "21,500"),), (NW,)),
    Q("v09", "en", ("two_source", "paraphrase", "current_fact"), "Henry says the marketing site checkout is displaying stale prices again — who has the urgent ticket for that?", (convs(NW, r"old prices"), issue("DES-45")), (("James Carter",),), (NW,)),
    Q("v10", "en", ("note_comment", "paraphrase"), "What did Northwind Labs tell us at the quarterly review about the marketing site — are they happy?", (deal("96b1c3f3"),), (("delivery speed",), ("design reviews",)), (NW,)),
    Q("v11", "en", ("current_fact",), "who's handling the Northwind convo where invoice #6070 went out, and is it still open?", (conv(72),), (("Anna Petrova", "Anna"), ("open",)), (NW,)),
    Q("v12", "en", ("paraphrase",), "did Mia Doyle ever ask to push our review call? to which day", (conv(3),), (("Thursday",),), (NW,)),
    Q("v13", "en", ("quote", "current_fact"), "who told Mia Doyle \"we reproduced the Safari bug and a fix is in review\"?", (conv(3),), (("Olga Smirnova", "Olga"),), (NW,)),
    # ---- 1 Ромашка Диджитал, личный кабинет
    Q("v14", "en→ru", ("cross_language", "current_fact"), "did we win the Romashka Digital deal? how much was it worth", (deal("9b96f0b3"),), (("Won",), ("10500", "10 500", "10,500")), (ROM,)),
    Q("v15", "ru", ("current_fact",), "У Ромашки есть сделка без привязки к компании — кто её владелец и на какой она стадии?", (deal("10e90883"),), (("Olga Smirnova",), ("Lead",)), (ROM,)),
    Q("v16", "ru", ("note_comment",), "Какой бюджет называли на стартовом созвоне с Ромашкой, где ЛПР был Jack?", (company("d255b546"),), (("72000", "72 000", "72,000"),), (ROM,)),
    Q("v17", "en→ru", ("cross_language", "current_fact"), "Romashka invoice 2552 – amount and who sent it?", (conv(74),), (("23000", "23 000", "23,000"), ("James Carter", "James")), (ROM,)),
    Q("v18", "ru", ("current_fact",), "Переписка с Михаилом Поповым, где был счёт №2855 — какой у неё сейчас статус и на ком она?", (conv(74),), (("snoozed",), ("James Carter",)), (ROM,)),
    Q("v19", "en→ru", ("cross_language", "two_source", "paraphrase", "current_fact"), "romashka says their payment page is showing last season's prices again. did we ever fix that in linear?", (convs(ROM, r"старые цены"), issues(ROM, r"устаревшие цены")), (("Done",),), (ROM,)),
    Q("v20", "en→ru", ("cross_language", "note_comment", "paraphrase"), "what are we still waiting to get from Romashka for the first-screen mockup v3?", (issue("DES-41"),), (("финальные тексты",),), (ROM,)),
    Q("v21", "ru", ("current_fact",), "Кто сейчас делает финальные файлы логотипа для Ромашки по DES-48 и в каком она статусе?", (issue("DES-48"),), (("Olga Smirnova",), ("In Progress",)), (ROM,)),
    Q("v22", "ru", ("note_comment", "paraphrase"), "Что Ромашка Диджитал сказала на квартальной встрече: чем довольны и чего хотят больше?", (deal("9b96f0b3"),), (("скоростью",), ("дизайн-ревью",)), (ROM,)),
    Q("v23", "ru", ("quote",), "«Счёт №4246 во вложении» — это Ромашке уходило? на какую сумму?", (conv(10),), (("22500", "22 500", "22,500"),), (ROM,)),
    Q("v24", "ru", ("paraphrase",), "К какому числу Михаил обещал, что деньги по счёту 6283 придут?", (conv(73),), (("25.12",),), (ROM,)),
    # ---- 2 Blue Harbor Coffee, mobile app
    Q("v25", "ru→en", ("cross_language", "current_fact"), "Сколько стоит сделка Blue Harbor Coffee и на какой она стадии?", (deal("e60b442f"),), (("In Progress",), ("67500", "67 500", "67,500")), (BH,)),
    Q("v26", "en", ("note_comment", "paraphrase"), "blue harbour wanted an extra month to pay one of our invoices - which one?", (deal("e60b442f"),), (("1495",),), (BH,)),
    Q("v27", "en", ("note_comment",), "Who at Blue Harbor got the mobile app proposal most recently and when do we follow up?", (company("db39317b"),), (("Will",), ("09.11",)), (BH,)),
    Q("v28", "en", ("current_fact",), "chloe doyle's thread with invoice 9391 — open or snoozed? who's on it", (conv(55),), (("snoozed",), ("Anna Petrova", "Anna")), (BH,)),
    Q("v29", "en", ("two_source", "paraphrase", "current_fact"), "Blue Harbor keep telling us checkout is charging the previous prices. where are the linear issues on that?", (convs(BH, r"old prices"), issues(BH, r"outdated prices")), (("In Progress", "Done"),), (BH,)),
    Q("v30", "ru→en", ("cross_language", "note_comment", "paraphrase"), "Почему застрял макет первого экрана v3 для Blue Harbor, чего ждём?", (issue("OPS-6"),), (("final copy",),), (BH,)),
    Q("v31", "en", ("note_comment",), "which version of the logo exports did we last share with Blue Harbor Coffee?", (issue("DES-38"),), (("v4",),), (BH,)),
    Q("v32", "en", ("quote",), "blue harbor invoice #4464 how much", (conv(31),), (("27000", "27 000", "27,000"),), (BH,)),
    Q("v33", "en", ("two_source", "paraphrase", "current_fact"), "Tara wanted the final logo in svg/png for Blue Harbor — did we ever hand them over, and what does Linear say?", (convs(BH, r"Final logo files are uploaded"), issues(BH, r"export final logo files")), (("shared folder",), ("Done", "In Review")), (BH,)),
    # ---- 3 Greenleaf Dental, e-commerce storefront
    Q("v34", "en", ("current_fact",), "greenleaf dental deal — what stage is it at now? wasnt it in progress back in july", (deal("e9fd6f55"),), (("Lead",), ("5500", "5 500", "5,500")), (GL,)),
    Q("v35", "en", ("note_comment",), "Who's the decision maker at Greenleaf according to the September kick-off, and what budget did they give?", (company("5f9e6005"),), (("Daniel",), ("59000", "59 000", "59,000")), (GL,)),
    Q("v36", "ru→en", ("cross_language", "note_comment", "paraphrase"), "Greenleaf Dental просили отсрочку оплаты на 30 дней — по какому счёту?", (company("5f9e6005"),), (("8218",),), (GL,)),
    Q("v37", "en", ("current_fact",), "greenleaf — grace hayes' thread about the cookie banner text: who is assigned and is it snoozed?", (conv(6),), (("Mark Ellis", "Mark"), ("snoozed",)), (GL,)),
    Q("v38", "en", ("two_source", "paraphrase", "current_fact"), "Sam Foster says the storefront enquiry form won't send in Safari — who is on the fix right now?", (convs(GL, r"does not submit on Safari"), issues(GL, r"fix contact form on Safari")), (("Olga Smirnova", "Mark Ellis"),), (GL,)),
    Q("v39", "en", ("current_fact", "note_comment", "paraphrase"), "did we kill the greenleaf ticket for putting the build on staging? what was it stuck on", (issue("DES-3"),), (("Canceled",), ("final copy",)), (GL,)),
    Q("v40", "ru→en", ("cross_language",), "Грин лиф дентал: на какую сумму был счёт 8887?", (conv(67),), (("19000", "19 000", "19,000"),), (GL,)),
    # ---- 4 Северный Ветер, дизайн-система
    Q("v41", "en→ru", ("cross_language", "current_fact"), "Severny Veter design system: which deal is in progress and for how much?", (deal("46bc1fcb"),), (("73000", "73 000", "73,000"),), (SV,)),
    Q("v42", "en→ru", ("cross_language", "note_comment"), "Severny Veter kickoff where Will was named the decision maker — what budget did they mention?", (company("aa1023cb"),), (("89000", "89 000", "89,000"),), (SV,)),
    Q("v43", "ru", ("note_comment", "two_source"), "Кого называли ЛПР в заметках по Северному Ветру?", (company("aa1023cb"), deal("4a402e06"), deal("46bc1fcb")), (("Will",), ("Daniel",), ("Ruby",)), (SV,)),
    Q("v44", "ru", ("current_fact",), "Ольга Волкова — переписка, где счёт №7646. Кто её ведёт и она ещё открыта?", (conv(46),), (("Olga Smirnova",), ("open",)), (SV,)),
    Q("v45", "en→ru", ("cross_language", "current_fact"), "status of the severny veter staging deploy tickets?", (issues(SV, r"выкладка на тестовый стенд"),), (("In Review",), ("In Progress",)), (SV,)),
    Q("v46", "ru", ("two_source", "current_fact", "note_comment"), "Павел пишет, что форма обратной связи не отправляется в Safari — есть задача в Linear? в каком она статусе и что в комментах?", (convs(SV, r"форма обратной связи не отправляется"), issue("DES-6")), (("Todo",), ("финальные тексты", "Исправлено в последней сборке", "полифил")), (SV,)),
    Q("v47", "en→ru", ("cross_language",), "how much was severny veter invoice 9279?", (conv(23),), (("25500", "25 500", "25,500"),), (SV,)),
    Q("v48", "ru", ("quote",), "Кто из Северного Ветра писал «на мобильных цвета не те»?", (convs(SV, r"цвета не те"),), (("Иван", "Павел", "Ольга"),), (SV,)),
    Q("v49", "ru", ("current_fact",), "Иван Кузнецов, переписка со счетами 9495 и 9478 — она отложена? кто ответственный", (conv(7),), (("snoozed",), ("James Carter",)), (SV,)),
    # ---- 5 Northwind Labs (northwind-group.example), website redesign
    Q("v50", "en", ("current_fact",), "northwind-group website redesign — which deal did we lose and whose was it?", (deal("139af0a5"),), (("Lost",), ("Mark Ellis",)), (NWG,)),
    Q("v51", "en", ("current_fact",), "Largest open website redesign deal for Northwind Labs (the northwind-group one) – value and owner?", (deal("baef4744"),), (("87000", "87 000", "87,000"), ("James Carter",)), (NWG,)),
    Q("v52", "en", ("note_comment",), "northwind-group.example kickoff — what budget and who decides?", (company("804cbe81"),), (("29000", "29 000", "29,000"), ("Ruby",)), (NWG,)),
    Q("v53", "en", ("current_fact",), "isla turner's latest thread — who has it, is it snoozed?", (conv(80),), (("Mark Ellis",), ("snoozed",)), (NWG,)),
    Q("v54", "en", ("current_fact",), "The long thread with Daniel Bennett where invoice 8884 was sent — is it resolved? and how much was 8884", (conv(1),), (("resolved",), ("25000", "25 000", "25,000")), (NWG,)),
    Q("v55", "en", ("note_comment", "paraphrase", "current_fact"), "website redesign cookie notice wording (northwind group) — what is it waiting on and who owns it?", (issue("DES-7"),), (("final copy",), ("Mark Ellis",)), (NWG,)),
    Q("v56", "en", ("two_source", "paraphrase", "current_fact"), "Daniel keeps asking for the vector and png versions of the logo for the website redesign. which linear tickets on that are still open and who has them?", (convs(NWG, r"final logo files \(SVG and PNG\)"), issues(NWG, r"export final logo files")), (("James Carter", "Olga Smirnova"), ("In Progress",)), (NWG,)),
    Q("v57", "ru→en", ("cross_language", "note_comment", "two_source"), "Northwind Labs (northwind-group.example) просили отсрочку 30 дней — по каким счетам?", (company("804cbe81"), deal("baef4744")), (("1913",), ("5640",)), (NWG,)),
    Q("v58", "ru→en", ("cross_language", "current_fact"), "Иллюстрация для страницы цен по редизайну сайта Northwind — готова или ещё в работе?", (issues(NWG, r"pricing page illustration"),), (("Done",), ("In Progress",)), (NWG,)),
    Q("v59", "en", ("current_fact",), "chloe clarke's thread with invoice 4800 — still pending? whats the amount", (conv(32),), (("pending",), ("17500", "17 500", "17,500")), (NWG,)),
    # ---- 6 Maple & Finch, onboarding flow
    Q("v60", "en", ("current_fact",), "maple & finch deal — is it still at proposal stage? value?", (deal("fa634e82"),), (("Lead",), ("89000", "89 000", "89,000")), (MF,)),
    Q("v61", "en", ("note_comment",), "when are we supposed to follow up with Liam at Maple and Finch about the proposal", (company("7c5567c7"),), (("17.12",),), (MF,)),
    Q("v62", "en", ("current_fact",), "Kate Walker's most recent conversation — what's the status, is anybody assigned?", (conv(79),), (("pending",),), (MF,)),
    Q("v63", "ru→en", ("cross_language", "current_fact"), "Maple & Finch: тексты cookie-баннера — кто делает и какой дедлайн?", (issue("DEV-32"),), (("Anna Petrova",), ("2026-10-25",)), (MF,)),
    Q("v64", "en", ("two_source", "paraphrase", "current_fact"), "Kate and Sam keep asking for another drawing for the pricing page — do we have a ticket and where is it?", (convs(MF, r"one more for the pricing page"), issue("OPS-12")), (("In Review",),), (MF,)),
    Q("v65", "en", ("note_comment",), "maple & finch staging deploy ticket — which version did we share with them and what are we waiting for?", (issue("DEV-20"),), (("v4",), ("feedback", "final copy")), (MF,)),
    Q("v66", "en", ("paraphrase",), "what's the biggest invoice we've sent Maple & Finch?", (conv(40),), (("30000", "30 000", "30,000"),), (MF,)),
    Q("v67", "ru→en", ("cross_language", "current_fact"), "Макет первого экрана v2 для Maple & Finch — закрыли?", (issues(MF, r"homepage hero mockup v2"),), (("Done",),), (MF,)),
    # ---- 7 Summit Legal, landing page
    Q("v68", "en", ("current_fact",), "summit legal 113.5k deal — what stage?", (deal("5d97289f"),), (("Proposal",),), (SL,)),
    Q("v69", "en", ("current_fact", "two_source"), "which summit legal deals are in progress and who owns them", (deal("405ad84a"), deal("acae5870")), (("James Carter",), ("Mark Ellis",)), (SL,)),
    Q("v70", "ru→en", ("cross_language", "note_comment"), "Саммит Лигал: какой бюджет обсуждали на кик-оффе и кто ЛПР?", (deal("acae5870"),), (("90000", "90 000", "90,000"), ("Tara",)), (SL,)),
    Q("v71", "en", ("note_comment", "two_source"), "Summit Legal 30-day payment terms — on which invoices did they ask for that?", (company("9e42d660"), deal("5d97289f"), deal("acae5870")), (("3677",), ("8272",), ("1495",), ("2115",)), (SL,)),
    Q("v72", "en", ("note_comment", "two_source", "paraphrase"), "who at Summit Legal have we sent the landing page offer to so far?", (company("9e42d660"), deal("5d97289f"), deal("405ad84a")), (("Olivia",), ("Paul",), ("Emma",), ("Jack",)), (SL,)),
    Q("v73", "en", ("current_fact",), "summit legal invoice 9254 — how much, and is that conversation closed?", (conv(9),), (("24000", "24 000", "24,000"), ("open",)), (SL,)),
    Q("v74", "en", ("current_fact",), "summit legal logo export, done yet?", (issues(SL, r"export final logo files"),), (("Done",), ("In Review",)), (SL,)),
    Q("v75", "ru→en", ("cross_language", "current_fact"), "Иллюстрацию для страницы цен Summit Legal отменили?", (issue("DEV-54"),), (("Canceled",),), (SL,)),
    Q("v76", "en", ("two_source", "paraphrase", "current_fact"), "Emma Hayes says the checkout still has the previous prices — state of the summit legal checkout tickets?", (convs(SL, r"old prices"), issues(SL, r"outdated prices")), (("Todo",), ("Done",)), (SL,)),
    Q("v77", "en", ("current_fact",), "is anyone assigned to Liam Hughes' open conversation?", (conv(61),), (("open",),), (SL,)),
    # ---- studio-wide and across clients
    Q("v78", "en", ("current_fact",), "which deals are in negotiation right now?", (("stage", "Negotiation"),), (("Northwind Labs",), ("84000", "84 000", "84,000")), ALL),
    Q("v79", "en→ru", ("cross_language", "current_fact"), "have we actually won any deals? which ones", (("stage", "Won 🎉"),), (("Ромашка Диджитал",),), ALL),
    Q("v80", "ru→en", ("cross_language", "current_fact"), "Какие сделки сейчас на стадии Proposal?", (("stage", "Proposal"),), (("Summit Legal",),), ALL),
    Q("v81", "en", ("current_fact",), "list the lost deals and their amounts", (("stage", "Lost"),), (("59000", "59 000", "59,000"), ("23000", "23 000", "23,000")), ALL),
    Q("v82", "en", ("quote",), "how much was invoice #5910?", (conv(67), conv(1)), (("18500", "18 500", "18,500"), ("22500", "22 500", "22,500")), (GL, NWG)),
    Q("v83", "en", ("note_comment",), "who asked for 30-day payment terms on invoice 1495?", (deal("e60b442f"), deal("5d97289f")), (("Blue Harbor Coffee",), ("Summit Legal",)), (BH, SL)),
]  # fmt: skip


build, load, dumps = handwritten.set_functions(QUESTIONS, SEED, MESSAGES, PATH)

if __name__ == "__main__":
    handwritten.write(PATH, dumps(build()))
