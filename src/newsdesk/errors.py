"""The exception tree. Every message says what went wrong and how to fix it.

    NewsdeskError
    ├── ConfigError            a setting is unknown or has the wrong type
    ├── PipelineError          steps are missing, unknown or in the wrong order
    ├── InputError             a path or stream cannot be read at all
    ├── StoreError             the database cannot be opened or migrated
    │   └── NotFound           an article or story id is not in the desk
    └── MissingExtra           an optional dependency is not installed

A single unreadable article is not an exception: it becomes a recorded
:class:`newsdesk.model.Skip` and the batch goes on.
"""


class NewsdeskError(Exception):
    """Base class of all newsdesk errors."""


class ConfigError(NewsdeskError):
    pass


class PipelineError(NewsdeskError):
    pass


class InputError(NewsdeskError):
    pass


class StoreError(NewsdeskError):
    pass


class NotFound(StoreError):
    pass


class MissingExtra(NewsdeskError):
    def __init__(self, package: str, extra: str, purpose: str):
        super().__init__(
            f"{purpose} needs the package '{package}', which is not installed. "
            f"Install it with: pip install 'newsdesk[{extra}]'"
        )
