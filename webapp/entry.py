"""The ``hamscore`` console command: the library's commands plus the web app's.

The library must never import the web app, so the dispatch lives here: ``serve``, ``db`` and
``admin`` go to :mod:`webapp.cli`; everything else to :mod:`hamscore.cli`. Each side is imported
only when used, so the library's commands start fast and work without the web extras.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

WEB_COMMANDS = frozenset({"serve", "db", "admin"})


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in WEB_COMMANDS:
        from webapp.cli import main as web_main

        return web_main(args)
    from hamscore.cli import main as library_main

    return library_main(args)
