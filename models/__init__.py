"""Shanghai archetype recipes (TOML data), installed as ``retrofit.archetypes_data``."""
