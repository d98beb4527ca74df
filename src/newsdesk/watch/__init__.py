"""Follow feeds, news sitemaps and folders as news happens (``newsdesk watch``).

    from newsdesk import Desk
    from newsdesk.watch import Watch, sources_from

    with Desk("news.db") as desk:
        Watch(desk, sources_from(["https://example.org/feed.xml"], 900)).run(once=True)

Modules: ``sources`` (settings, what to watch), ``urls`` (canonical URLs), ``guard`` (which
addresses may be contacted), ``fetch`` (one guarded GET), ``robots`` (robots.txt), ``listings``
(feed and sitemap entries), ``pages`` (a fetched page as an article), ``state`` (what is
remembered in the store), ``loop`` (scheduling and storing).
"""

from .loop import Stats, Watch
from .sources import Settings, Source, sources_from, watched
from .state import sources_health

__all__ = ["Settings", "Source", "Stats", "Watch", "sources_from", "sources_health", "watched"]
