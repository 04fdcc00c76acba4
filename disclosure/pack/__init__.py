"""The disclosure pack: what goes in (inputs), redaction by construction (redact, raster), rendering in
chunks (render, chunks) and the independent check that no redacted string survived (verify).

Everything here except ``build`` works on plain data, so it can be tested without the database.
"""
