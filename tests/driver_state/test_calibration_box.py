"""The calibration's cluster mass equals scipy's box filter, without scipy at run time."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import uniform_filter

from dms.driver_state.calibration import _box_sums


@pytest.mark.parametrize("shape", [(1, 1), (3, 4), (11, 11), (24, 57)])
@pytest.mark.parametrize("reach", [1, 5])
def test_box_sums_are_scipys_uniform_filter_times_the_box(
    shape: tuple[int, int], reach: int
) -> None:
    rng = np.random.default_rng(sum(shape) + reach)
    values = rng.random(shape) * (rng.random(shape) > 0.6)
    side = 2 * reach + 1
    expected = uniform_filter(values, size=side, mode="constant") * side**2
    assert np.allclose(_box_sums(values, reach), expected, rtol=0, atol=1e-12)
