#!/bin/sh
# The streaming replica: on first start a base backup of the primary, written with -R (so it
# starts as a standby that streams from the primary), through its own replication slot (the
# primary keeps the WAL the replica has not received); then the server itself.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA" && chmod 700 "$PGDATA"
    PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" \
        -R -X stream -C -S replica1 --checkpoint=fast
fi
exec postgres -c hot_standby=on -c max_connections=200
