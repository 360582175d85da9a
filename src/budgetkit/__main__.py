"""Entry point for ``python -m budgetkit``."""

from budgetkit.cli import main

raise SystemExit(main())
