"""The per-client rate limit (on the `limits` library): a burst at once, then refusals that say
when to come back, one allowance per key, and no limit at all when it is switched off."""

from __future__ import annotations

import pytest

from saywhy.server.errors import RateLimited
from saywhy.server.limits import RateLimiter


def test_a_burst_is_allowed_then_refused_with_a_wait_within_the_window() -> None:
    limiter = RateLimiter(per_minute=6, burst=3)  # 3 per 30 s: 6 a minute over time
    for _ in range(3):
        limiter.check("10.0.0.1")
    with pytest.raises(RateLimited) as refused:
        limiter.check("10.0.0.1")
    assert 1.0 <= refused.value.retry_after <= 30.0
    assert "try again in" in refused.value.user_text()


def test_each_key_has_its_own_allowance() -> None:
    limiter = RateLimiter(per_minute=60, burst=2)
    for _ in range(2):
        limiter.check("unauthorized:10.0.0.1")
    with pytest.raises(RateLimited):
        limiter.check("unauthorized:10.0.0.1")
    limiter.check("10.0.0.1")  # the same IP with the token is counted apart
    limiter.check("10.0.0.2")


def test_zero_per_minute_switches_the_limit_off() -> None:
    limiter = RateLimiter(per_minute=0, burst=1)
    for _ in range(100):
        limiter.check("10.0.0.1")
