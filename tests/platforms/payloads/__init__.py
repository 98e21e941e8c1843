"""Sample platform responses in the platforms' documented shapes (see each parser's
docstring): several days, two queues, a service-level threshold and short abandons,
plus malformed variants whose faults the parser tests list one by one."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent


def load(name: str):
    """A fresh copy of ``<name>.json`` (tests may edit it)."""
    return json.loads((HERE / f"{name}.json").read_text())
