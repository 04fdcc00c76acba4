"""Staff accounts: the second factor every member of staff enrols, sign-in lock-outs, and password changes."""
