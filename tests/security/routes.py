"""The classification table of the isolation matrix: what every route must answer.

Every URL pattern of the project (pages, API, admin) has an entry here; the matrix test
fails for a route that has none. An entry says which of vendor A's objects the route's
parameters name (``args``) and, per method, the outcome for each role in the order of
``ROLES``: anonymous, partner of another vendor, partner of vendor A, executive, manager.

Outcomes: ``OK`` (answered: 2xx, a redirect other than to log-in, or a validation
error for a write the role may make), ``HIDDEN`` (404), ``DENIED`` (403), ``LOGIN``
(anonymous sent to log in, or 401 from the API), ``NOT_ALLOWED`` (405).

The rules the table encodes (SPEC §2):
- a partner of another vendor gets 404 on every route that names one of vendor A's
  objects, whatever the method (reads and writes): existence never leaks;
- a role that may read but not change something gets 403 on the change;
- anonymous callers are sent to log in (the API answers 401), except on the public
  pages (log-in, password reset, health) and the calendar feed, whose secret key is the
  credential.

To classify a new route: add an entry below, with ``args`` naming vendor A's object when
the route takes one, and the outcome of each method for each role. Methods not listed
must answer 405 to every signed-in role (and log-in or 405 to anonymous callers, as
``others`` says).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.security.matrix import DENIED, HIDDEN, LOGIN, NOT_ALLOWED, OK
from tests.security.world import World

Row = tuple[str, str, str, str, str]  # anonymous, other partner, same partner, exec, manager
Args = Callable[[World, str], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    expect: dict[str, Row]
    args: Args = field(default=lambda w, role: {})
    # What anonymous callers get for a method not in ``expect`` (signed-in callers: any
    # refusal, 403/404/405, since no such method exists for anyone).
    others: str = LOGIN
    body: Callable[[World], dict] | None = None  # instead of the generic probe body
    stateful: bool = False  # ``args`` may write (it makes what it names)
    note: str = ""


# Rows used again and again: (anonymous, other partner, same partner, exec, manager).
PUBLIC = (OK, OK, OK, OK, OK)
SIGNED_IN = (LOGIN, OK, OK, OK, OK)
OWN_READ = (LOGIN, HIDDEN, OK, OK, OK)  # vendor A's object: its partners and the client
OWN_WRITE_MANAGER = (LOGIN, HIDDEN, DENIED, DENIED, OK)
OWN_WRITE_PARTNER = (LOGIN, HIDDEN, OK, DENIED, OK)  # partners answer, the client drives
OWN_PARTNER_ONLY = (LOGIN, HIDDEN, OK, DENIED, DENIED)  # the vendor's own act (acknowledge)
OWN_RECIPIENT = (LOGIN, HIDDEN, OK, HIDDEN, HIDDEN)  # partner A's own notification
CLIENT_READ = (LOGIN, DENIED, DENIED, OK, OK)  # rankings: never shown to partners
CLIENT_TOOL = (LOGIN, HIDDEN, HIDDEN, OK, OK)  # a client-side tool partners never see
MANAGER_ONLY = (LOGIN, DENIED, DENIED, DENIED, OK)
PARTNER_OR_MANAGER = (LOGIN, OK, OK, DENIED, OK)  # raising a dispute, proposing scope
NO_ONE = (NOT_ALLOWED,) * 5
# A role check that comes before the method check: 403 to the role, 405 to the manager.
MANAGER_PAGE_OTHER = (LOGIN, DENIED, DENIED, DENIED, NOT_ALLOWED)
CLIENT_PAGE_OTHER = (LOGIN, DENIED, DENIED, NOT_ALLOWED, NOT_ALLOWED)


def _a(kind: str, attr: str = "pk", name: str = "pk") -> Args:
    return lambda w, role: {name: getattr(w.a[kind], attr)}


VENDOR_A: Args = lambda w, role: {"slug": w.vendor_a.slug}  # noqa: E731
CONTRACT_A = _a("contract")
CLAUSE_A = _a("clause")
MEETING_A = _a("meeting")
SERIES_A = _a("series")
DISPUTE_A = _a("dispute", "reference", "reference")
PUBLISHED_A = _a("published")
MEASUREMENT_A = _a("measurement")
CREDIT_A = _a("credit")
PLAN_A = _a("plan")


def _feed_key(w: World, role: str) -> dict[str, str]:
    """The caller's own feed key; anonymous calendar apps use partner B's."""
    from meetings.models import CalendarFeedToken

    user = w.partner_a if role == "same_partner" else w.partner_b
    if role in ("exec", "manager"):
        user = w.manager if role == "manager" else w.executive
    token = CalendarFeedToken.objects.live().filter(user=user).first()
    token = token or CalendarFeedToken.objects.create(user=user)
    return {"key": token.key}


# --- Pages ------------------------------------------------------------------------------
PAGES: dict[str, Route] = {
    "": Route({"GET": SIGNED_IN}),
    "healthz": Route({"GET": PUBLIC}, others=NOT_ALLOWED),
    "accounts/login/": Route(
        {
            "GET": PUBLIC,
            "POST": PUBLIC,
            "PUT": PUBLIC,
            "DELETE": (NOT_ALLOWED, OK, OK, OK, OK),
        },
        others=NOT_ALLOWED,
        note="Signed-in callers are redirected home whatever the method.",
    ),
    "accounts/profile/": Route(
        {m: SIGNED_IN for m in ("GET", "POST", "PUT", "DELETE")},
        note="The caller's own profile; PUT/DELETE render it like GET (no change).",
    ),
    "accounts/logout/": Route(
        {"POST": (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)},
        others=NOT_ALLOWED,
        note="Log-out sends everyone to the log-in page.",
    ),
    "accounts/password_change/": Route({m: SIGNED_IN for m in ("GET", "POST", "PUT")}),
    "accounts/password_change/done/": Route({"GET": SIGNED_IN}),
    "accounts/password_reset/": Route(
        {"GET": PUBLIC, "POST": PUBLIC, "PUT": PUBLIC}, others=NOT_ALLOWED
    ),
    "accounts/password_reset/done/": Route({"GET": PUBLIC}, others=NOT_ALLOWED),
    "accounts/reset/<uidb64>/<token>/": Route(
        {m: PUBLIC for m in ("GET", "POST", "PUT", "DELETE")},
        args=lambda w, role: {"uidb64": "MQ", "token": "set-password"},
        note="An invalid link answers the same page to everyone.",
    ),
    "accounts/reset/done/": Route({"GET": PUBLIC}, others=NOT_ALLOWED),
    # vendorhub
    "vendors/": Route({"GET": SIGNED_IN}, note="Partners are redirected to their vendor."),
    "vendors/new/": Route(
        {m: MANAGER_ONLY for m in ("GET", "POST", "PUT", "DELETE")},
        note="PUT/DELETE render the empty form to a manager (no change).",
    ),
    "vendors/<slug:slug>/": Route({"GET": OWN_READ}, args=VENDOR_A),
    "vendors/<slug:slug>/edit/": Route(
        {m: OWN_WRITE_MANAGER for m in ("GET", "POST", "PUT", "DELETE")}, args=VENDOR_A
    ),
    "notifications/": Route({"GET": SIGNED_IN}),
    "notifications/<int:pk>/read/": Route({"POST": OWN_RECIPIENT}, args=_a("notification")),
    "notifications/read-all/": Route({"POST": SIGNED_IN}),
    "operations/reminders/": Route(
        {
            "GET": MANAGER_ONLY,
            "POST": MANAGER_PAGE_OTHER,
            "PUT": MANAGER_PAGE_OTHER,
            "DELETE": MANAGER_PAGE_OTHER,
        }
    ),
    "operations/reminders/emails/<int:pk>/": Route(
        {"POST": MANAGER_ONLY},
        args=_a("email"),
        body=lambda w: {"action": "send_again"},
        note="Outbox rows belong to the client's operations: managers only.",
    ),
    # contracts
    "contracts/": Route({"GET": SIGNED_IN}),
    "contracts/renewals/": Route({"GET": SIGNED_IN}),
    "contracts/new/": Route(
        {
            "GET": MANAGER_ONLY,
            "POST": MANAGER_ONLY,
            "PUT": MANAGER_PAGE_OTHER,
            "DELETE": MANAGER_PAGE_OTHER,
        }
    ),
    "contracts/<int:pk>/": Route({"GET": OWN_READ}, args=CONTRACT_A),
    "contracts/<int:pk>/edit/": Route(
        {"GET": OWN_WRITE_MANAGER, "POST": OWN_WRITE_MANAGER}, args=CONTRACT_A
    ),
    "contracts/<int:pk>/clauses/new/": Route({"POST": OWN_WRITE_MANAGER}, args=CONTRACT_A),
    "contracts/<int:pk>/amendments/new/": Route({"POST": OWN_WRITE_MANAGER}, args=CONTRACT_A),
    "contracts/<int:pk>/scope-changes/new/": Route(
        {"POST": OWN_WRITE_PARTNER}, args=CONTRACT_A, note="Either side proposes a change."
    ),
    "contracts/<int:pk>/rate-lines/new/": Route({"POST": OWN_WRITE_MANAGER}, args=CONTRACT_A),
    "contracts/amendments/<int:pk>/edit/": Route(
        {"GET": OWN_WRITE_MANAGER, "POST": OWN_WRITE_MANAGER}, args=_a("amendment")
    ),
    "contracts/rate-lines/<int:pk>/edit/": Route(
        {"GET": OWN_WRITE_MANAGER, "POST": OWN_WRITE_MANAGER}, args=_a("rate_line")
    ),
    "contracts/<int:pk>/documents/new/": Route({"POST": OWN_WRITE_MANAGER}, args=CONTRACT_A),
    "contracts/clauses/search/": Route({"GET": SIGNED_IN}),
    "contracts/clauses/<int:pk>/": Route({"GET": OWN_READ}, args=CLAUSE_A),
    "contracts/clauses/<int:pk>/edit/": Route(
        {"GET": OWN_WRITE_MANAGER, "POST": OWN_WRITE_MANAGER}, args=CLAUSE_A
    ),
    "contracts/clauses/<int:pk>/history/": Route({"GET": OWN_READ}, args=CLAUSE_A),
    "contracts/scope-changes/<int:pk>/decide/": Route(
        {"POST": OWN_WRITE_MANAGER}, args=_a("scope_change")
    ),
    "contracts/documents/<int:pk>/": Route({"GET": OWN_READ}, args=_a("document")),
    # meetings
    "meetings/": Route({"GET": SIGNED_IN}),
    "meetings/new/": Route(
        {
            "GET": MANAGER_ONLY,
            "POST": MANAGER_ONLY,
            "PUT": MANAGER_PAGE_OTHER,
            "DELETE": MANAGER_PAGE_OTHER,
        }
    ),
    "meetings/actions/": Route({"GET": SIGNED_IN}),
    "meetings/actions/<int:pk>/status/": Route(
        {"POST": OWN_WRITE_PARTNER},
        args=_a("action_item"),
        body=lambda w: {"status": "in_progress"},
        note="Partner A owns the item; the executive may not move it.",
    ),
    "meetings/<int:pk>/": Route({"GET": OWN_READ}, args=MEETING_A),
    "meetings/<int:pk>/edit/": Route(
        {"GET": OWN_WRITE_MANAGER, "POST": OWN_WRITE_MANAGER}, args=MEETING_A
    ),
    "meetings/<int:pk>/respond/": Route({"POST": OWN_WRITE_PARTNER}, args=MEETING_A),
    "meetings/<int:pk>/agenda/": Route({"POST": OWN_WRITE_PARTNER}, args=MEETING_A),
    "meetings/<int:pk>/agenda/suggestion/": Route({"POST": OWN_WRITE_MANAGER}, args=MEETING_A),
    "meetings/<int:pk>/minutes/": Route({"POST": OWN_WRITE_MANAGER}, args=MEETING_A),
    "meetings/<int:pk>/invite/": Route({"POST": OWN_WRITE_MANAGER}, args=MEETING_A),
    "meetings/<int:pk>/attendance/": Route({"POST": OWN_WRITE_MANAGER}, args=MEETING_A),
    "meetings/<int:pk>/actions/": Route({"POST": OWN_WRITE_MANAGER}, args=MEETING_A),
    "meetings/<int:pk>/meeting.ics": Route({"GET": OWN_READ}, args=MEETING_A),
    "meetings/series/": Route({"GET": SIGNED_IN}),
    "meetings/series/new/": Route(
        {
            "GET": MANAGER_ONLY,
            "POST": MANAGER_ONLY,
            "PUT": MANAGER_PAGE_OTHER,
            "DELETE": MANAGER_PAGE_OTHER,
        }
    ),
    "meetings/series/<int:pk>/": Route({"GET": OWN_READ}, args=SERIES_A),
    "meetings/series/<int:pk>/edit/": Route(
        {"GET": OWN_WRITE_MANAGER, "POST": OWN_WRITE_MANAGER}, args=SERIES_A
    ),
    "meetings/slots/": Route({"GET": CLIENT_TOOL}, note="The slot finder is client-side."),
    "meetings/calendar-feed/": Route({"GET": SIGNED_IN}),
    "meetings/calendar-feed/new/": Route({"POST": SIGNED_IN}),
    "meetings/calendar-feed/revoke/": Route({"POST": SIGNED_IN}),
    "meetings/calendar-feed/scope/": Route(
        {"POST": SIGNED_IN}, note="The caller's own feed; 'all' is refused to non-managers."
    ),
    "meetings/feed/<str:key>.ics": Route(
        {"GET": PUBLIC},
        args=_feed_key,
        others=NOT_ALLOWED,
        stateful=True,
        note="The secret key is the credential (calendar apps cannot log in): each role "
        "asks with its own key, anonymous with partner B's; the body is checked for "
        "vendor A's canaries like any other.",
    ),
    # action plans
    "action-plans/": Route({"GET": SIGNED_IN}),
    "action-plans/new/": Route({"GET": PARTNER_OR_MANAGER, "POST": PARTNER_OR_MANAGER}),
    "action-plans/<int:pk>/": Route({"GET": OWN_READ}, args=PLAN_A),
    "action-plans/<int:pk>/edit/": Route(
        {"GET": OWN_WRITE_PARTNER, "POST": OWN_WRITE_PARTNER},
        args=PLAN_A,
        note="A partner edits its vendor's plan while it is proposed (the world's is).",
    ),
    "action-plans/<int:pk>/transition/": Route(
        {"POST": OWN_WRITE_PARTNER},
        args=PLAN_A,
        note="The vendor's partner starts agreed work; the probe's move is a 400 to both.",
    ),
    "action-plans/<int:pk>/milestones/": Route({"POST": OWN_WRITE_PARTNER}, args=PLAN_A),
    "action-plans/<int:pk>/milestones/<int:milestone_id>/": Route(
        {"POST": OWN_WRITE_PARTNER},
        args=lambda w, role: {"pk": w.a["plan"].pk, "milestone_id": w.a["milestone"].pk},
        note="The vendor's own milestone: its partner and managers tick it.",
    ),
    "action-plans/<int:pk>/comment/": Route({"POST": OWN_WRITE_PARTNER}, args=PLAN_A),
    "action-plans/<int:pk>/escalate/": Route(
        {"POST": OWN_WRITE_MANAGER},
        args=PLAN_A,
        note="Only a failed plan escalates: the world's proposed plan is a 400 to managers.",
    ),
    "action-plans/<int:pk>/files/<int:event_id>/": Route(
        {"GET": OWN_READ},
        args=lambda w, role: {"pk": w.a["plan"].pk, "event_id": w.a["plan_evidence"].pk},
    ),
    # disputes
    "disputes/": Route({"GET": SIGNED_IN}),
    "disputes/export.csv": Route({"GET": SIGNED_IN}),
    "disputes/new/": Route({"GET": PARTNER_OR_MANAGER, "POST": PARTNER_OR_MANAGER}),
    "disputes/similar/": Route({"GET": SIGNED_IN}),
    "disputes/<str:reference>/": Route({"GET": OWN_READ}, args=DISPUTE_A),
    "disputes/<str:reference>/edit/": Route(
        {"GET": OWN_WRITE_MANAGER, "POST": OWN_WRITE_MANAGER}, args=DISPUTE_A
    ),
    "disputes/<str:reference>/transition/": Route({"POST": OWN_WRITE_PARTNER}, args=DISPUTE_A),
    "disputes/<str:reference>/comment/": Route({"POST": OWN_WRITE_PARTNER}, args=DISPUTE_A),
    "disputes/<str:reference>/respond/": Route({"POST": OWN_WRITE_PARTNER}, args=DISPUTE_A),
    "disputes/<str:reference>/playbook/": Route({"POST": OWN_WRITE_MANAGER}, args=DISPUTE_A),
    "disputes/<str:reference>/clock/": Route(
        {"POST": OWN_WRITE_PARTNER}, args=DISPUTE_A, note="Partners may ask for a pause."
    ),
    "disputes/<str:reference>/files/<int:event_id>/": Route(
        {"GET": OWN_READ},
        args=lambda w, role: {
            "reference": w.a["dispute"].reference,
            "event_id": w.a["evidence"].pk,
        },
    ),
    # scorecards
    "scorecards/": Route({"GET": SIGNED_IN}, note="A redirect to the caller's scorecards."),
    "scorecards/dashboard/": Route(
        {
            "GET": CLIENT_READ,
            "POST": CLIENT_PAGE_OTHER,
            "PUT": CLIENT_PAGE_OTHER,
            "DELETE": CLIENT_PAGE_OTHER,
        }
    ),
    "scorecards/dashboard/export.csv": Route(
        {
            "GET": CLIENT_READ,
            "POST": CLIENT_PAGE_OTHER,
            "PUT": CLIENT_PAGE_OTHER,
            "DELETE": CLIENT_PAGE_OTHER,
        }
    ),
    "scorecards/vendor/<slug:slug>/": Route({"GET": OWN_READ}, args=VENDOR_A),
    "scorecards/vendor/<slug:slug>/publish/": Route({"POST": OWN_WRITE_MANAGER}, args=VENDOR_A),
    "scorecards/vendor/<slug:slug>/scorecard.pdf": Route({"GET": OWN_READ}, args=VENDOR_A),
    "scorecards/vendor/<slug:slug>/qbr.pdf": Route(
        {"GET": OWN_READ}, args=VENDOR_A, note="The QBR pack, read through the caller's scope."
    ),
    "scorecards/vendor/<slug:slug>/targets/": Route(
        {"GET": OWN_READ, "POST": OWN_WRITE_MANAGER}, args=VENDOR_A
    ),
    "scorecards/vendor/<slug:slug>/credits/": Route({"GET": OWN_READ}, args=VENDOR_A),
    "scorecards/vendor/<slug:slug>/credits/move/": Route(
        {"POST": OWN_WRITE_MANAGER}, args=VENDOR_A
    ),
    "scorecards/credits/<int:pk>/dispute/": Route({"POST": OWN_PARTNER_ONLY}, args=CREDIT_A),
    "scorecards/published/<int:pk>/": Route({"GET": OWN_READ}, args=PUBLISHED_A),
    "scorecards/published/<int:pk>/acknowledge/": Route(
        {"POST": OWN_PARTNER_ONLY}, args=PUBLISHED_A
    ),
    "scorecards/published/<int:pk>/appeal/": Route({"POST": OWN_PARTNER_ONLY}, args=PUBLISHED_A),
    "scorecards/published/<int:pk>/restate/": Route(
        {"POST": OWN_WRITE_MANAGER}, args=PUBLISHED_A, note="A new version; the client's act."
    ),
    "scorecards/measurements/": Route({"GET": SIGNED_IN}),
    "scorecards/measurements/new/": Route(
        {"GET": PARTNER_OR_MANAGER, "POST": PARTNER_OR_MANAGER},
        note="Partners submit their own vendor's data, vendor-reported (vendor choice scoped).",
    ),
    "scorecards/measurements/<int:pk>/": Route({"GET": OWN_READ}, args=MEASUREMENT_A),
    "scorecards/measurements/<int:pk>/edit/": Route(
        {"GET": OWN_WRITE_MANAGER, "POST": OWN_WRITE_MANAGER},
        args=MEASUREMENT_A,
        note="A's row is client-measured: its partner may read it but not change it.",
    ),
    "scorecards/measurements/<int:pk>/delete/": Route(
        {"POST": OWN_WRITE_MANAGER},
        args=MEASUREMENT_A,
        note="The probe names no version: the manager's delete is refused as stale.",
    ),
    "scorecards/measurements/import/": Route(
        {"GET": PARTNER_OR_MANAGER, "POST": PARTNER_OR_MANAGER},
        note="Partners import their own vendor's data (the vendor choice is scoped).",
    ),
    "scorecards/measurements/import/template.csv": Route({"GET": PARTNER_OR_MANAGER}),
}


# --- API (/api/v1/) -----------------------------------------------------------------------
# Keyed by route name. Signed-in callers get a refusal (403 from the permission check
# that comes first, or 405) for methods a route does not take; anonymous callers 401.
# OPTIONS answers DRF's metadata (field descriptions, never an object) to signed-in
# callers, the same for an object in scope, outside it, or missing.
def _obj(collection: str, name: str = "pk") -> Args:
    from tests.security.world import API_OBJECTS

    return lambda w, role: {name: API_OBJECTS[collection](w)}


def _collection(create: Row | None = None) -> Route:
    expect = {"GET": SIGNED_IN, "OPTIONS": SIGNED_IN}
    if create:
        expect["POST"] = create
    return Route(expect)


def _detail(collection: str, write: Row | None = None, name: str = "pk") -> Route:
    expect = {"GET": OWN_READ, "OPTIONS": SIGNED_IN}
    if write:
        expect |= {"PUT": write, "PATCH": write}
    return Route(expect, args=_obj(collection, name))


API: dict[str, Route] = {
    "api:api-token": Route(
        {"POST": PUBLIC, "OPTIONS": PUBLIC},
        others=NOT_ALLOWED,
        note="Anonymous by design (it hands out tokens); bad credentials are a 400.",
    ),
    "api:api-schema": Route({"GET": PUBLIC, "OPTIONS": PUBLIC}, others=NOT_ALLOWED),
    "api:api-docs": Route({"GET": PUBLIC}, others=NOT_ALLOWED),
    "api:api-root": _collection(),
    "api:vendor-list": _collection(create=MANAGER_ONLY),
    "api:vendor-detail": _detail("vendors", OWN_WRITE_MANAGER, name="slug"),
    "api:notification-list": _collection(),
    "api:notification-read-all": Route({"POST": SIGNED_IN, "OPTIONS": SIGNED_IN}),
    "api:notification-detail": Route(
        {"GET": OWN_RECIPIENT, "OPTIONS": SIGNED_IN}, args=_obj("notifications")
    ),
    "api:notification-read": Route(
        {"POST": OWN_RECIPIENT, "OPTIONS": SIGNED_IN}, args=_obj("notifications")
    ),
    "api:contract-list": _collection(create=MANAGER_ONLY),
    "api:contract-detail": _detail("contracts", OWN_WRITE_MANAGER),
    "api:clause-list": _collection(create=MANAGER_ONLY),
    "api:clause-detail": _detail("clauses", OWN_WRITE_MANAGER),
    "api:scopechange-list": _collection(create=PARTNER_OR_MANAGER),
    "api:scopechange-detail": _detail("scope-changes"),
    "api:meetingseries-list": _collection(create=MANAGER_ONLY),
    "api:meetingseries-detail": _detail("meeting-series", OWN_WRITE_MANAGER),
    "api:meeting-list": _collection(create=MANAGER_ONLY),
    "api:meeting-detail": _detail("meetings", OWN_WRITE_MANAGER),
    "api:meeting-agenda": Route(
        {"GET": OWN_READ, "POST": OWN_WRITE_PARTNER, "OPTIONS": SIGNED_IN},
        args=_obj("meetings"),
    ),
    "api:meeting-attendance": Route(
        {"GET": OWN_READ, "POST": OWN_WRITE_PARTNER, "OPTIONS": SIGNED_IN},
        args=_obj("meetings"),
        body=lambda w: {"user": w.partner_a.username, "status": "accepted"},
        note="Partner A answers its own invitation.",
    ),
    "api:actionitem-list": _collection(create=MANAGER_ONLY),
    "api:actionitem-detail": _detail("action-items", OWN_WRITE_PARTNER),
    "api:dispute-list": _collection(create=PARTNER_OR_MANAGER),
    "api:dispute-detail": _detail("disputes", OWN_WRITE_MANAGER),
    "api:dispute-attachments": Route(
        {"POST": OWN_WRITE_PARTNER, "OPTIONS": SIGNED_IN}, args=_obj("disputes")
    ),
    "api:dispute-comments": Route(
        {"GET": OWN_READ, "POST": OWN_WRITE_PARTNER, "OPTIONS": SIGNED_IN},
        args=_obj("disputes"),
    ),
    "api:dispute-respond": Route(
        {"POST": OWN_WRITE_PARTNER, "OPTIONS": SIGNED_IN}, args=_obj("disputes")
    ),
    "api:dispute-timeline": Route({"GET": OWN_READ, "OPTIONS": SIGNED_IN}, args=_obj("disputes")),
    "api:dispute-transition": Route(
        {"POST": (LOGIN, HIDDEN, DENIED, DENIED, OK), "OPTIONS": SIGNED_IN},
        args=_obj("disputes"),
        note="The probe asks for under_review: a move only the client makes (403 to A).",
    ),
    "api:actionplan-list": _collection(create=PARTNER_OR_MANAGER),
    "api:actionplan-detail": _detail("action-plans", OWN_WRITE_PARTNER),
    "api:actionplan-transition": Route(
        {"POST": (LOGIN, HIDDEN, DENIED, DENIED, OK), "OPTIONS": SIGNED_IN},
        args=_obj("action-plans"),
        body=lambda w: {"to": "verified", "version": w.a["plan"].version},
        note="Verifying is the client's move (403 to the vendor's partner); from proposed "
        "it is illegal (400 to the manager), so the probe leaves the plan as it was.",
    ),
    "api:actionplan-milestones": Route(
        {"GET": OWN_READ, "POST": OWN_WRITE_PARTNER, "OPTIONS": SIGNED_IN},
        args=_obj("action-plans"),
    ),
    "api:actionplan-milestone": Route(
        {"PATCH": OWN_WRITE_PARTNER, "OPTIONS": SIGNED_IN},
        args=lambda w, role: {"pk": w.a["plan"].pk, "milestone_id": w.a["milestone"].pk},
    ),
    "api:actionplan-timeline": Route(
        {"GET": OWN_READ, "OPTIONS": SIGNED_IN}, args=_obj("action-plans")
    ),
    "api:actionplan-escalate": Route(
        {"POST": OWN_WRITE_MANAGER, "OPTIONS": SIGNED_IN}, args=_obj("action-plans")
    ),
    "api:actionplan-comments": Route(
        {"POST": OWN_WRITE_PARTNER, "OPTIONS": SIGNED_IN}, args=_obj("action-plans")
    ),
    "api:kpi-list": _collection(create=MANAGER_ONLY),
    "api:kpi-detail": Route(
        {"GET": SIGNED_IN, "PUT": MANAGER_ONLY, "PATCH": MANAGER_ONLY, "OPTIONS": SIGNED_IN},
        args=_obj("kpis", name="code"),
        note="KPI definitions are shared by every vendor.",
    ),
    "api:target-list": _collection(create=MANAGER_ONLY),
    "api:target-detail": _detail("targets", OWN_WRITE_MANAGER),
    "api:measurement-list": _collection(create=PARTNER_OR_MANAGER),
    "api:measurement-detail": _detail("measurements", OWN_WRITE_MANAGER),
    "api:measurement-import": Route(
        {"POST": PARTNER_OR_MANAGER, "OPTIONS": SIGNED_IN},
        note="The vendor is named in the body, among those the caller may see (400 else).",
    ),
    "api:scorecard-list": _collection(),
    "api:credit-list": _collection(create=MANAGER_ONLY),
    "api:credit-detail": _detail("credits"),
    "api:credit-transition": Route(
        {"POST": OWN_WRITE_MANAGER, "OPTIONS": SIGNED_IN}, args=_obj("credits")
    ),
    "api:credit-dispute": Route(
        {"POST": OWN_PARTNER_ONLY, "OPTIONS": SIGNED_IN},
        args=_obj("credits"),
        note="The vendor's own act: only its partners dispute a claim against it.",
    ),
}


# --- The Django admin ---------------------------------------------------------------------
# Superusers only: every other caller (no cast member is staff) is sent to the admin's
# log-in, except on the log-in page itself.
ADMIN_PREFIX = "admin/"
ADMIN_DEFAULT = Route({"GET": (LOGIN,) * 5, "POST": (LOGIN,) * 5})
ADMIN: dict[str, Route] = {
    "admin/login/": Route({"GET": PUBLIC, "POST": PUBLIC}),
    "admin/logout/": Route({"GET": PUBLIC, "POST": PUBLIC}, note="Redirects to the index."),
}


# --- Cells whose rule is written but not yet kept ------------------------------------------
# Strict xfails: a cell listed here turns red the moment its rule is kept, and must then
# be removed. Empty since the `core` branch made a partner's write to another vendor's
# object through the API a 404 (it was a 403 on the PUT/PATCH of seven models).
KNOWN_GAPS: dict[tuple[str, str, str], str] = {}


def entry_for(key: str) -> Route | None:
    """The table entry of a route key, or None when the route is not classified."""
    if key.startswith(ADMIN_PREFIX):
        return ADMIN.get(key, ADMIN_DEFAULT)
    return PAGES.get(key) or API.get(key)
