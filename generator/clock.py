"""The day a check is made for: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone


def reference_day() -> date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()
