# task-reporter: the daily report job (batch), run by the CronJob `task-reporter`.
#
#   docker build -f docker/task-reporter.Dockerfile -t task-reporter .
#   docker run --rm -e DYNAMODB_ENDPOINT=... task-reporter \
#     node --max-old-space-size=64 --max-semi-space-size=4 batch/dist/main.js --date 2025-01-31
#
# The build context is the repository root (npm workspaces). The image also carries
# packages/task-store/dist/bin/create-tables.js, like the task-service image.

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

# ---- build: compile task-store and the job to dist/. Only what the compiler reads is copied,
# so a change to tests or benchmarks does not invalidate this layer.
FROM deps AS build
COPY tsconfig.base.json ./
COPY packages/contract/tsconfig.build.json packages/contract/
COPY packages/contract/src packages/contract/src
COPY packages/runtime/tsconfig.build.json packages/runtime/
COPY packages/runtime/src packages/runtime/src
COPY packages/task-store/tsconfig.build.json packages/task-store/
COPY packages/task-store/src packages/task-store/src
COPY packages/telemetry/tsconfig.build.json packages/telemetry/
COPY packages/telemetry/src packages/telemetry/src
COPY batch/tsconfig.build.json batch/
COPY batch/src batch/src
RUN npm run build -w @task-manager/contract -w @task-manager/runtime -w @task-manager/telemetry -w @task-manager/task-store -w @task-manager/batch

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
COPY batch/package.json batch/
# The install's own manifests (root package.json, lock, .npmrc) are not needed to run.
RUN npm ci --omit=dev --workspace @task-manager/batch --include-workspace-root=false \
      --no-audit --no-fund \
 && rm package.json package-lock.json .npmrc
# Compiled JavaScript only: declaration files and source maps (which point at the TypeScript
# sources, absent here) do not run.
COPY --from=build /app/packages/contract/dist packages/contract/dist
COPY --from=build /app/packages/runtime/dist packages/runtime/dist
COPY --from=build /app/packages/task-store/dist packages/task-store/dist
COPY --from=build /app/packages/telemetry/dist packages/telemetry/dist
COPY --from=build /app/batch/dist batch/dist
RUN find packages batch -path '*/dist/*' \( -name '*.d.ts' -o -name '*.map' \) -delete

# ---- runtime (default target): root-owned files, run as the image's `node` user (1000). node is
# PID 1 and receives SIGTERM itself when Kubernetes stops the Pod. The heap flags keep peak memory
# flat whatever the number of tasks (why, and the one definition of this command: batch/src/launch.ts).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
LABEL org.opencontainers.image.title="task-reporter" \
      org.opencontainers.image.description="The daily report job of the task manager" \
      org.opencontainers.image.licenses="MIT"
WORKDIR /app
COPY --from=prod /app ./
USER 1000:1000
CMD ["node", "--max-old-space-size=64", "--max-semi-space-size=4", "batch/dist/main.js"]
