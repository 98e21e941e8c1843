"""The contracts part of ``seed_demo`` (idempotent).

Each demo vendor gets an MSA/SOW of 30+ realistic clauses across every category, a
rate card matching its pricing model, one amendment that changed a clause (so clause
history exists) and one scope change. Atlas' notice deadline falls ~45 days from today
so the renewal timeline shows a flag.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .models import Amendment, Clause, Contract, RateCardLine, ScopeChange
from .services import amendment_create, clause_save, scope_change_propose

# (number, category, obligated party, heading, body); {placeholders} per vendor.
CLAUSES = [
    (
        "1.1",
        "scope",
        "vendor",
        "Services",
        "{vendor} shall provide inbound customer service by {channels} for the Client's "
        "consumer customers in {languages}, from the delivery sites listed in Schedule 1.",
    ),
    (
        "1.2",
        "scope",
        "vendor",
        "Hours of operation",
        "Services shall be available {hours}, local time of the Client's customers, "
        "excluding the public holidays listed in Schedule 2.",
    ),
    (
        "1.3",
        "scope",
        "both",
        "Out of scope work",
        "Work not described in this SOW (new channels, new languages, outbound campaigns, "
        "back-office processing) is out of scope and requires an approved scope change "
        "with an agreed price impact before it starts.",
    ),
    (
        "1.4",
        "scope",
        "client",
        "Client dependencies",
        "The Client shall provide access to its CRM, knowledge base and telephony "
        "platform, and shall give at least 10 business days' notice of product launches "
        "expected to change contact volumes by more than 15%.",
    ),
    (
        "2.1",
        "service_level",
        "vendor",
        "Service level (voice)",
        "{sl_target}% of calls offered shall be answered within {sl_seconds} seconds, "
        "measured monthly across all queues. Calls abandoned within 5 seconds are "
        "excluded from calls offered.",
    ),
    (
        "2.2",
        "service_level",
        "vendor",
        "Abandonment rate",
        "The abandonment rate shall not exceed {abandon}% of calls offered, measured monthly.",
    ),
    (
        "2.3",
        "service_level",
        "vendor",
        "E-mail response time",
        "95% of e-mails shall receive a complete first response within 24 business "
        "hours of receipt, measured monthly.",
    ),
    (
        "2.4",
        "service_level",
        "vendor",
        "Chat response",
        "90% of chats shall be answered within 60 seconds, measured monthly.",
    ),
    (
        "3.1",
        "kpi",
        "vendor",
        "First-contact resolution",
        "First-contact resolution, measured by the Client's post-contact survey, shall be "
        "at least {fcr}% per month. Resolution means the customer's problem is fixed, not "
        "only that the customer stopped calling.",
    ),
    (
        "3.2",
        "kpi",
        "vendor",
        "Repeat contact rate",
        "The share of customers contacting again about the same issue within 7 days "
        "shall not exceed 12% per month.",
    ),
    (
        "3.3",
        "kpi",
        "vendor",
        "Customer satisfaction",
        "CSAT (share of 4 and 5 ratings on a 5-point scale) shall be at least 85% per month.",
    ),
    (
        "3.4",
        "kpi",
        "vendor",
        "Quality assurance",
        "Each agent shall be evaluated on at least 4 contacts per month against the "
        "Client's QA form; the average QA score shall be at least 88%.",
    ),
    (
        "3.5",
        "kpi",
        "vendor",
        "Average handle time",
        "Average handle time is monitored but not a target: the Vendor shall not shorten "
        "contacts at the expense of resolution.",
    ),
    (
        "3.6",
        "kpi",
        "vendor",
        "Schedule adherence and attrition",
        "Schedule adherence shall be at least 90%; monthly agent attrition above 6% shall "
        "be reported with a root cause and retention plan.",
    ),
    (
        "4.1",
        "penalty",
        "vendor",
        "Service credits",
        "If a service level in clause 2 or a KPI in clause 3 misses its threshold in a "
        "month, the Vendor shall grant a service credit. {credit_pct}% of the monthly fee "
        "is at risk, allocated across KPIs as set out in Schedule 4.",
    ),
    (
        "4.2",
        "penalty",
        "vendor",
        "Service credit cap",
        "Service credits in any month are capped at {cap_pct}% of that month's fees. "
        "Service credits are the Client's sole financial remedy for service level misses, "
        "without prejudice to termination rights under clause 7.",
    ),
    (
        "4.3",
        "penalty",
        "both",
        "Earn-back",
        "Credits for a KPI are waived if the Vendor meets that KPI's target in each of "
        "the following 3 months.",
    ),
    (
        "4.4",
        "penalty",
        "vendor",
        "Persistent failure",
        "Missing the same service level threshold in 3 consecutive months, or in 4 of 6 "
        "months, is a persistent failure.",
    ),
    ("5.1", "pricing", "client", "Charges", "{pricing_clause}"),
    (
        "5.2",
        "pricing",
        "client",
        "Invoicing and payment",
        "The Vendor invoices monthly in arrears in {currency}; the Client pays undisputed "
        "amounts within 45 days of receipt.",
    ),
    (
        "5.3",
        "pricing",
        "both",
        "Disputed invoices",
        "The Client shall notify the Vendor of a disputed invoice line within 15 days, with "
        "figures; the parties shall meet within 10 business days to resolve it.",
    ),
    (
        "5.4",
        "pricing",
        "both",
        "Annual price review",
        "Rates are reviewed annually on the anniversary of the effective date; increases "
        "are capped at the local consumer price index plus 1%.",
    ),
    (
        "5.5",
        "pricing",
        "vendor",
        "Volume forecast variance",
        "If actual monthly volume deviates by more than 15% from the forecast, either party "
        "may request a staffing and price review.",
    ),
    (
        "6.1",
        "governance",
        "both",
        "Weekly operations review",
        "The parties' operations leads meet weekly by video to review volumes, service "
        "levels, staffing and open issues, with the most urgent items first on the agenda.",
    ),
    (
        "6.2",
        "governance",
        "both",
        "Monthly performance review",
        "A monthly performance review covers the scorecard, service credits, open disputes "
        "and corrective action plans. Minutes are circulated within 2 business days.",
    ),
    (
        "6.3",
        "governance",
        "both",
        "Quarterly business review",
        "The Vendor's account director and the Client's head of customer service hold a "
        "quarterly business review on strategy, innovation and the relationship.",
    ),
    (
        "6.4",
        "governance",
        "both",
        "Escalation path",
        "Issues not resolved at operations level within 10 business days are escalated to "
        "the account director and the vendor manager, then to executive sponsors.",
    ),
    (
        "6.5",
        "governance",
        "vendor",
        "Corrective action plans",
        "For any missed target the Vendor shall provide a root cause analysis and a "
        "corrective action plan within 5 business days.",
    ),
    (
        "7.1",
        "termination",
        "both",
        "Term and renewal",
        "This agreement runs from the effective date to the end date and {renewal_text}",
    ),
    (
        "7.2",
        "termination",
        "both",
        "Termination for convenience",
        "Either party may terminate for convenience on {termination_days} days' written notice.",
    ),
    (
        "7.3",
        "termination",
        "client",
        "Termination for cause",
        "The Client may terminate on 30 days' notice for persistent failure (clause 4.4) "
        "or a material breach not remedied within 30 days of notice.",
    ),
    (
        "7.4",
        "termination",
        "vendor",
        "Exit assistance",
        "On expiry or termination the Vendor shall provide up to 6 months of exit "
        "assistance, including knowledge transfer to a successor provider.",
    ),
    (
        "8.1",
        "communication",
        "both",
        "Channels",
        "Day-to-day communication is by the shared ticketing queue and e-mail; urgent "
        "incidents by phone to the duty manager. Meetings alternate between the parties' "
        "working hours so neither side always meets outside its day.",
    ),
    (
        "8.2",
        "communication",
        "vendor",
        "Incident notification",
        "The Vendor shall notify the Client within 30 minutes of any outage affecting "
        "more than 10% of agents, and report early when a target is at risk.",
    ),
    (
        "8.3",
        "communication",
        "both",
        "Written follow-up",
        "Agreements reached in meetings are confirmed in writing within 2 business days.",
    ),
    (
        "9.1",
        "data_protection",
        "vendor",
        "Processing of personal data",
        "The Vendor processes customer personal data only on the Client's documented "
        "instructions, as a processor under the data processing agreement in Schedule 5.",
    ),
    (
        "9.2",
        "data_protection",
        "vendor",
        "Security breach notification",
        "The Vendor shall notify the Client of a personal data breach without undue delay "
        "and within 24 hours of becoming aware of it.",
    ),
    (
        "9.3",
        "data_protection",
        "vendor",
        "Clean desk and devices",
        "Agents work in a clean-desk environment; recording devices and personal phones "
        "are not allowed on the production floor.",
    ),
    ("10.1", "other", "both", "Governing law", "This agreement is governed by the laws of {law}."),
    (
        "10.2",
        "other",
        "both",
        "Entire agreement",
        "This SOW with the master services agreement and its schedules is the entire "
        "agreement on its subject.",
    ),
]

VENDOR_TERMS = {
    "atlas-contact": {
        "reference": "MSA-ATL-2023-01",
        "title": "Atlas voice, e-mail and chat SOW",
        "pricing_model": "per_minute",
        "currency": "USD",
        "monthly_fee": Decimal("185000"),
        "effective": date(2023, 4, 1),
        "end_in_days": 90 + 45,  # notice deadline ~45 days from today
        "renewal_notice_days": 90,
        "auto_renewal": True,
        "values": {
            "channels": "phone, e-mail and chat",
            "languages": "English",
            "hours": "24 hours a day, 7 days a week",
            "sl_target": 80,
            "sl_seconds": 20,
            "abandon": 5,
            "fcr": 72,
            "credit_pct": 10,
            "cap_pct": 15,
            "law": "England and Wales",
            "pricing_clause": "Voice handling is charged per handled minute (talk, hold "
            "and after-call work) at the rates of the rate card; e-mail and chat per "
            "handled contact. Training hours for new hires are charged per FTE hour.",
        },
        "rates": [
            ("Voice, English: handled minute", "minute", "0.68", ""),
            ("E-mail, English: handled contact", "contact", "2.40", ""),
            ("Chat, English: handled contact", "contact", "2.10", ""),
            ("New-hire training", "fte_hour", "9.50", "first 4 weeks"),
        ],
        "allocation": {"service_level": 40, "fcr": 20, "csat": 20, "abandonment_rate": 20},
        "amended": (
            "2.1",
            "85% of calls offered shall be answered within 20 seconds, "
            "measured monthly across all queues. Calls abandoned within 5 seconds "
            "are excluded from calls offered.",
        ),
        "scope": (
            "Holiday-season outbound callbacks",
            "Callbacks to customers who abandoned during peak; outbound is out of "
            "scope under clause 1.3.",
            Decimal("7800"),
        ),
    },
    "nordlicht-cx": {
        "reference": "SOW-NLC-2024-02",
        "title": "Nordlicht multilingual voice and back-office SOW",
        "pricing_model": "per_fte_hour",
        "currency": "EUR",
        "monthly_fee": Decimal("240000"),
        "effective": date(2024, 1, 1),
        "end_in_days": 420,
        "renewal_notice_days": 120,
        "auto_renewal": False,
        "values": {
            "channels": "phone and e-mail, plus back-office case processing",
            "languages": "German, Dutch and Portuguese",
            "hours": "Monday to Friday 08:00–20:00 and Saturday 09:00–14:00",
            "sl_target": 80,
            "sl_seconds": 30,
            "abandon": 6,
            "fcr": 70,
            "credit_pct": 12,
            "cap_pct": 12,
            "law": "Portugal",
            "pricing_clause": "Services are charged per productive FTE hour at the rates "
            "of the rate card, per language. Hours are reconciled monthly against the "
            "workforce management system; idle time caused by the Client's systems is "
            "chargeable.",
        },
        "rates": [
            ("German-speaking agent", "fte_hour", "31.50", ""),
            ("Dutch-speaking agent", "fte_hour", "30.00", ""),
            ("Portuguese-speaking agent", "fte_hour", "19.80", ""),
            ("Team leader (1 per 15 agents)", "fte_hour", "38.00", ""),
        ],
        "allocation": {"service_level": 50, "qa_score": 25, "schedule_adherence": 25},
        "amended": (
            "4.2",
            "Service credits in any month are capped at 12% of that month's "
            "fees. Service credits are the Client's sole financial remedy for "
            "service level misses, without prejudice to termination rights under "
            "clause 7 and to the probation plan agreed in Amendment 1.",
        ),
        "scope": (
            "Dutch weekend coverage",
            "Saturday coverage for Dutch customers, not in the SOW hours (1.2).",
            Decimal("14200"),
        ),
    },
    "andes-support": {
        "reference": "SOW-AND-2025-01",
        "title": "Andes Spanish chat and e-mail pilot",
        "pricing_model": "per_contact",
        "currency": "USD",
        "monthly_fee": Decimal("62000"),
        "effective": date(2025, 2, 1),
        "end_in_days": 700,
        "renewal_notice_days": 60,
        "auto_renewal": True,
        "values": {
            "channels": "chat and e-mail",
            "languages": "Spanish",
            "hours": "Monday to Friday 07:00–19:00",
            "sl_target": 80,
            "sl_seconds": 20,
            "abandon": 8,
            "fcr": 68,
            "credit_pct": 8,
            "cap_pct": 10,
            "law": "the State of New York",
            "pricing_clause": "Each handled chat or e-mail is charged per contact at the "
            "rates of the rate card. Repeat contacts about the same issue within 7 days "
            "are not chargeable, so per-contact pricing does not reward repeats.",
        },
        "rates": [
            ("Chat, Spanish: handled contact", "contact", "1.85", "0–40,000 a month"),
            ("Chat, Spanish: handled contact", "contact", "1.70", "above 40,000 a month"),
            ("E-mail, Spanish: handled contact", "contact", "2.20", ""),
        ],
        "allocation": {"service_level": 30, "fcr": 30, "repeat_contact_rate": 20, "csat": 20},
        "amended": ("2.4", "90% of chats shall be answered within 45 seconds, measured monthly."),
        "scope": (
            "WhatsApp channel pilot",
            "Handle WhatsApp messages for the pilot region; a new channel is out of "
            "scope under clause 1.3.",
            Decimal("5500"),
        ),
    },
}


def _fill(text: str, values: dict, terms: dict) -> str:
    renewal = (
        f"renews automatically for 12 months unless either party gives "
        f"{terms['renewal_notice_days']} days' written notice before the end date."
        if terms["auto_renewal"]
        else f"expires unless renewed in writing; renewal talks start "
        f"{terms['renewal_notice_days']} days before the end date."
    )
    return text.format(
        vendor="The Vendor",
        currency=terms["currency"],
        renewal_text=renewal,
        termination_days=90,
        **values,
    )


# A second contract in another currency for one vendor, so that the demo shows credits
# per contract and per currency (never added together) on one vendor page.
SECOND_CONTRACT = {
    "vendor": "nordlicht-cx",
    "reference": "SOW-NLC-US-2025-01",
    "title": "Nordlicht US overflow voice line (USD)",
    "pricing_model": "per_minute",
    "currency": "USD",
    "monthly_fee": Decimal("56000"),
    "effective": date(2025, 1, 1),
    "credit_pct": Decimal("10"),
    "cap_pct": Decimal("8"),
    # CSAT, FCR and abandonment are charged under this contract (their targets name it).
    "allocation": {"csat": 40, "fcr": 35, "abandonment_rate": 25},
    "rates": [("English-speaking agent, per handled minute", "minute", "0.8200", "")],
}


def _second_contract(demo, manager, today) -> None:
    terms = SECOND_CONTRACT
    vendor = demo.vendors.get(terms["vendor"])
    if vendor is None:
        return
    contract, _ = Contract.objects.update_or_create(
        reference=terms["reference"],
        defaults={
            "vendor": vendor,
            "title": terms["title"],
            "status": "active",
            "effective_date": terms["effective"],
            "end_date": today + timedelta(days=240),
            "auto_renewal": True,
            "renewal_notice_days": 60,
            "pricing_model": terms["pricing_model"],
            "currency": terms["currency"],
            "monthly_fee": terms["monthly_fee"],
            "service_credit_at_risk_percent": terms["credit_pct"],
            "service_credit_cap_percent": terms["cap_pct"],
            "service_credit_allocation": terms["allocation"],
            "owner": manager,
        },
    )
    for position, (description, unit, rate, band) in enumerate(terms["rates"], start=1):
        RateCardLine.objects.update_or_create(
            contract=contract,
            position=position,
            defaults={
                "vendor": vendor,
                "description": description,
                "unit": unit,
                "rate": Decimal(rate),
                "volume_band": band,
            },
        )


@transaction.atomic
def seed(demo) -> None:
    """Add this app's demo rows; ``demo`` holds the vendors and users made so far."""
    manager = demo.users.get("maria.manager")
    today = timezone.localdate()
    partners = {u.vendor.slug: u for u in demo.users.values() if u.is_partner}
    for slug, terms in VENDOR_TERMS.items():
        vendor = demo.vendors.get(slug)
        if vendor is None:
            continue
        contract, _ = Contract.objects.update_or_create(
            reference=terms["reference"],
            defaults={
                "vendor": vendor,
                "title": terms["title"],
                "status": "active",
                "effective_date": terms["effective"],
                "end_date": today + timedelta(days=terms["end_in_days"]),
                "auto_renewal": terms["auto_renewal"],
                "renewal_notice_days": terms["renewal_notice_days"],
                "termination_notice_days": 90,
                "pricing_model": terms["pricing_model"],
                "currency": terms["currency"],
                "monthly_fee": terms["monthly_fee"],
                "service_credit_at_risk_percent": Decimal(terms["values"]["credit_pct"]),
                "service_credit_cap_percent": Decimal(terms["values"]["cap_pct"]),
                "service_credit_allocation": terms["allocation"],
                "owner": manager,
                "internal_notes": "Benchmark rates against the other vendors before renewal.",
            },
        )
        existing = set(contract.clauses.values_list("number", flat=True))
        signed_at = datetime.combine(terms["effective"], time(9, 0), tzinfo=UTC)
        for number, category, party, heading, body in CLAUSES:
            if number in existing:
                continue  # never overwrite: an amendment may have changed it
            created = clause_save(
                clause=Clause(
                    contract=contract,
                    vendor=vendor,
                    number=number,
                    heading=heading,
                    body=_fill(body, terms["values"], terms),
                    category=category,
                    obligated_party=party,
                ),
                by=manager,
            )
            # The demo's first versions date from the signature, so "as of" has a past.
            Clause.history.filter(id=created.pk).update(history_date=signed_at)
        for position, (description, unit, rate, band) in enumerate(terms["rates"], start=1):
            RateCardLine.objects.update_or_create(
                contract=contract,
                position=position,
                defaults={
                    "vendor": vendor,
                    "description": description,
                    "unit": unit,
                    "rate": Decimal(rate),
                    "volume_band": band,
                },
            )
        if not Amendment.objects.filter(contract=contract, reference="Amendment 1").exists():
            number, new_body = terms["amended"]
            clause = contract.clauses.get(number=number)
            amendment = amendment_create(
                contract=contract,
                reference="Amendment 1",
                effective_date=today - timedelta(days=40),
                summary=f"Clause {number} revised after the quarterly business review.",
                by=manager,
            )
            clause.body = new_body
            clause_save(clause=clause, by=manager, amendment=amendment)
            amended_at = datetime.combine(amendment.effective_date, time(9, 0), tzinfo=UTC)
            clause.history.filter(history_type="~").update(history_date=amended_at)
        title, description, impact = terms["scope"]
        partner = partners.get(slug)
        if partner and not ScopeChange.objects.filter(contract=contract, title=title).exists():
            scope_change_propose(
                contract=contract,
                title=title,
                description=description,
                price_impact=impact,
                by=partner,
            )
    _second_contract(demo, manager, today)
