"""The one exception concord raises for bad input: its message is meant for the user."""


class InputError(ValueError):
    """Bad input: the message names the file and, where there is one, the line and column."""
