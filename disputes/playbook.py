"""Good practice per dispute type (SPEC section 1), as a checklist the owner ticks off.

The steps are code, not data: they are the product's advice. What is stored per
dispute is only which step keys were ticked, by whom and when (``Dispute.playbook``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlaybookItem:
    key: str
    label: str


PLAYBOOKS: dict[str, tuple[PlaybookItem, ...]] = {
    "underperformance": (
        PlaybookItem("numbers_shared", "Share the measured figures and the target they miss"),
        PlaybookItem("root_cause_joint", "Work out the root cause together with the vendor"),
        PlaybookItem(
            "contract_sanctions", "Check the contract: service credits, penalties, termination"
        ),
        PlaybookItem("working_meeting", "Hold a working meeting to agree corrective actions"),
        PlaybookItem("actions_tracked", "Track the agreed actions to completion and re-measure"),
        PlaybookItem(
            "exit_terms", "If switching vendor is on the table, follow the termination terms"
        ),
    ),
    "breach": (
        PlaybookItem("facts_only", "State only facts: what, when, evidence — no judgement"),
        PlaybookItem("exact_clause", "Quote the exact clause that was violated"),
        PlaybookItem("direct_talk", "Raise it directly with the accountable person, no hints"),
        PlaybookItem("remedy_agreed", "Agree the remedy and the date it is in place"),
        PlaybookItem("written_record", "Confirm the outcome in writing"),
    ),
    "pricing": (
        PlaybookItem("figures_open", "Raise it openly, with the invoice lines and figures"),
        PlaybookItem(
            "pricing_model", "Check what the pricing model rewards (per contact, minute, FTE…)"
        ),
        PlaybookItem("vendor_costs", "Consider the vendor's own costs and staff"),
        PlaybookItem("rate_card", "Compare with the contract's rate card"),
        PlaybookItem("agreement_written", "Write down the agreed price or credit"),
    ),
    "miscommunication": (
        PlaybookItem("topic_named", "Name the topic that was not discussed"),
        PlaybookItem("cadence_agreed", "Agree a regular meeting cadence and one channel"),
        PlaybookItem("urgent_first", "Put the most urgent items first on the next agenda"),
        PlaybookItem("written_follow_up", "Send clear written follow-up after each meeting"),
    ),
}


def playbook_items(dispute_type: str) -> tuple[PlaybookItem, ...]:
    return PLAYBOOKS.get(dispute_type, ())


def playbook_state(dispute) -> list[dict]:
    """The checklist of ``dispute`` with each step's tick (who and when), in order."""
    ticks = dispute.playbook or {}
    return [
        {"key": item.key, "label": item.label, "tick": ticks.get(item.key)}
        for item in playbook_items(dispute.type)
    ]
