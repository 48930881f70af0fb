#!/bin/sh
# Writes the local compose stack's secrets into deploy/compose/secrets/ (git-ignored).
# Each file is created only when missing, so running it again keeps existing data reachable.
# The folder is private to you (0700); the files inside are readable (0644) because compose
# bind-mounts them into containers that run as other users.
set -eu
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
umask 022
mkdir -p "$dir"
chmod 700 "$dir"

random() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

for name in postgres_password mongo_root_password mongo_app_password smtp_password; do
  [ -s "$dir/$name" ] || random > "$dir/$name"
done
[ -s "$dir/ibtool_mongo_uri" ] ||
  printf 'mongodb://ibtool:%s@mongo:27017/ibtool?replicaSet=rs0&authSource=ibtool' \
    "$(cat "$dir/mongo_app_password")" > "$dir/ibtool_mongo_uri"
echo "secrets in $dir"
