"""The one exception the engine raises for bad input."""


class ScenarioError(ValueError):
    """Report an invalid scenario: the dotted field path, the value and what is allowed."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)
