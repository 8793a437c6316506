#!/usr/bin/env bash
# Resets one instance of the running test lab, and only that one, to a known state in a few seconds:
# its files become a fresh clone at its version with its .env (owned by its owner), its database is
# dropped and recreated (MariaDB/PostgreSQL; for SQLite a new file in the install), then migrated,
# seeded and populated (`php artisan lab:populate`; not for the mt-* targets, which stay fresh installs).
#
#   src/test/lab/reset-instance.sh NAME     NAME: for destructive tests
#                                             up-mariadb, up-pgsql, up-sqlite   7.0.0, dflab
#                                             ms-mariadb, ms-pgsql, ms-sqlite   7.0.0, dflab (migration sources)
#                                             mt-mariadb, mt-pgsql, mt-sqlite   7.1.0, dftarget, not populated
#                                                                               (migration targets)
#                                           or mariadb, pgsql, sqlite, noenv (shared: careful)
#
# Run as root, after src/test/lab/lab.sh up (same LAB_DIR / LAB_ROOT environment). Exit 0 when done.
set -euo pipefail
[[ $# -eq 1 && -n $1 ]] || { echo "usage: $0 NAME   (e.g. up-mariadb)" >&2; exit 2; }
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lab.sh" reset "$1"
