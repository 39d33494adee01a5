"""reportlab draws with its C accelerators (the rl-accel dependency): it imports them inside exec() and falls
back to Python silently, so a missing or unbundled accelerator would only show as a packet twice as slow."""

from __future__ import annotations

from reportlab.lib import rl_accel


def test_reportlab_uses_its_c_accelerators() -> None:
    used = {"fp_str", "escapePDF", "instanceStringWidthTTF", "calcChecksum"}
    assert used <= set(rl_accel._c_funcs), (
        f"in Python: {sorted(used - set(rl_accel._c_funcs))} (pip install rl-accel)"
    )
    assert rl_accel.fp_str(595.2756, 0.0, 12.5) == "595.2756 0 12.5"
