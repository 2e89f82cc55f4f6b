"""A small bilingual concept lexicon for the offline embedder: word stems that mean the same thing in the
studio's work (English and Russian) share a concept feature, so "invoice" finds "счёт" and "bug" finds
"ошибка". Hand-written for a design/delivery studio's vocabulary; it is data, not a model, and it is the
only "semantics" the offline provider has. Stems match as word prefixes (after ё → е).
"""

CONCEPTS: dict[str, tuple[str, ...]] = {
    "invoice": ("invoice", "bill", "счет", "инвойс"),
    "payment": ("payment", "pay", "paid", "оплат", "плат"),
    "price": ("price", "pricing", "cost", "цен", "стоимост", "прайс"),
    "estimate": ("estimate", "quote", "proposal", "оценк", "смет", "кп", "коммерческ", "предложени"),
    "budget": ("budget", "бюджет"),
    "deadline": ("deadline", "due", "срок", "дедлайн"),
    "call": ("call", "meeting", "созвон", "звонк", "звонок", "встреч"),
    "bug": ("bug", "error", "broken", "fault", "ошибк", "баг", "сбой"),
    "fix": ("fix", "repair", "resolv", "исправ", "почин", "чин"),
    "form": ("form", "форм"),
    "contact_form": ("contact", "обратн"),
    "logo": ("logo", "логотип"),
    "file": ("file", "export", "svg", "png", "файл", "экспорт", "выгруз"),
    "mockup": ("mockup", "layout", "wireframe", "макет"),
    "design": ("design", "дизайн"),
    "hero": ("hero", "homepage", "первый", "экран", "главн"),
    "colour": ("colour", "color", "palette", "цвет", "палитр"),
    "mobile": ("mobile", "phone", "smartphone", "small", "мобильн", "смартфон", "телефон"),
    "staging": ("staging", "preview", "стенд", "тестов"),
    "checkout": ("checkout", "cart", "корзин"),
    "cache": ("cache", "cached", "outdated", "stale", "old", "кэш", "кеш", "устаревш"),
    "brief": ("brief", "бриф"),
    "legal": ("legal", "lawyer", "cookie", "юрист", "юридическ", "куки"),
    "illustration": ("illustration", "drawing", "иллюстрац", "рисун"),
    "deal": ("deal", "opportunit", "сделк"),
    "client": ("client", "customer", "клиент", "заказчик"),
    "company": ("company", "companies", "компани", "организац"),
    "kickoff": ("kick", "kickoff", "start", "старт", "стартов", "начал"),
    "decision": ("decision", "лпр"),
    "review": ("review", "ревью"),
    "feedback": ("feedback", "отзыв"),
    "approve": ("approv", "agree", "accept", "согласов", "одобр", "утверд"),
    "website": ("website", "site", "сайт"),
    "landing": ("landing", "лендинг"),
    "brand": ("brand", "identity", "фирменн", "стиль"),
    "store": ("store", "shop", "commerce", "storefront", "магазин"),
    "app": ("app", "application", "приложени"),
    "cabinet": ("account", "cabinet", "кабинет"),
    "folder": ("folder", "shared", "upload", "папк", "загруз", "выложи"),
    "reschedule": ("reschedul", "move", "postpon", "перенес", "перенос"),
    "won": ("won", "win", "выигр"),
    "lost": ("lost", "lose", "проигр"),
    "quarter": ("quarter", "квартал"),
    "upsell": ("upsell", "cross-sell", "допродаж"),
    "speed": ("speed", "fast", "quick", "скорост", "быстр"),
    "terms": ("terms", "condition", "услови"),
    "update": ("update", "news", "status", "новост", "обновл"),
    "navigation": ("navigation", "menu", "footer", "меню", "подвал", "навигац"),
    "release": ("deploy", "release", "build", "релиз", "сборк", "выкладк", "выложить"),
    "send": ("send", "sent", "отправ", "пришл", "прислат"),
    "director": ("ceo", "director", "директор"),
    "text": ("text", "copy", "wording", "текст"),
    "hours": ("hour", "час"),
    "finance": ("finance", "accounting", "бухгалтер", "финанс"),
    "late": ("late", "delay", "overdue", "задерж", "просроч"),
    "scope": ("scope", "объем", "рамк"),
    "stage_pipeline": ("pipeline", "funnel", "воронк"),
    "amount": ("amount", "value", "sum", "сумм"),
    "issue_ticket": ("ticket", "task", "задач", "тикет"),
    "comment": ("comment", "коммент"),
    "conversation": ("conversation", "chat", "message", "переписк", "сообщени", "чат", "диалог"),
}

# stem → concepts, for prefix lookups
STEMS: dict[str, tuple[str, ...]] = {}
for _concept, _stems in CONCEPTS.items():
    for _stem in _stems:
        STEMS[_stem] = (*STEMS.get(_stem, ()), _concept)
MAX_STEM = max(len(stem) for stem in STEMS)
MIN_STEM = min(len(stem) for stem in STEMS)


def concepts_of(word: str) -> tuple[str, ...]:
    """Concepts whose stems prefix `word` (longest stem first; short stems need a near-exact word)."""
    found: tuple[str, ...] = ()
    for length in range(min(len(word), MAX_STEM), MIN_STEM - 1, -1):
        stem = word[:length]
        if stem in STEMS and (length >= 4 or len(word) <= length + 1):
            found += STEMS[stem]
    return tuple(dict.fromkeys(found))
