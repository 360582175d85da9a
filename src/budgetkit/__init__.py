"""budgetkit: tidy tables and analysis of Chinese budget performance-target disclosures."""

__version__ = "0.1.0"

