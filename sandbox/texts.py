"""Word banks for the studio dataset: company and people names, and conversation/issue/note phrases.

English clients talk in English and Russian clients in Russian. Templates use `str.format` fields:
{client} {project} {first} {agent} {amount} {day} {number} {work}.
"""

STUDIOS = [
    ("Pixelcraft Studio", "pixelcraft"),
    ("Bright Fern Design", "brightfern"),
    ("Northstar Creative", "northstar"),
    ("Copper Kettle Studio", "copperkettle"),
    ("Studio Meridian", "meridian"),
    ("Paper Plane Works", "paperplane"),
]

# Company names are built as prefix + suffix; the first entries are the hand-picked "real" ones.
EN_COMPANIES = [
    ("Northwind Labs", "northwind"),
    ("Blue Harbor Coffee", "blueharbor"),
    ("Greenleaf Dental", "greenleaf"),
    ("Orbit Analytics", "orbit"),
    ("Maple & Finch", "maplefinch"),
    ("Summit Legal", "summitlegal"),
]
EN_PREFIXES = [
    ("Silver", "silver"),
    ("Harbor", "harbor"),
    ("Cedar", "cedar"),
    ("Lumen", "lumen"),
    ("Granite", "granite"),
    ("Bluebird", "bluebird"),
    ("Redwood", "redwood"),
    ("Falcon", "falcon"),
    ("Willow", "willow"),
    ("Atlas", "atlas"),
    ("Beacon", "beacon"),
    ("Juniper", "juniper"),
    ("Kestrel", "kestrel"),
    ("Oakridge", "oakridge"),
]
EN_SUFFIXES = [
    ("Labs", "labs"),
    ("Health", "health"),
    ("Foods", "foods"),
    ("Logistics", "logistics"),
    ("Fitness", "fitness"),
    ("Finance", "finance"),
    ("Robotics", "robotics"),
    ("Travel", "travel"),
    ("Books", "books"),
    ("Energy", "energy"),
]
RU_COMPANIES = [
    ("Ромашка Диджитал", "romashka"),
    ("Северный Ветер", "severniy-veter"),
    ("Берёзка Маркет", "berezka"),
    ("Полярная Звезда", "polyarnaya-zvezda"),
]
RU_PREFIXES = [
    ("Волга", "volga"),
    ("Сибирь", "sibir"),
    ("Кедр", "kedr"),
    ("Байкал", "baikal"),
    ("Янтарь", "yantar"),
    ("Сокол", "sokol"),
    ("Алтай", "altai"),
    ("Радуга", "raduga"),
    ("Светлячок", "svetlyachok"),
    ("Вектор", "vektor"),
]
RU_SUFFIXES = [
    ("Финанс", "finance"),
    ("Логистик", "logistic"),
    ("Маркет", "market"),
    ("Медиа", "media"),
    ("Строй", "stroy"),
    ("Тревел", "travel"),
    ("Фуд", "food"),
    ("Клиник", "clinic"),
]

EN_FIRST = [
    "Alice",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Frank",
    "Grace",
    "Henry",
    "Isla",
    "Jack",
    "Kate",
    "Liam",
    "Mia",
    "Noah",
    "Olivia",
    "Paul",
    "Ruby",
    "Sam",
    "Tara",
    "Will",
]
EN_LAST = [
    "Walker",
    "Hughes",
    "Bennett",
    "Carter",
    "Foster",
    "Griffin",
    "Hayes",
    "Morgan",
    "Reed",
    "Shaw",
    "Turner",
    "Ward",
    "Young",
    "Clarke",
    "Doyle",
]
# (Cyrillic, Latin) pairs so e-mail local parts stay ASCII.
RU_FIRST = [
    ("Иван", "ivan"),
    ("Мария", "maria"),
    ("Алексей", "aleksey"),
    ("Ольга", "olga"),
    ("Дмитрий", "dmitry"),
    ("Анна", "anna"),
    ("Сергей", "sergey"),
    ("Елена", "elena"),
    ("Павел", "pavel"),
    ("Наталья", "natalya"),
    ("Михаил", "mikhail"),
    ("Татьяна", "tatyana"),
]
RU_LAST = [
    ("Петров", "petrov"),
    ("Смирнов", "smirnov"),
    ("Кузнецов", "kuznetsov"),
    ("Соколов", "sokolov"),
    ("Попов", "popov"),
    ("Волков", "volkov"),
    ("Морозов", "morozov"),
    ("Зайцев", "zaitsev"),
    ("Орлов", "orlov"),
    ("Лебедев", "lebedev"),
]
FEMININE_RU = {"Мария", "Ольга", "Анна", "Елена", "Наталья", "Татьяна"}

STAFF = [
    ("Anna", "Petrova", "administrator"),
    ("Mark", "Ellis", "agent"),
    ("Olga", "Smirnova", "agent"),
    ("James", "Carter", "agent"),
    ("Dmitry", "Volkov", "agent"),
    ("Sophie", "Turner", "agent"),
]
VISITOR_ADJ = ["restless", "muddy", "quiet", "silent", "broken", "bold", "ancient", "damp", "lively", "misty"]
VISITOR_NOUN = ["frost", "bird", "river", "meadow", "leaf", "pond", "sun", "wave", "cloud", "field"]

EN_CITIES = [
    ("London", "United Kingdom", "GB"),
    ("Manchester", "United Kingdom", "GB"),
    ("New York", "United States", "US"),
    ("Austin", "United States", "US"),
    ("Dublin", "Ireland", "IE"),
]
RU_CITIES = [
    ("Москва", "Russia", "RU"),
    ("Санкт-Петербург", "Russia", "RU"),
    ("Казань", "Russia", "RU"),
    ("Новосибирск", "Russia", "RU"),
]

EN_WORK = [
    "website redesign",
    "brand identity",
    "mobile app",
    "landing page",
    "e-commerce storefront",
    "marketing site",
    "design system",
    "onboarding flow",
]
RU_WORK = [
    "редизайн сайта",
    "фирменный стиль",
    "мобильное приложение",
    "лендинг",
    "интернет-магазин",
    "дизайн-система",
    "личный кабинет",
]

EN_INCOMING = [
    "Hi team, here is the brief for the {work}: we want it cleaner and more modern. Can you send an estimate?",
    "Thanks for the mockups! The homepage hero feels too busy, can we try a lighter version?",
    "We reviewed v2 of the {work} with our CEO. Mostly happy, but the colours are off on mobile.",
    "Invoice #{number} is approved, payment should arrive by {day}.",
    "Quick question: is the {day} deadline for the {work} still realistic?",
    "We found a bug: the contact form on the {work} does not submit on Safari.",
    "Can you send the final logo files (SVG and PNG) for {client}?",
    "The checkout page shows the old prices again. Could you take a look today?",
    "Love the new illustrations, {agent}! Could we get one more for the pricing page?",
    "Please move our review call to {day}, something came up.",
    "Our legal team needs the cookie banner text changed before launch.",
    "Hello {agent}, any update on the staging link?",
]
EN_OUTGOING = [
    "Hi {first}, thanks for the brief! We'll send an estimate for the {work} by {day}.",
    "Here are the updated mockups for {client}, v3 attached. Let us know what you think.",
    "Good catch, {first}. We reproduced the Safari bug and a fix is in review.",
    "Invoice #{number} for the {work} is attached, {amount} due in 14 days.",
    "The deadline of {day} still holds; the developers start on the templates tomorrow.",
    "Final logo files are uploaded to the shared folder.",
    "Staging is updated: the new navigation and footer are live for review.",
    "We moved the review call to {day}, calendar invite sent.",
    "Thanks {first}, we'll adjust the colours for mobile and send a new round.",
]
EN_PRIVATE = [
    "INTERNAL: client is sensitive about budget, do not mention the extra hours yet.",
    "INTERNAL: {client} paid late twice, ask finance before starting phase 2.",
    "INTERNAL: the Safari bug is ours, caused by the last deploy. Fix before replying.",
    "INTERNAL: {first} prefers calls over e-mail, schedule one for {day}.",
    "INTERNAL: scope creep on the {work}, flag it to the account manager.",
]
RU_INCOMING = [
    "Добрый день! Отправляем бриф на {work}: хотим современнее и проще. Пришлите, пожалуйста, оценку.",
    "Спасибо за макеты! Первый экран перегружен, можно попробовать более лёгкий вариант?",
    "Посмотрели вторую версию с директором. В целом нравится, но на мобильных цвета не те.",
    "Счёт №{number} согласовали, оплата пройдёт до {day}.",
    "Подскажите, срок {day} по проекту «{work}» ещё в силе?",
    "Нашли ошибку: форма обратной связи не отправляется в Safari.",
    "Пришлите, пожалуйста, финальные файлы логотипа {client} в SVG и PNG.",
    "На странице оплаты снова старые цены. Посмотрите сегодня?",
    "{agent}, здравствуйте! Есть новости по тестовому стенду?",
    "Перенесите, пожалуйста, созвон на {day}.",
]
RU_OUTGOING = [
    "{first}, добрый день! Спасибо за бриф, оценку по проекту «{work}» пришлём до {day}.",
    "Отправляем обновлённые макеты для {client}, версия 3 во вложении.",
    "Спасибо, {first}! Ошибку в Safari воспроизвели, исправление уже на проверке.",
    "Счёт №{number} во вложении, сумма {amount}, оплата в течение 14 дней.",
    "Срок {day} в силе, разработка шаблонов начинается завтра.",
    "Финальные файлы логотипа загрузили в общую папку.",
    "Тестовый стенд обновлён: новое меню и подвал уже можно смотреть.",
]
RU_PRIVATE = [
    "внутренняя заметка: клиент чувствителен к бюджету, про доп. часы пока не говорим.",
    "внутренняя заметка: {client} дважды задерживали оплату, уточнить у бухгалтерии.",
    "внутренняя заметка: ошибка в Safari наша, после последнего релиза. Сначала чиним, потом отвечаем.",
    "внутренняя заметка: {first} предпочитает звонки, назначить созвон на {day}.",
]
ACTIVITY = [
    "Conversation was assigned to {agent}",
    "{agent} added design, feedback",
    "Conversation was marked resolved by {agent}",
    "Conversation was reopened by {agent}",
    "Priority was set to high by {agent}",
]

EN_ISSUES = [
    (
        "{client}: homepage hero mockup v{number}",
        "Design the new hero for the {client} {work}. Feedback from the client: lighter, fewer words.",
    ),
    (
        "{client}: fix contact form on Safari",
        "Reported by {client}: the contact form does not submit on Safari 17. Reproduce and fix.",
    ),
    (
        "{client}: export final logo files",
        "Prepare SVG/PNG/PDF logo exports for {client} and upload them to the shared folder.",
    ),
    (
        "{client}: checkout shows outdated prices",
        "Prices on the {client} checkout are cached. Invalidate the cache on price updates.",
    ),
    ("{client}: mobile colour review", "Adjust the palette of the {work} for small screens after the client review."),
    (
        "{client}: pricing page illustration",
        "One more illustration for the {client} pricing page, same style as the hero.",
    ),
    ("{client}: cookie banner copy", "Legal at {client} asked to change the cookie banner text before launch."),
    (
        "{client}: staging deploy for review",
        "Deploy the current {work} build to staging and send the link to {client}.",
    ),
]
RU_ISSUES = [
    (
        "{client}: макет первого экрана v{number}",
        "Новый первый экран для проекта «{work}» ({client}). Клиент просит легче и короче.",
    ),
    (
        "{client}: форма обратной связи в Safari",
        "{client} сообщает: форма не отправляется в Safari 17. Воспроизвести и исправить.",
    ),
    ("{client}: финальные файлы логотипа", "Подготовить SVG/PNG/PDF логотипа {client} и выложить в общую папку."),
    (
        "{client}: устаревшие цены при оплате",
        "На странице оплаты {client} кэшируются цены. Сбрасывать кэш при обновлении.",
    ),
    ("{client}: цвета на мобильных", "Поправить палитру проекта «{work}» для мобильных после ревью клиента."),
    (
        "{client}: выкладка на тестовый стенд",
        "Выложить текущую сборку проекта «{work}» на стенд и отправить ссылку {client}.",
    ),
]
EN_COMMENTS = [
    "Shared v{number} with {client}, waiting for feedback.",
    "Reproduced on Safari 17.2, looks like a polyfill issue.",
    "Client approved the direction, moving on to the details.",
    "Blocked until {client} sends the final copy.",
    "Fixed in the latest build, please verify on staging.",
]
RU_COMMENTS = [
    "Отправили v{number} клиенту {client}, ждём обратную связь.",
    "Воспроизводится в Safari 17.2, похоже на полифил.",
    "Клиент согласовал направление, переходим к деталям.",
    "Ждём финальные тексты от {client}.",
    "Исправлено в последней сборке, проверьте на стенде.",
]
EN_NOTES = [
    (
        "Kick-off call with {client}",
        "Discussed the {work}. Budget around {amount}. Decision maker: {first}. Next step: proposal by {day}.",
    ),
    ("Proposal sent", "Proposal for the {work} sent to {first} at {client}. Follow up on {day}."),
    ("Quarterly review", "{client} is happy with delivery speed; wants more design reviews. Upsell: {work}."),
    ("Payment terms", "{client} asked for 30-day payment terms on invoice #{number}."),
]
RU_NOTES = [
    (
        "Стартовый созвон с {client}",
        "Обсудили проект «{work}». Бюджет около {amount}. ЛПР: {first}. Далее: КП до {day}.",
    ),
    ("КП отправлено", "Коммерческое предложение по проекту «{work}» отправлено ({client}). Напомнить {day}."),
    ("Квартальная встреча", "{client} довольны скоростью, хотят больше дизайн-ревью. Допродажа: {work}."),
]
DEAL_STAGES = ["Lead", "In Progress", "Proposal", "Negotiation", "Won 🎉", "Lost"]
LABELS = ["design", "billing", "bug", "deadline", "feedback", "onboarding"]
