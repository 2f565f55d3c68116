# syntax=docker/dockerfile:1
# Kube Node Manager image: docker build -t kube-node-manager:0.1.0 .
# scripts/verify-image-layout.sh reproduces the runtime stage without a container engine (CI runs it):
# keep its COPY --from=build lines, ENV, USER and CMD the single source of truth for both.

# deps: production dependencies only. better-sqlite3 is a native addon; it is compiled here, where
# the full node image has python3, make and g++, so the runtime image needs no compiler.
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# build: every dependency, then `npm run build` (next build + the server compiled to dist/)
FROM node:20-bookworm AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && rm -rf .next/cache

# runtime: Node 20 slim, no compilers, the built app and production dependencies, a numeric
# non-root user, and nothing written outside DATA_DIR (/data) and /tmp: the root filesystem can be read-only.
FROM node:20-bookworm-slim AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="Kube Node Manager" \
      org.opencontainers.image.description="Every node of every Kubernetes cluster, live: labels, taints, cordon and PDB-respecting drain" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.source="https://example.com/kube-node-manager" \
      org.opencontainers.image.documentation="docs/deploy.md"
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/package-lock.json /app/next.config.mjs ./
COPY --from=build /app/.next ./.next
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
COPY --from=build /app/scripts/healthcheck.mjs ./scripts/healthcheck.mjs
RUN mkdir -p /data && chown 10001:10001 /data && chmod 0700 /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
CMD ["node", "dist/server.js"]
