"""Time left for a long job: an estimate that settles instead of swinging."""

from __future__ import annotations

import itertools

import pytest

from tingxie.core.progress import EtaEstimator


def test_no_estimate_before_enough_work_then_one_that_settles_despite_a_slow_start():
    eta = EtaEstimator()
    assert eta.update(0.0, 0.0) is None
    assert eta.update(1.0, 0.01) is None, "1% after a second says too little"
    # The first batch is slow (warming up): 10% in 30 s, then 10% every 10 s.
    t, f = 30.0, 0.10
    first = eta.update(t, f)
    estimates = []
    while f < 0.9:
        t, f = t + 10.0, round(f + 0.10, 2)
        estimates.append((f, eta.update(t, f)))
    truth = {f: (1.0 - f) / 0.01 for f, _ in estimates}
    assert first is not None and first > truth[0.2]
    late = [(e, truth[f]) for f, e in estimates if f >= 0.5]
    assert all(abs(e - want) <= 0.35 * want + 1 for e, want in late), estimates
    # and it moves towards the truth, not away from it
    errors = [abs(e - truth[f]) / truth[f] for f, e in estimates]
    assert errors[-1] < errors[0]


def test_jitter_moves_the_estimate_only_a_little():
    eta = EtaEstimator()
    eta.update(0.0, 0.0)
    t, f, values = 0.0, 0.0, []
    for k in range(40):
        t += 5.0 if k % 2 else 15.0  # batches alternate fast and slow, 2% each
        f += 0.02
        values.append(eta.update(t, f))
    tail = [v for v in values[10:] if v is not None]
    steps = [abs(b - a) for a, b in itertools.pairwise(tail)]
    assert max(steps) < 0.25 * tail[0], "one fast or slow batch does not swing the figure"
    assert eta.update(t + 1, 1.0) == pytest.approx(0.0)


def test_reset_forgets_the_last_job():
    eta = EtaEstimator()
    eta.update(0.0, 0.0)
    eta.update(10.0, 0.5)
    eta.reset()
    assert eta.update(100.0, 0.0) is None
    assert eta.update(101.0, 0.001) is None
