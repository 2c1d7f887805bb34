"""Backoff bounds, server-given waits, the per-minute rejection budget."""

import random

from app.clients.retry import RejectionBudget, RetryPolicy


def test_backoff_grows_exponentially_with_bounded_jitter():
    policy = RetryPolicy(base_delay=0.5, max_delay=8.0, jitter=0.5, rng=random.Random(1))
    for attempt, full in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (9, 8.0)]:
        for _ in range(50):
            delay = policy.backoff(attempt)
            assert full * 0.5 <= delay <= full


def test_jitter_spreads_retries():
    policy = RetryPolicy(rng=random.Random(7))
    delays = {round(policy.backoff(3), 6) for _ in range(20)}
    assert len(delays) > 10


def test_server_wait_wins_when_longer():
    policy = RetryPolicy(base_delay=0.1, rng=random.Random(3))
    wait = policy.wait_before_retry(1, server_wait=6.5)
    assert 6.5 <= wait <= 6.6
    assert policy.wait_before_retry(1, server_wait=None) <= 0.1


def test_attempts_and_total_time_are_bounded():
    policy = RetryPolicy(max_attempts=3, max_total=10.0)
    assert policy.may_retry(1, started=0.0, wait=1.0, now=0.0)
    assert policy.may_retry(2, started=0.0, wait=1.0, now=5.0)
    assert not policy.may_retry(3, started=0.0, wait=0.1, now=0.0)  # three attempts made
    assert not policy.may_retry(1, started=0.0, wait=2.0, now=9.0)  # would end after 10 s


def test_rejection_budget_counts_a_rolling_minute():
    now = [0.0]
    budget = RejectionBudget(per_minute=3, clock=lambda: now[0])
    assert budget.note() and budget.note() and budget.note()
    assert not budget.note()  # the 4th within a minute: give up
    now[0] = 61.0
    assert budget.note()  # the old ones left the window
    assert budget.count() == 1
