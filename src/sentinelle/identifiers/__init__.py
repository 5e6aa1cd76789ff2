"""Pure identifier validators, one module per identifier, python-stdnum style.

Each module offers ``compact(number) -> str``, ``validate(number) -> str`` (raises a
``stdnum.exceptions.ValidationError`` subclass), ``is_valid(number) -> bool`` and
``format(number) -> str``, wrapping python-stdnum where it has the identifier.
"""
