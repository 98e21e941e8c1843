"""Who sees a comment is chosen each time on the client side: nothing pre-ticked, and a
comment without a choice is refused, not shared with the vendor (issue 13, "Feedback")."""

from __future__ import annotations

import re

from disputes.models import DisputeEvent


def _radios(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="visibility"[^>]*>', html)


def test_no_visibility_is_preselected(dispute_a, manager, client_for):
    html = client_for(manager).get(dispute_a.get_absolute_url()).content.decode()
    radios = _radios(html)
    assert len(radios) == 2
    assert not any("checked" in radio for radio in radios)


def test_comment_without_a_choice_is_refused_and_not_shared(
    dispute_a, manager, partner_a, client_for
):
    before = DisputeEvent.objects.filter(dispute=dispute_a).count()
    response = client_for(manager).post(
        f"/disputes/{dispute_a.reference}/comment/",
        {"body": "Legal view: terminate"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose who sees this comment: shared with the vendor, or internal." in html
    assert "data-error-summary" in html  # the summary takes focus
    assert DisputeEvent.objects.filter(dispute=dispute_a).count() == before
    partner_html = client_for(partner_a).get(dispute_a.get_absolute_url()).content.decode()
    assert "Legal view: terminate" not in partner_html


def test_internal_choice_stays_internal(dispute_a, manager, partner_a, client_for):
    client_for(manager).post(
        f"/disputes/{dispute_a.reference}/comment/",
        {"body": "Legal view: terminate", "visibility": "internal"},
    )
    assert (
        "Legal view: terminate"
        in client_for(manager).get(dispute_a.get_absolute_url()).content.decode()
    )
    partner_html = client_for(partner_a).get(dispute_a.get_absolute_url()).content.decode()
    assert "Legal view: terminate" not in partner_html


def test_partner_comments_without_a_choice_they_cannot_make(dispute_a, partner_a, client_for):
    client = client_for(partner_a)
    assert _radios(client.get(dispute_a.get_absolute_url()).content.decode()) == []
    response = client.post(
        f"/disputes/{dispute_a.reference}/comment/", {"body": "Roster attached tomorrow"}
    )
    assert response.status_code == 302
    assert "Roster attached tomorrow" in client.get(dispute_a.get_absolute_url()).content.decode()
