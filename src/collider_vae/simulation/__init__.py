"""Event generation with Pythia 8 and FastJet and a parametric detector response.

Needs the ``simulate`` extra: ``pythia8mc``, ``fastjet`` and ``awkward``.
"""
