"""Disclosure writes: each service is one transaction that locks what it changes and logs what it did."""
