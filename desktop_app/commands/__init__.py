"""CLI subcommands beyond the foundation's, one module per feature.

Each module defines `register(subparsers)`; every parser it adds sets `handler=fn(args, services) -> int`.
"""

# Feature modules add themselves here (order = order in --help).
MODULES: tuple[str, ...] = (
    "desktop_app.commands.scans",
    "desktop_app.commands.packet",
    "desktop_app.commands.ship",
    "desktop_app.commands.backup",
    "desktop_app.commands.copy_sheet",
)
