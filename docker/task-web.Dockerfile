# task-web: the Vue single-page app (web), built with Vite and served by nginx as uid 101 on
# port 8080, run by the Deployment `task-web`.
#
#   docker build -f docker/task-web.Dockerfile -t task-web .                # runtime (nginx)
#   docker build -f docker/task-web.Dockerfile --target dev -t task-web .   # skaffold dev (Vite)
#
# The build context is the repository root (npm workspaces). Writable paths at run time:
# /tmp only (nginx's pid file and temp directories), an emptyDir in Kubernetes.

# Build arguments pin the base images: Node.js for building, nginx (non-root) for serving.
ARG NODE_IMAGE=node:24-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.29-bookworm

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

# ---- dev: the `skaffold dev` target, the Vite dev server with hot module replacement. Skaffold's
# file sync copies changed files in as the container user (hence the ownership) and Vite's
# watcher pushes them to the browser. Vite keeps its dependency cache in web/node_modules/.vite.
FROM deps AS dev
COPY --chown=1000:1000 tsconfig.base.json ./
COPY --chown=1000:1000 packages/contract packages/contract
COPY --chown=1000:1000 web web
RUN mkdir -p web/node_modules/.vite && chown 1000:1000 web web/node_modules web/node_modules/.vite
USER 1000:1000
EXPOSE 5173
# node runs the Vite dev server as PID 1, in exec form with no npm or shell in between (as in the
# runtime images), so the SIGTERM of `docker stop` or a Pod deletion reaches Vite, which closes
# its server and exits. `web` is Vite's root (its config, index.html and src/); strict port, so
# a taken 5173 fails loudly instead of moving where the probes do not look.
CMD ["node", "node_modules/vite/bin/vite.js", "web", "--host", "0.0.0.0", "--port", "5173", "--strictPort"]

# ---- build: the static bundle in web/dist (hashed file names under assets/).
FROM deps AS build
COPY tsconfig.base.json ./
COPY packages/contract packages/contract
COPY web web
RUN npm run build -w @task-manager/contract -w @task-manager/web

# ---- runtime (default target): nginx with the bundle only. Files are root-owned and read-only
# to nginx, which runs as the base image's unprivileged user.
FROM ${NGINX_IMAGE} AS runtime
# The entrypoint scripts of the nginx images would print plain-text lines on stdout, which is
# reserved for the JSON access log.
ENV NGINX_ENTRYPOINT_QUIET_LOGS=1
LABEL org.opencontainers.image.title="task-web" \
      org.opencontainers.image.description="The task manager web app (Vue 3), served by nginx" \
      org.opencontainers.image.licenses="MIT"
COPY docker/nginx/nginx.conf /etc/nginx/nginx.conf
COPY docker/nginx/task-web.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/web/dist /usr/share/nginx/task-web
USER 101:101
EXPOSE 8080
# SIGQUIT is nginx's graceful shutdown: it stops accepting, finishes the requests in flight and
# exits 0 (SIGTERM would drop them). docker stop, and Kubernetes through the container runtime,
# send the image's STOPSIGNAL.
STOPSIGNAL SIGQUIT
