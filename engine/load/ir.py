"""The IR: what one story file parses into, before the files are linked into a `Story`.

It is plain data (dicts, lists, tuples, strings, numbers) because the load cache stores it with
`marshal`. `IR_VERSION` names its shape: it is part of every cache key and of every story's
fingerprint, so changing the shape without changing the number could serve stale entries.
"""

from __future__ import annotations

IR_VERSION = 1
