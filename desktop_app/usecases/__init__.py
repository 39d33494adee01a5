"""Use cases that join storage, forms and rules for the GUI and the CLI (no Qt)."""
