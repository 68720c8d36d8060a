"""The app's tests write crash logs (on purpose, or when a test finds a bug) to a folder of
their own, never to the player's."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("POINTE_EDGE_LOGS", tempfile.mkdtemp(prefix="pe-test-logs-"))
