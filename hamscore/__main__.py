"""``python -m hamscore``: the library's command line."""

from hamscore.cli import main

raise SystemExit(main())
