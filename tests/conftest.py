"""Test-wide settings, made before any test imports Textual or touches a user folder.

Textual reads TEXTUAL_ANIMATIONS from the process environment, so it is set here, at import,
rather than in a fixture. The player's own settings file, parse cache and crash logs are never
used: each run has a cache and a log folder of its own.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
os.environ["POINTE_EDGE_CONFIG"] = "off"
os.environ.setdefault("POINTE_EDGE_CACHE", tempfile.mkdtemp(prefix="pe-test-cache-"))
os.environ.setdefault("POINTE_EDGE_LOGS", tempfile.mkdtemp(prefix="pe-test-logs-"))
