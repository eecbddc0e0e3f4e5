"""The worker index's packed row, shared by ``index`` (which writes it) and ``kernels`` (which reads it).

One float64 matrix row per (worker, code): 80 bytes, the fields of the filters first. Integer fields are
stored as int64 bit patterns (read through an int64 view of the same memory).
"""

from __future__ import annotations

from lingong.matching.engine.types import ALL_SLOTS, TRAVEL_MODES

#: Bits of each grid field (row, column) of the composite sort key; ``index`` composes it, ``kernels``
#: splits it to find a bound's grid row.
GRID_BITS = 16

PACKED = ("lat", "lon", "reach", "slots", "minw", "code", "budget", "rel", "rat", "rid")
LAT, LON, REACH, SLOTS, MINW, CODE, BUDGET, REL, RAT, RID = range(len(PACKED))

#: ``slots``: the availability mask in the lowest bits (so ``slots & schedule`` is the overlap), then the
#: priority flag, the travel mode (its index in ``TRAVEL_MODES``) and the days since the last gig plus
#: one (0: never).
PRIORITY_SHIFT = ALL_SLOTS.bit_length()
MODE_SHIFT = PRIORITY_SHIFT + 1
MODE_BITS = 2
DAYS_SHIFT = MODE_SHIFT + MODE_BITS
if len(TRAVEL_MODES) > 1 << MODE_BITS:
    raise ImportError("more travel modes than the packed row's mode field holds: widen MODE_BITS")
