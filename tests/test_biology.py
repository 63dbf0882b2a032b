"""utils.biology: the leaky integrate-and-fire neuron behaves like a threshold unit."""

from __future__ import annotations

import numpy as np
import pytest

from utils.biology import LIFParameters, firing_rate, simulate_lif


def test_no_spikes_below_the_threshold_current():
    p = LIFParameters()
    rheobase = (
        p.threshold - p.resting
    ) / p.resistance  # current that just reaches threshold
    assert firing_rate(0.95 * rheobase) == 0
    assert firing_rate(1.5 * rheobase) > 0


def test_firing_rate_rises_with_input_and_stays_below_the_refractory_limit():
    rates = [firing_rate(current) for current in np.linspace(2e-9, 50e-9, 8)]
    assert all(b >= a for a, b in zip(rates, rates[1:], strict=False))
    assert rates[-1] < 1 / LIFParameters().refractory


def test_voltage_trace_has_one_value_per_step_and_marks_spikes():
    voltage, spikes = simulate_lif(np.full(1000, 3e-9), dt=1e-4)
    assert voltage.shape == (1000,)
    assert len(spikes) > 0
    assert np.all(np.diff(spikes) > 0)


def test_time_step_must_be_small_and_positive():
    with pytest.raises(ValueError, match="must be positive"):
        simulate_lif(np.ones(10), dt=0)
    with pytest.raises(ValueError, match="smaller time step"):
        simulate_lif(np.ones(10), dt=0.05)
