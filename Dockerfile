# Roster in a container: HTTP mode on port 3000 (or Socket Mode with SLACK_APP_TOKEN, its health
# endpoints on HEALTH_PORT 3001), the SQLite database in the /data volume. Tokens come from the
# environment (docker run --env-file .env); the secret key from ROSTER_SECRET_KEY or, better, a
# file mounted apart from the database (ROSTER_SECRET_KEY_FILE=/run/secrets/roster_key: a Docker
# secret or a second volume), so a copy of the database volume holds no key (SECURITY.md).

# Build, offline apart from the npm registry: this image's npm 10 ignores package.json's
# allowScripts, so the install runs no scripts at all (no Prisma engine is downloaded); then
# better-sqlite3 is built (from source when no prebuilt binary fits: python3, make, g++) and
# Roster's own postinstall generates the Kysely types and compiles into dist/. The dev tools go.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci --ignore-scripts \
 && npm rebuild better-sqlite3 \
 && node scripts/postinstall.mjs \
 && npm prune --omit=dev --ignore-scripts

# Runtime: the compiled app, production dependencies and the migrations (applied at start), run
# by the image's unprivileged user, who owns only /data.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HEALTH_PORT=3001 \
    DATABASE_URL=file:/data/roster.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME /data
EXPOSE 3000 3001
# GET /healthz: on PORT over HTTP, on HEALTH_PORT in Socket Mode.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const e=process.env;fetch(`http://127.0.0.1:${e.SLACK_APP_TOKEN?e.HEALTH_PORT:e.PORT}/healthz`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/main.js"]
