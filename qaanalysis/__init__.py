"""qaanalysis: quality-assurance analytics for English local-authority children's services.

Data flows one way: ``sources`` (validated evidence) -> ``measures`` (Figures, tables, Signals) ->
``triangulate`` (themes read across sources) -> ``narrative`` and ``reports`` (drafted text) ->
``notebooks/`` (thin, shown through ``session.Session``) -> ``pipeline`` (the pack).

For exploring in Python::

    from qaanalysis.config import load_config
    from qaanalysis.sources import load_evidence
    from qaanalysis.periods import parse_period

    evidence = load_evidence(load_config("data_samples/la.yaml"))
    period = parse_period("2026-27-Q2")
"""
