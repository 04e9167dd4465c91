#!/bin/sh
# Creates the Secret task-manager-oidc for a LOCAL cluster, with random values, unless it exists.
#
#   sh k8s/create-dev-secret.sh        # what `skaffold dev` and `skaffold run` run before deploying
#
# The two secret values of sign-in never live in a manifest, an image or this repository:
#   OIDC_CLIENT_SECRET  the secret task-service and the development identity provider share
#   SESSION_KEYS        the key that encrypts the session cookies (base64url, 32 random bytes)
# They are made here, in the cluster, the first time. An existing Secret is left alone, so the
# sessions people have survive every redeploy; `kubectl delete secret task-manager-oidc` and a
# new deploy give fresh values (and sign everybody out).
#
# Skaffold runs it as a deploy hook (skaffold.yaml) with SKAFFOLD_KUBE_CONTEXT, and
# SKAFFOLD_NAMESPACES when it deploys to a namespace of its own (else the context's namespace is
# used, as for the manifests). Never for aws: there the Secret holds your provider's real client
# secret, and you create it yourself (k8s/README.md). Needs kubectl and openssl.
set -eu

SECRET=task-manager-oidc

# 32 random bytes, base64url without padding (43 characters): what SESSION_KEYS takes, and as
# good a client secret. Checked, so a failing openssl never leaves an empty secret.
random_value() {
  value=$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n')
  [ "${#value}" -eq 43 ] || {
    echo "create-dev-secret: openssl did not give 32 random bytes" >&2
    exit 1
  }
  printf '%s' "$value"
}

command -v openssl >/dev/null 2>&1 || {
  echo "create-dev-secret: openssl is needed to make the random values" >&2
  exit 1
}

context_flag=
if [ -n "${SKAFFOLD_KUBE_CONTEXT:-}" ]; then context_flag="--context=$SKAFFOLD_KUBE_CONTEXT"; fi

# Succeeds when the Secret is there; fails when it is not. When the cluster cannot be asked,
# stops the deploy here, with kubectl's own message above this one.
exists() {
  found=$(kubectl $context_flag $1 get secret "$SECRET" --ignore-not-found --output=name) || {
    echo "create-dev-secret: cannot look for $SECRET in the cluster" >&2
    exit 1
  }
  [ -n "$found" ]
}

ensure() { # $1: a --namespace=... flag, or nothing for the context's namespace
  if [ -n "$1" ]; then where="namespace ${1#--namespace=}"; else where="the context's namespace"; fi
  if exists "$1"; then
    echo "create-dev-secret: $SECRET exists in $where; left as it is"
    return
  fi
  client_secret=$(random_value)
  session_key=$(random_value)
  # The values go through stdin, never onto a command line (where `ps` would show them).
  if printf 'OIDC_CLIENT_SECRET=%s\nSESSION_KEYS=%s\n' "$client_secret" "$session_key" |
    kubectl $context_flag $1 create secret generic "$SECRET" --from-env-file=/dev/stdin \
      >/dev/null; then
    echo "create-dev-secret: created $SECRET in $where, with random values"
  elif exists "$1"; then
    # Another deploy created it in the meantime: that one is used.
    echo "create-dev-secret: $SECRET exists in $where; left as it is"
  else
    echo "create-dev-secret: could not create $SECRET in $where" >&2
    exit 1
  fi
}

namespaces=$(printf '%s' "${SKAFFOLD_NAMESPACES:-}" | tr ',' ' ')
if [ -z "$namespaces" ]; then
  ensure ""
else
  for namespace in $namespaces; do ensure "--namespace=$namespace"; done
fi
