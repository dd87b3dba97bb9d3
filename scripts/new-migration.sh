#!/usr/bin/env bash
# Writes prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the schema
# at a git revision (default HEAD) and the working prisma/schema.prisma. `prisma migrate dev`
# needs a shadow database and misbehaves with driver adapters, so we diff schemas instead.
# Usage: npm run db:migration -- <name> [base-revision]
set -euo pipefail
name=${1:?usage: npm run db:migration -- <name> [base-revision]}
base=${2:-HEAD}
cd "$(dirname "$0")/.."
old=$(mktemp --suffix=.prisma)
trap 'rm -f "$old"' EXIT
git show "$base:prisma/schema.prisma" > "$old"
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
mkdir -p "$dir" data
npx prisma migrate diff --from-schema-datamodel "$old" --to-schema-datamodel prisma/schema.prisma --script > "$dir/migration.sql"
echo "wrote $dir/migration.sql; review it, then commit it with the schema change"
