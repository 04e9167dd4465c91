# task-service: the Express API (services/task-service), run by the Deployment `task-service`.
#
#   docker build -f docker/task-service.Dockerfile -t task-service .                # runtime
#   docker build -f docker/task-service.Dockerfile --target dev -t task-service .   # skaffold dev
#
# The build context is the repository root (npm workspaces). The same image runs the
# Kubernetes init container: node packages/task-store/dist/bin/create-tables.js

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

# ---- dev: the `skaffold dev` target. It runs the TypeScript sources directly; Skaffold's file
# sync copies changed files in (as the container user, hence the ownership) and node --watch
# restarts the process on every change, without rebuilding the image.
FROM deps AS dev
COPY --chown=1000:1000 tsconfig.base.json ./
COPY --chown=1000:1000 packages/contract packages/contract
COPY --chown=1000:1000 packages/runtime packages/runtime
COPY --chown=1000:1000 packages/task-store packages/task-store
COPY --chown=1000:1000 packages/telemetry packages/telemetry
COPY --chown=1000:1000 services/task-service services/task-service
USER 1000:1000
EXPOSE 3000
CMD ["node", "--conditions=development", "--watch", "services/task-service/src/main.ts"]

# ---- build: compile the workspaces to dist/ and bundle task-service (scripts/bundle-program.ts:
# dist/main.js and dist/run.cjs, with what OpenTelemetry patches left to node_modules). Only what
# the compiler and the bundler read is copied, so a change to tests or benchmarks does not
# invalidate this layer.
FROM deps AS build
COPY tsconfig.base.json ./
COPY scripts/bundle-program.ts scripts/
COPY packages/contract/tsconfig.build.json packages/contract/
COPY packages/contract/src packages/contract/src
COPY packages/runtime/tsconfig.build.json packages/runtime/
COPY packages/runtime/src packages/runtime/src
COPY packages/task-store/tsconfig.build.json packages/task-store/
COPY packages/task-store/src packages/task-store/src
COPY packages/telemetry/tsconfig.build.json packages/telemetry/
COPY packages/telemetry/src packages/telemetry/src
COPY services/task-service/src services/task-service/src
RUN npm run build -w @task-manager/contract -w @task-manager/runtime -w @task-manager/telemetry -w @task-manager/task-store \
      -w @task-manager/task-service
# V8's compile cache of task-service (dist/compile-cache, about a fifth of its start-up). Node
# keeps one per user id, so the one the build just made as root is replaced by one made by the
# user the image runs as, loading the program as the image will (scripts/bundle-program.ts).
RUN rm -rf services/task-service/dist/compile-cache \
 && install -d -o 1000 -g 1000 services/task-service/dist/compile-cache
USER 1000:1000
RUN cd services/task-service && node ../../scripts/bundle-program.ts --compile-cache-only

# ---- prod: the runtime tree, assembled in a stage of its own so npm's cache stays behind.
# Only the manifests of the workspaces this image runs are present: npm treats every workspace
# as a production package, so with packages/testing present its dynalite would be installed.
FROM ${NODE_IMAGE} AS prod
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/contract/package.json packages/contract/
COPY packages/runtime/package.json packages/runtime/
COPY packages/task-store/package.json packages/task-store/
COPY packages/telemetry/package.json packages/telemetry/
COPY services/task-service/package.json services/task-service/
# The install's own manifests (root package.json, lock, .npmrc) are not needed to run.
RUN npm ci --omit=dev --workspace @task-manager/task-service --include-workspace-root=false \
      --no-audit --no-fund \
 && rm package.json package-lock.json .npmrc
# Compiled JavaScript only: declaration files and source maps (which point at the TypeScript
# sources, absent here) do not run. task-service is its bundle (main.js, run.cjs, and
# bundled-packages.json: what run.cjs inlines, with the licences); task-store and contract are
# here for the init container's create-tables, telemetry for the bundle to load at run time.
COPY --from=build /app/packages/contract/dist packages/contract/dist
COPY --from=build /app/packages/runtime/dist packages/runtime/dist
COPY --from=build /app/packages/task-store/dist packages/task-store/dist
COPY --from=build /app/packages/telemetry/dist packages/telemetry/dist
# Owned by root like the rest: COPY keeps the owner, and the compile cache was made by user 1000.
COPY --from=build --chown=0:0 /app/services/task-service/dist services/task-service/dist
# The API's contract, which the service serves at /api/openapi.yaml (read as it starts).
COPY services/task-service/openapi.yaml services/task-service/
RUN find packages services -path '*/dist/*' \( -name '*.d.ts' -o -name '*.map' \) -delete

# ---- runtime (default target): root-owned files, run as the image's `node` user (1000). node is
# PID 1 and receives SIGTERM itself; the service drains its requests and exits.
# The heap flags bound V8 to the Deployment's memory limit, and GLIBC_TUNABLES keeps malloc from
# holding on to freed memory (both defined in services/task-service/src/launch.ts).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    GLIBC_TUNABLES=glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=32768
LABEL org.opencontainers.image.title="task-service" \
      org.opencontainers.image.description="The task API of the task manager: Express 5 on DynamoDB" \
      org.opencontainers.image.licenses="MIT"
WORKDIR /app
COPY --from=prod /app ./
USER 1000:1000
EXPOSE 3000
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=8", "services/task-service/dist/main.js"]
