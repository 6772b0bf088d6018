"""The one error the parser raises for a post that cannot be imported."""


class ParseError(ValueError):
    """A post that cannot be imported; ``str(error)`` is the reason, for people."""
