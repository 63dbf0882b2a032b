"""A leaky integrate-and-fire neuron: the simplest model of a spiking cell.

Chapter 1 uses it to show where the artificial neuron's activation function
comes from (a firing *rate* that rises once the input passes a threshold) and
what the artificial neuron leaves out (spikes and their timing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from utils.validation import as_float_array, require_number

__all__ = ["LIFParameters", "firing_rate", "simulate_lif"]


@dataclass(frozen=True)
class LIFParameters:
    """Constants of a leaky integrate-and-fire neuron (SI units: seconds, volts).

    The defaults are textbook-sized values for a cortical neuron: a resting
    potential of -70 mV, a firing threshold of -54 mV, a 10 ms membrane time
    constant and a 2 ms refractory period. ``resistance`` (in ohms) converts the
    input current (in amperes) to a voltage.
    """

    resting: float = -0.070
    threshold: float = -0.054
    reset: float = -0.080
    time_constant: float = 0.010
    resistance: float = 1.0e7
    refractory: float = 0.002


def simulate_lif(current, *, dt: float = 1e-4, parameters: LIFParameters | None = None):
    """Simulate the membrane voltage of a leaky integrate-and-fire neuron.

    The voltage ``v`` obeys ``tau dv/dt = -(v - v_rest) + R I(t)``. When ``v``
    reaches the threshold, the neuron fires a spike, ``v`` is reset, and the
    neuron ignores its input for the refractory period.

    Parameters
    ----------
    current:
        The input current at each time step, in amperes (1-D array).
    dt:
        The time step in seconds.
    parameters:
        The neuron's constants (defaults: :class:`LIFParameters`).

    Returns
    -------
    voltage : ndarray
        The membrane voltage at each step, in volts; a spike shows as a step
        to +30 mV for drawing.
    spike_times : ndarray
        The times of the spikes, in seconds.

    Chapter 1, section "From spikes to an activation function".
    """
    current = as_float_array(current, "current", ndim=1)
    dt = require_number(dt, "dt")
    if dt <= 0:
        raise ValueError(f"dt is a time step and must be positive, got {dt}.")
    p = parameters or LIFParameters()
    if dt >= p.time_constant:
        raise ValueError(
            f"dt={dt} s is not smaller than the membrane time constant "
            f"({p.time_constant} s); use a smaller time step, e.g. 1e-4."
        )
    voltage = np.empty_like(current)
    v = p.resting
    refractory_left = 0.0
    spikes = []
    for step, input_current in enumerate(current):
        if refractory_left > 0:
            refractory_left -= dt
            v = p.reset
        else:
            v += (
                dt / p.time_constant * (-(v - p.resting) + p.resistance * input_current)
            )
            if v >= p.threshold:
                spikes.append(step * dt)
                voltage[step] = 0.030
                v = p.reset
                refractory_left = p.refractory
                continue
        voltage[step] = v
    return voltage, np.array(spikes)


def firing_rate(current: float, *, duration: float = 0.5, dt: float = 1e-4) -> float:
    """The number of spikes per second for a constant input ``current`` (amperes).

    Chapter 1, section "From spikes to an activation function".
    """
    current = require_number(current, "current")
    duration = require_number(duration, "duration")
    if duration <= 0:
        raise ValueError(f"duration must be positive, got {duration}.")
    steps = int(round(duration / dt))
    _, spikes = simulate_lif(np.full(steps, current), dt=dt)
    return len(spikes) / duration
