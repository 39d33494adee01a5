"""职称申报材料助手 — offline helper for Kunming professional-title applications."""

__version__ = "0.1.0"
