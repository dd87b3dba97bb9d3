#!/usr/bin/env bash
# Writes a migration for both databases from the difference between the schema at a git revision
# (default HEAD) and the working prisma/schema.prisma, under one name:
#   prisma/migrations/<timestamp>_<name>/migration.sql           SQLite (Prisma's diff)
#   prisma/postgres/migrations/<timestamp>_<name>/migration.sql  PostgreSQL (scripts/postgres-migration.mjs)
# `prisma migrate dev` needs a shadow database and misbehaves with driver adapters, so we diff
# schemas instead; both run offline. Hand-written parts (partial indexes) go into both by hand.
# Usage: npm run db:migration -- <name> [base-revision]
set -euo pipefail
name=${1:?usage: npm run db:migration -- <name> [base-revision]}
base=${2:-HEAD}
cd "$(dirname "$0")/.."
old=$(mktemp --suffix=.prisma)
trap 'rm -f "$old"' EXIT
git show "$base:prisma/schema.prisma" > "$old"
stamp=$(date -u +%Y%m%d%H%M%S)
dir="prisma/migrations/${stamp}_${name}"
pgdir="prisma/postgres/migrations/${stamp}_${name}"
mkdir -p "$dir" "$pgdir" data
npx prisma migrate diff --from-schema-datamodel "$old" --to-schema-datamodel prisma/schema.prisma --script > "$dir/migration.sql"
node scripts/postgres-migration.mjs "$old" prisma/schema.prisma "$pgdir/migration.sql"
echo "wrote $dir/migration.sql and $pgdir/migration.sql; review both (test/db/schemas-match.test.ts compares"
echo "the two databases' schemas), then commit them with the schema change"
