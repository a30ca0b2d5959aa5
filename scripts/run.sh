#!/usr/bin/env bash
# `make run`: migrate, load the demo, then serve the portal with the task worker and the SLA
# watcher beside it. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# The demo runs like production (friendly error pages, hashed static files); DEBUG=true to debug.
export DEBUG=${DEBUG:-false}

if command -v msgfmt >/dev/null 2>&1; then
  $PY manage.py compilemessages --ignore=.venv -v0   # refresh .mo files (they are committed too)
fi
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo
$PY manage.py collectstatic --noinput -v0

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

$PY manage.py db_worker --queue-name default --interval 1 --no-reload > var/worker.log 2>&1 &
pids+=($!)
$PY manage.py sla_watch --interval 30 > var/sla_watch.log 2>&1 &
pids+=($!)
.venv/bin/gunicorn config.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 \
  --env DJANGO_SETTINGS_MODULE="$DJANGO_SETTINGS_MODULE" --access-logfile - --log-level warning &
pids+=($!)

cat <<MSG

  Kuaixiang 快响 is running
    Portal         http://$HOST:$PORT/
    Agent admin    http://$HOST:$PORT/admin/
    REST API       http://$HOST:$PORT/api/v1/   (OpenAPI schema: /api/schema/)
  Demo logins (password: kuaixiang-demo)
    customer@example.com    customer, organization admin (华东纺织, Advanced plan)
    customer2@example.com   customer of another organization (深圳前海物流, Urgent plan)
    agent@example.com       agent
    manager@example.com     manager (SLA plans, calendars, teams)
    admin@example.com       superuser
  Mail is written to var/mail/; worker and watcher logs are in var/.  Ctrl-C stops everything.

MSG
wait -n "${pids[@]}"
