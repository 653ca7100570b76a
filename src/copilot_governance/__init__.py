"""Governance warehouse for support-AI copilot pilots: data generator, validation, helpers."""

__version__ = "0.2.0"
