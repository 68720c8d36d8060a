"""`main.py lsp`: the language server, for an editor to start and talk to over stdio.

The server (engine/lsp) is imported only when this command runs, so no other command pays
for pygls. Standard output carries the protocol and nothing else: a problem starting is said on
standard error, where an editor puts it in its log.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TextIO


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.log:
        logging.basicConfig(
            filename=args.log, level=logging.DEBUG, format="%(asctime)s %(name)s %(levelname)s %(message)s"
        )
    from engine.lsp.server import serve_stdio

    if out is not sys.stdout:  # only the real standard streams carry the protocol
        sys.stderr.write("lsp: the language server talks over the process's own stdin and stdout\n")
        return 2
    serve_stdio(debounce=args.debounce / 1000)
    return 0
