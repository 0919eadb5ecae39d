"""The measure catalogue: default parameters, unit costs (RMB) and lifetimes, as TOML data.

Installed as the package ``retrofit.catalogue``; read by :mod:`retrofit.measures.catalogue`.
There is no code here.
"""
