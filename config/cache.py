"""A database cache that forgets only what has expired.

Django's DatabaseCache, past MAX_ENTRIES, deletes a third of its live entries in key order:
a rate limit kept there forgets a blocked address once enough other addresses have come
(330 others, with the default 300). This one deletes expired entries only, so a count lives
exactly as long as its window; the table holds at most one row per address per window.
"""

from django.core.cache.backends.db import DatabaseCache
from django.db import connections


class ExpiryOnlyDatabaseCache(DatabaseCache):
    def _cull(self, db, cursor, now, num):
        connection = connections[db]
        cursor.execute(
            "DELETE FROM {} WHERE {} < %s".format(
                connection.ops.quote_name(self._table), connection.ops.quote_name("expires")
            ),
            [connection.ops.adapt_datetimefield_value(now)],
        )
