"""Synthetic pilot data: the three raw tables of the contract, with planted events and bad input."""

from .config import GOVERNANCE_PLANTS, PLANT_GROUPS, ConfigError, GeneratorConfig
from .core import GenerationResult, GenerationSummary, generate
from .writers import default_manifest_path, write_duckdb, write_generated, write_manifest, write_parquet

__all__ = [
    "GOVERNANCE_PLANTS",
    "PLANT_GROUPS",
    "ConfigError",
    "GenerationResult",
    "GenerationSummary",
    "GeneratorConfig",
    "default_manifest_path",
    "generate",
    "write_duckdb",
    "write_generated",
    "write_manifest",
    "write_parquet",
]
