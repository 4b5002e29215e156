"""Hypothesis profiles for the fuzzing tests, chosen by HYPOTHESIS_PROFILE: "ci" (the default) or "nightly" (many more examples)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.errors import InvalidArgument

QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
PROFILES = {
    # CI: enough examples to matter while the suite stays quick; the deadline bounds one example's time.
    "ci": settings(max_examples=150, deadline=5000, print_blob=True, suppress_health_check=QUIET),
    "nightly": settings(
        max_examples=3000, deadline=20000, print_blob=True, suppress_health_check=QUIET
    ),
}
for _name, _profile in PROFILES.items():
    try:
        settings.get_profile(
            _name
        )  # another test module may have registered it already: keep theirs
    except InvalidArgument:
        settings.register_profile(_name, _profile)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
# Applied per test (@FUZZ) rather than loaded globally, so other test files keep their own settings.
try:
    FUZZ = settings(settings.get_profile(PROFILE))
except InvalidArgument:
    pytest.exit(
        f"HYPOTHESIS_PROFILE={PROFILE!r} is not a profile; use one of {', '.join(PROFILES)}",
        returncode=4,
    )


def examples(ci: int) -> int:
    """Scale a test's example count with the profile: ``ci`` in CI, twenty times that at night."""
    return ci * 20 if PROFILE == "nightly" else ci
