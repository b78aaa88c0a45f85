"""Minimal SLHA spectra for SUSY signals.

Pythia reads SUSY masses and decay tables only from an SLHA file. A
simplified model needs just the masses of the particles involved, heavy
masses for every other sparticle and the decay table of the produced one.
Pythia warns that the GAUGE and HMIX blocks are missing and then runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# PDG codes of the MSSM sparticles that a MASS block lists.
SPARTICLE_PDG_IDS: tuple[int, ...] = (
    1000001, 1000002, 1000003, 1000004, 1000005, 1000006,
    1000011, 1000012, 1000013, 1000014, 1000015, 1000016,
    2000001, 2000002, 2000003, 2000004, 2000005, 2000006,
    2000011, 2000013, 2000015,
    1000021, 1000022, 1000023, 1000025, 1000035, 1000024, 1000037,
)  # fmt: skip


def format_minimal_slha(spectrum: Mapping[str, Any]) -> str:
    """Format an SLHA file text with the given masses and decay tables.

    Args:
        spectrum: ``masses_gev`` maps PDG codes to masses, every other
            sparticle gets ``decoupled_mass_gev``; ``decays`` maps a PDG code
            to ``width_gev`` and a list of ``[branching_ratio, daughter, ...]``.

    Returns:
        The SLHA text, with MODSEL, SMINPUTS, MASS and DECAY blocks.

    Raises:
        ValueError: If a decay table's branching ratios do not add up to 1.
    """
    masses = {int(pdg): float(mass) for pdg, mass in spectrum["masses_gev"].items()}
    decoupled = float(spectrum["decoupled_mass_gev"])
    lines = [
        "# Minimal spectrum written by collider_vae.simulation.slha",
        "BLOCK MODSEL",
        "    1    0   # general MSSM",
        "BLOCK SMINPUTS",
        "    1    1.27934e+02   # 1/alpha_em(MZ)",
        "    3    1.18000e-01   # alpha_s(MZ)",
        "    4    9.11876e+01   # MZ",
        "    6    1.73000e+02   # mt pole",
        "BLOCK MASS",
    ]
    for pdg in SPARTICLE_PDG_IDS:
        lines.append(f"  {pdg:>8d}   {masses.get(pdg, decoupled):.6e}")

    for pdg, decay in spectrum.get("decays", {}).items():
        channels = decay.get("channels", [])
        total = sum(float(channel[0]) for channel in channels)
        if channels and abs(total - 1.0) > 1e-6:
            raise ValueError(f"Decay table of PDG code {pdg} has branching ratios summing to {total}; expected 1.")
        lines.append(f"DECAY  {int(pdg):>8d}   {float(decay['width_gev']):.6e}")
        for channel in channels:
            daughters = [int(code) for code in channel[1:]]
            codes = "  ".join(f"{code:>8d}" for code in daughters)
            lines.append(f"     {float(channel[0]):.6e}   {len(daughters)}   {codes}")
    return "\n".join(lines) + "\n"
