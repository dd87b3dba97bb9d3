# Roster in a container: HTTP mode on port 3000 (or Socket Mode with SLACK_APP_TOKEN), the SQLite
# database in the /data volume. Tokens come from the environment (docker run --env-file .env).

# Build: `npm ci` builds better-sqlite3 from source when no prebuilt binary fits (python3, make,
# g++), generates the Kysely types from prisma/schema.prisma and compiles Roster into dist/ (its
# postinstall); the dev tools are then pruned.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci && npm prune --omit=dev --ignore-scripts

# Runtime: the compiled app, production dependencies and the migrations (applied at start).
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_URL=file:/data/roster.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
# The image's unprivileged user; it owns only /data.
USER node
VOLUME /data
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
