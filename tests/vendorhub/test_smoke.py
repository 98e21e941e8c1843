from __future__ import annotations

import pytest


@pytest.mark.parametrize("who", ["manager", "executive", "partner_a"])
def test_home_renders_for_each_role(request, client_for, who):
    user = request.getfixturevalue(who)
    response = client_for(user).get("/")
    assert response.status_code == 200
