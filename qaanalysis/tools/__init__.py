"""Tools around the analysis, not part of it: ``init`` (:mod:`.adopt`), the synthetic authority
(:mod:`.synthetic`) and the audit sample (:mod:`.sampling`).

They may import the analysis packages (sources, config, periods); nothing in the analysis imports them.
"""
