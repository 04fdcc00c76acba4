"""The one error type the application raises for a refused action; views show its message."""


class ApplicationError(Exception):
    """A plain-words refusal: bad input, a forbidden step, or a conflict. Nothing was changed."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
