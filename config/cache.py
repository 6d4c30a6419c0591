"""A database cache that forgets only what has expired.

Django's DatabaseCache, past MAX_ENTRIES, deletes a third of its live entries in key order:
a rate limit kept there forgets a blocked address once enough other addresses have come
(330 others, with the default 300). This one deletes expired entries only, so a count lives
exactly as long as its window; the table holds at most one row per address per window.
"""

import random
from datetime import datetime

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils import timezone

# One rate-limit hit in this many also deletes the expired rows.
PURGE_ONE_IN = 200


class ExpiryOnlyDatabaseCache(DatabaseCache):
    def _cull(self, db, cursor, now, num):
        connection = connections[db]
        cursor.execute(
            "DELETE FROM {} WHERE {} < %s".format(
                connection.ops.quote_name(self._table), connection.ops.quote_name("expires")
            ),
            [connection.ops.adapt_datetimefield_value(now)],
        )

    def hit(self, key: str, expires_at: datetime) -> int:
        """Count one more hit of ``key`` and answer the count: one statement (an upsert).

        For the rate limits (config/rate_limit.py), whose key names its window, so the row of
        a window is only ever incremented until ``expires_at`` ends it. The count is stored
        as plain digits, not pickled as ``set`` stores values: the database adds one to it
        where it lies, so two servers counting at once never lose a hit. ``get`` does not read
        these rows; ``clear`` and the cull delete them like any other.

        Rows of past windows are deleted by one hit in ``PURGE_ONE_IN`` (the cull of ``set``
        would otherwise never run, as nothing here calls it).
        """
        key = self.make_and_validate_key(key)
        connection = connections[router.db_for_write(self.cache_model_class)]
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            if random.randrange(PURGE_ONE_IN) == 0:
                now = timezone.now().replace(microsecond=0)
                self._cull(router.db_for_write(self.cache_model_class), cursor, now, 0)
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, '1', %s) "
                f"ON CONFLICT (cache_key) DO UPDATE SET value = "
                f"CAST(CAST({table}.value AS INTEGER) + 1 AS TEXT) RETURNING value",
                [key, connection.ops.adapt_datetimefield_value(expires_at)],
            )
            return int(cursor.fetchone()[0])
