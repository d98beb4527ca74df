"""Connected components (union-find): which items are joined, directly or through others.

Used wherever the pipeline groups things transitively: mentions into entities,
entities across a desk, near-duplicate articles, claims about one proposition,
reports that are not independent of each other.
"""

from __future__ import annotations

from typing import Hashable, Iterable


class Components:
    """Union-find over hashable, mutually comparable items; the smallest item leads its group."""

    def __init__(self, items: Iterable[Hashable] = ()):
        self.parent: dict = {}
        for item in items:
            self.find(item)

    def find(self, item):
        """The leader of ``item``'s group (an unseen item starts a group of its own)."""
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict:
        """Leader → members, members in the order they were first seen."""
        out: dict = {}
        for item in list(self.parent):
            out.setdefault(self.find(item), []).append(item)
        return out

    def count(self, items: Iterable[Hashable]) -> int:
        return len({self.find(item) for item in items})
