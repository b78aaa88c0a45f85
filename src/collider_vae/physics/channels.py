"""DarkMachines analysis channels, as event selections.

Cuts of the DarkMachines unsupervised challenge (arXiv:2105.14027, section 2),
with energies in GeV and HT the scalar sum of jet and b-jet pT:

- chan1: HT >= 600, MET >= 200, MET/HT >= 0.2, at least four (b-)jets with
  pT > 50 and at least one with pT > 200;
- chan2a: MET >= 50 and at least three electrons or muons with pT > 15;
- chan2b: MET >= 50, HT >= 50 and at least two electrons or muons with pT > 15;
- chan3: HT >= 600 and MET >= 100.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from collider_vae.physics.event_quantities import ht_gev, met_gev, n_jets, n_leptons


def _chan1(events: pa.Table) -> np.ndarray:
    ht, met = ht_gev(events), met_gev(events)
    ratio = np.divide(met, ht, out=np.zeros_like(met), where=ht > 0)
    return (ht >= 600) & (met >= 200) & (ratio >= 0.2) & (n_jets(events, 50) >= 4) & (n_jets(events, 200) >= 1)


def _chan2a(events: pa.Table) -> np.ndarray:
    return (met_gev(events) >= 50) & (n_leptons(events, 15) >= 3)


def _chan2b(events: pa.Table) -> np.ndarray:
    return (met_gev(events) >= 50) & (ht_gev(events) >= 50) & (n_leptons(events, 15) >= 2)


def _chan3(events: pa.Table) -> np.ndarray:
    return (ht_gev(events) >= 600) & (met_gev(events) >= 100)


def _no_selection(events: pa.Table) -> np.ndarray:
    return np.ones(events.num_rows, dtype=bool)


CHANNELS: dict[str, Callable[[pa.Table], np.ndarray]] = {
    "none": _no_selection,
    "chan1": _chan1,
    "chan2a": _chan2a,
    "chan2b": _chan2b,
    "chan3": _chan3,
}


def channel_mask(events: pa.Table, channel: str) -> np.ndarray:
    """Flag the events that pass a channel's selection.

    Raises:
        ValueError: If ``channel`` is not one of :data:`CHANNELS`.
    """
    if channel not in CHANNELS:
        raise ValueError(f"Unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    return CHANNELS[channel](events)
