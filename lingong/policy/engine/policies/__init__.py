"""The encoded policies. Importing this package registers every rule (see ``rules.REGISTRY``)."""

from . import guangxi, liaoning, qinghai

__all__ = ["guangxi", "liaoning", "qinghai"]
