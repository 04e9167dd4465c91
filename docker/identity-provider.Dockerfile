# identity-provider: the DEVELOPMENT OpenID Provider (services/identity-provider), run by the
# Deployment `identity-provider` in the local and dev overlays only. Its sign-in page asks for a
# name and no password: never deploy it where anyone else can reach it.
#
#   docker build -f docker/identity-provider.Dockerfile -t identity-provider .
#   docker run --rm -p 9000:9000 -e OIDC_ISSUER=http://localhost:9000 -e PUBLIC_URL=... \
#     -e OIDC_CLIENT_ID=... -e OIDC_CLIENT_SECRET=... -e OIDC_AUDIENCE=... identity-provider
#
# The build context is the repository root (npm workspaces). It keeps its state in memory and
# writes no file: it runs with a read-only root filesystem and nothing writable but /tmp. It has
# no dev target: it is a tool the app signs in with, not code developed in the cluster, so a
# change to it rebuilds the image (seconds) instead of needing file sync and a writable root.

# One build argument pins the Node.js base image of every stage.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- deps: all workspaces' dependencies, dev tools included. These lines are identical in the
# four Node-based Dockerfiles, so the builder reuses one cached layer for all of them.
FROM ${NODE_IMAGE} AS deps
# npm's update check is noise in a build and in the dev containers.
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# Manifests before sources: `npm ci` reruns only when dependencies change.
COPY package.json package-lock.json .npmrc ./
COPY packages/contract/package.json packages/contract/
COPY packages/runtime/package.json packages/runtime/
COPY packages/task-store/package.json packages/task-store/
COPY packages/telemetry/package.json packages/telemetry/
COPY packages/testing/package.json packages/testing/
COPY services/task-service/package.json services/task-service/
COPY services/identity-provider/package.json services/identity-provider/
COPY batch/package.json batch/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund && npm cache clean --force

# ---- build: compile the provider and the workspaces it imports to dist/. Only what the
# compiler reads is copied, so a change to tests does not invalidate this layer.
FROM deps AS build
COPY tsconfig.base.json ./
COPY packages/contract/tsconfig.build.json packages/contract/
COPY packages/contract/src packages/contract/src
COPY packages/runtime/tsconfig.build.json packages/runtime/
COPY packages/runtime/src packages/runtime/src
COPY services/identity-provider/tsconfig.build.json services/identity-provider/
COPY services/identity-provider/src services/identity-provider/src
RUN npm run build -w @task-manager/contract -w @task-manager/runtime -w @task-manager/identity-provider

# ---- prod: the runtime tree, assembled in a stage of its own so npm's cache stays behind.
# Only the manifests of the workspaces this image runs are present: npm treats every workspace
# as a production package, so with packages/testing present its dynalite would be installed.
FROM ${NODE_IMAGE} AS prod
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/contract/package.json packages/contract/
COPY packages/runtime/package.json packages/runtime/
COPY services/identity-provider/package.json services/identity-provider/
# The install's own manifests (root package.json, lock, .npmrc) are not needed to run.
RUN npm ci --omit=dev --workspace @task-manager/identity-provider --include-workspace-root=false \
      --no-audit --no-fund \
 && rm package.json package-lock.json .npmrc
# Compiled JavaScript only: declaration files and source maps (which point at the TypeScript
# sources, absent here) do not run.
COPY --from=build /app/packages/contract/dist packages/contract/dist
COPY --from=build /app/packages/runtime/dist packages/runtime/dist
COPY --from=build /app/services/identity-provider/dist services/identity-provider/dist
RUN find packages services -path '*/dist/*' \( -name '*.d.ts' -o -name '*.map' \) -delete

# ---- runtime (default target): root-owned files, run as the image's `node` user (1000). node is
# PID 1 and receives SIGTERM itself; the provider closes its server and exits. No signing key is
# baked in: one is generated at start, or read from IDP_SIGNING_KEYS_FILE (a mounted Secret).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
LABEL org.opencontainers.image.title="identity-provider" \
      org.opencontainers.image.description="The task manager's DEVELOPMENT OpenID Provider: sign in with any name, no password. Never for production." \
      org.opencontainers.image.licenses="MIT"
WORKDIR /app
COPY --from=prod /app ./
USER 1000:1000
EXPOSE 9000
CMD ["node", "services/identity-provider/dist/main.js"]
