"""What every app shares, once: roles, the GOV.UK form kit, admin base classes, lock-and-check, the retention base."""
