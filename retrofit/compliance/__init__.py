"""Compliance of a new building with the 2016 design standard (GB 50189-2015).

* :mod:`~retrofit.compliance.rules` — rule sets as data (limits, calculation parameters);
* :mod:`~retrofit.compliance.parameters` — the performance path's calculation parameters;
* :mod:`~retrofit.compliance.envelope`, :mod:`~retrofit.compliance.equipment` — the reference
  building (参照建筑) and the prescriptive checks;
* :mod:`~retrofit.compliance.rates` — saving rates, carbon intensity and verdicts (pure);
* :mod:`~retrofit.compliance.comply` — the orchestrator behind ``retrofit comply``.
"""
