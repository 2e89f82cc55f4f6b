"""Chatwoot JSON shapes (field names from the application swagger; values from the dataset).

Everything here is a pure function of the data, so reading the same data twice gives the same bytes.
"""

from sandbox.dataset import BASE_EPOCH, DAY, iso_ms


def account(tenant) -> dict:
    ds = tenant.dataset
    return {
        "id": tenant.chatwoot_account_id,
        "name": ds.studio["name"],
        "locale": "en",
        "domain": ds.studio["domain"],
        "support_email": f"support@{ds.studio['domain']}",
        "status": "active",
        "created_at": iso_ms(BASE_EPOCH - 400 * DAY),
        "cache_keys": {"label": BASE_EPOCH, "inbox": BASE_EPOCH, "team": BASE_EPOCH},
        "features": {"channel_email": True, "channel_website": True, "channel_telegram": True, "help_center": True},
        "settings": {"auto_resolve_after": None},
        "custom_attributes": {"plan_name": "sandbox"},
        "latest_chatwoot_version": "4.0.0",
        "subscribed_features": [],
    }


def inbox(ds, item: dict) -> dict:
    web = item["channel_type"] == "Channel::WebWidget"
    return {
        "id": item["id"],
        "avatar_url": "",
        "channel_id": item["channel_id"],
        "name": item["name"],
        "channel_type": item["channel_type"],
        "greeting_enabled": False,
        "greeting_message": None,
        "working_hours_enabled": False,
        "enable_email_collect": True,
        "csat_survey_enabled": False,
        "enable_auto_assignment": True,
        "auto_assignment_config": {},
        "out_of_office_message": None,
        "working_hours": [],
        "timezone": "UTC",
        "callback_webhook_url": None,
        "allow_messages_after_resolved": True,
        "lock_to_single_conversation": False,
        "sender_name_type": "friendly",
        "business_name": ds.studio["name"],
        "hmac_mandatory": False,
        "selected_feature_flags": ["attachments", "emoji_picker"] if web else None,
        "reply_time": "in_a_few_hours",
        "messaging_service_sid": None,
        "phone_number": None,
        "medium": item["medium"],
        "provider": item["provider"],
        "website_url": item["website_url"],
        "website_token": f"sandbox{item['id']:04d}" if web else None,
        "widget_color": "#1f93ff" if web else None,
        "welcome_title": "Hi there!" if web else None,
        "welcome_tagline": "We usually reply within a few hours." if web else None,
        "email": item["email"],
    }


def agent(tenant, staff) -> dict:
    return {
        "id": staff.agent_id,
        "account_id": tenant.chatwoot_account_id,
        "availability_status": "online" if staff.index % 2 == 0 else "offline",
        "auto_offline": True,
        "confirmed": True,
        "email": staff.email,
        "available_name": staff.first,
        "name": staff.name,
        "role": staff.role,
        "thumbnail": "",
        "custom_role_id": None,
    }


def contact_base(ds, contact) -> dict:
    """The contact fields shared by the list item, the show payload and a conversation's sender."""
    city, country, code = contact.city or ("", "", None)
    company = ds.clients[contact.client].name if contact.client is not None else None
    return {
        "additional_attributes": {
            "city": city,
            "country": country,
            "country_code": code,
            "created_at_ip": "203.0.113.7" if contact.client is None else "",
            **({"company_name": company} if company else {}),
        },
        "availability_status": "offline",
        "email": contact.email,
        "id": contact.id,
        "name": contact.name,
        "phone_number": contact.phone,
        "blocked": False,
        "identifier": contact.identifier,
        "thumbnail": "",
        "custom_attributes": {},
        "last_activity_at": contact.last_activity_at,
        "created_at": contact.created_at,
    }


def contact(ds, item) -> dict:
    inbox_item = next(i for i in ds.inboxes if i["id"] == item.inbox_id)
    return {
        **contact_base(ds, item),
        "contact_inboxes": [
            {
                "source_id": f"{item.email or item.name}:{inbox_item['id']}",
                "inbox": {
                    "id": inbox_item["id"],
                    "avatar_url": "",
                    "channel_id": inbox_item["channel_id"],
                    "name": inbox_item["name"],
                    "channel_type": inbox_item["channel_type"],
                    "provider": inbox_item["provider"],
                },
            }
        ],
    }


def push_contact(item) -> dict:
    """Contact#push_event_data: the sender of a message and the `contact` of the messages meta."""
    return {
        "additional_attributes": {},
        "custom_attributes": {},
        "email": item.email,
        "id": item.id,
        "identifier": item.identifier,
        "name": item.name,
        "phone_number": item.phone,
        "thumbnail": "",
        "blocked": False,
        "type": "contact",
    }


def push_agent(staff) -> dict:
    return {
        "id": staff.agent_id,
        "name": staff.name,
        "available_name": staff.first,
        "avatar_url": "",
        "type": "user",
        "availability_status": "online" if staff.index % 2 == 0 else "offline",
        "thumbnail": "",
    }


def message(tenant, conversation, item) -> dict:
    ds = tenant.dataset
    if item.sender_type == "Contact":
        sender = push_contact(ds.contacts[item.sender_id]) if item.sender_id in ds.contacts else None
    elif item.sender_type == "User":
        sender = push_agent(ds.staff[item.sender_id - 1])
    else:
        sender = None
    return {
        "id": item.id,
        "content": item.content,
        "account_id": tenant.chatwoot_account_id,
        "inbox_id": conversation.inbox_id,
        "conversation_id": conversation.id,
        "message_type": item.message_type,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "private": item.private,
        "status": item.status,
        "source_id": None,
        "content_type": "text",
        "content_attributes": dict(item.content_attributes),
        "sender_type": item.sender_type,
        "sender_id": item.sender_id,
        "external_source_ids": {},
        "additional_attributes": {},
        "processed_message_content": item.content,
        "sentiment": {},
        "sender": sender,
    }


def conversation(tenant, item) -> dict:
    ds = tenant.dataset
    sender = ds.contacts.get(item.contact_id)
    chat = [m for m in item.messages[-10:] if m.message_type != 2]
    last_chat = message(tenant, item, chat[-1]) if chat else None
    replies = [m.created_at for m in item.messages if m.message_type == 1 and not m.private]
    last_incoming = next((m for m in reversed(item.messages) if m.message_type in (0, 1) and not m.private), None)
    waiting = last_incoming.created_at if last_incoming and last_incoming.message_type == 0 else None
    channel = next(i["channel_type"] for i in ds.inboxes if i["id"] == item.inbox_id)
    meta = {
        "sender": contact_base(ds, sender) if sender else {},
        "channel": channel,
        "hmac_verified": False,
    }
    if item.assignee_id:
        meta["assignee"] = agent(tenant, ds.staff[item.assignee_id - 1])
    return {
        "meta": meta,
        "id": item.id,
        "messages": [last_chat] if last_chat else [],
        "account_id": tenant.chatwoot_account_id,
        "uuid": item.uuid,
        "additional_attributes": {},
        "agent_last_seen_at": replies[-1] if replies else 0,
        "assignee_last_seen_at": replies[-1] if replies and item.assignee_id else 0,
        "can_reply": True,
        "contact_last_seen_at": 0,
        "custom_attributes": {},
        "inbox_id": item.inbox_id,
        "labels": list(item.labels),
        "muted": False,
        "snoozed_until": item.snoozed_until,
        "status": item.status,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "timestamp": item.last_activity_at,
        "first_reply_created_at": replies[0] if replies else None,
        "unread_count": 0,
        "last_non_activity_message": last_chat,
        "last_activity_at": item.last_activity_at,
        "priority": item.priority,
        "waiting_since": waiting if item.status == "open" else None,
        "sla_policy_id": None,
        "applied_sla": None,
        "sla_events": [],
    }


def messages_meta(tenant, item) -> dict:
    ds = tenant.dataset
    sender = ds.contacts.get(item.contact_id)
    meta = {
        "labels": list(item.labels),
        "additional_attributes": {},
        "contact": push_contact(sender) if sender else None,
        "agent_last_seen_at": None,
        "assignee_last_seen_at": None,
    }
    if item.assignee_id:  # the server adds `assignee` only when there is one
        meta["assignee"] = push_agent(ds.staff[item.assignee_id - 1])
    return meta
