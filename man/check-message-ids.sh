#!/bin/sh
# The MESSAGE_ID values in the docs must be the ones the program logs: every id that
# mysql-backup(8) or docs/README-body.md mentions must exist in src/journal/message_ids.h, and
# mysql-backup(8) must document every id there. Usage: check-message-ids.sh SOURCE_ROOT
set -eu
root=$1
ids=$(grep -o '"[0-9a-f]\{32\}"' "$root/src/journal/message_ids.h" | tr -d '"' | sort -u)
[ -n "$ids" ] || { echo "no ids found in src/journal/message_ids.h"; exit 1; }
status=0
for doc in man/mysql-backup.8.scd docs/README-body.md; do
  [ -f "$root/$doc" ] || continue
  for id in $(grep -o 'MESSAGE_ID=[0-9a-f]\{32\}' "$root/$doc" | cut -d= -f2 | sort -u); do
    if ! printf '%s\n' "$ids" | grep -qx "$id"; then
      echo "$doc: MESSAGE_ID=$id is not in src/journal/message_ids.h"
      status=1
    fi
  done
done
for id in $ids; do
  if ! grep -q "MESSAGE_ID=$id" "$root/man/mysql-backup.8.scd"; then
    echo "man/mysql-backup.8.scd does not document MESSAGE_ID=$id"
    status=1
  fi
done
exit $status
