"""Fuzzing the readers: random bytes (hypothesis) and a fixed-seed round of mutated samples of every format
(text, JSONL, HTML, RSS, Atom, WARC, gzip) give articles and known skips, never an exception.
``python -m bench.fuzz`` runs the long round."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz import SAMPLES, mutated, read


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_sample_reads_as_an_article(name):
    assert any(not hasattr(item, "reason") for item in read(name, SAMPLES[name]))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_mutated_samples_never_break_a_reader(name):
    rng = random.Random(name)
    for _ in range(25):
        read(name, mutated(SAMPLES[name], rng))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SAMPLES)), data=st.binary(max_size=2000))
def test_random_bytes_never_break_a_reader(name, data):
    read(name, data)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SAMPLES)), cut=st.integers(min_value=0), extra=st.binary(max_size=200))
def test_cut_and_extended_samples_never_break_a_reader(name, cut, extra):
    sample = SAMPLES[name]
    read(name, sample[: cut % (len(sample) + 1)] + extra)
