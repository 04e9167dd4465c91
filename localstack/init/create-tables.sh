#!/bin/sh
# LocalStack init hook (ready.d): creates the app's DynamoDB tables every time LocalStack has
# started. LocalStack Community keeps no data across a restart of its container, so without
# this the tables would be gone until something recreated them; with it, task-service's
# readiness (which checks the tasks table) comes back by itself within READINESS_INTERVAL_MS.
#
# The definitions are generated from packages/task-store/src/schema.ts
# (npm run generate:localstack-tables), one CreateTable request per file, named <table>.json,
# and the TTL settings to turn on, named <table>.time-to-live.json.
# The create-tables init containers may be creating the same tables at the same moment: an
# existing table is fine on both sides.
set -eu

TABLES_DIR=${TABLES_DIR:-/etc/task-manager/dynamodb-tables}
# awslocal signs its requests like the AWS CLI, so it needs credentials and a region; LocalStack
# accepts any. With DYNAMODB_SHARE_DB=1 (localstack/deployment.yaml) the tables are the same in
# every region, so the apps find them in their AWS_REGION.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"

log() { echo "create-tables hook: $*"; }

status=0
found=0
for definition in "$TABLES_DIR"/*.json; do
  [ -e "$definition" ] || break
  case "$definition" in *.time-to-live.json) continue ;; esac
  found=$((found + 1))
  table=$(basename "$definition" .json)
  if output=$(awslocal dynamodb create-table --cli-input-json "file://$definition" 2>&1); then
    log "created table $table"
  elif printf '%s' "$output" | grep -q 'ResourceInUseException'; then
    log "table $table exists"
  else
    log "could not create table $table: $output" >&2
    status=1
  fi
done

# TTL, where the schema asks for it (<table>.time-to-live.json): expired items are deleted.
for setting in "$TABLES_DIR"/*.time-to-live.json; do
  [ -e "$setting" ] || break
  table=$(basename "$setting" .time-to-live.json)
  if output=$(awslocal dynamodb update-time-to-live --cli-input-json "file://$setting" 2>&1); then
    log "time to live on for $table"
  elif printf '%s' "$output" | grep -q 'TimeToLive is already enabled'; then
    log "time to live already on for $table"
  else
    log "could not turn on time to live for $table: $output" >&2
    status=1
  fi
done

if [ "$found" -eq 0 ]; then
  log "no table definitions in $TABLES_DIR" >&2
  exit 1
fi
# Non-zero marks the hook ERROR in LocalStack's log and in GET /_localstack/init.
exit "$status"
