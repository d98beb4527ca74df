"""Where the desk keeps articles and what the pipeline derived from them."""

from .sqlite import Store

__all__ = ["Store"]
