#!/usr/bin/env bash
# `make run`: migrate, load the demo, then serve the portal with the task worker and the SLA
# watcher beside it. Each of the three runs under a supervisor loop that restarts it when it
# dies and logs when and why (var/supervisor.log). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WEB_WORKERS=${WEB_WORKERS:-3}
# Persistent database connections (seconds): a new SQLite connection per request re-reads the
# schema and re-runs the PRAGMAs, about a fifth of a submission's CPU (docs/operations.md).
export CONN_MAX_AGE=${CONN_MAX_AGE:-60}
# Links in mail point at this server unless a public URL is configured.
export PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://$HOST:$PORT}
# Live chat's websockets: daphne (ASGI) on the next port, beside gunicorn (docs/operations.md).
export CHAT_PORT=${CHAT_PORT:-$((PORT + 1))}
# The demo runs like production (friendly error pages, hashed static files); DEBUG=true to debug.
export DEBUG=${DEBUG:-false}
VAR=${KUAIXIANG_VAR_DIR:-var}
mkdir -p "$VAR"

# COMPILEMESSAGES=0 skips it (benchmarks/bench_load.py: the .mo files in the tree stay as they are).
if [[ ${COMPILEMESSAGES:-1} != 0 ]] && command -v msgfmt >/dev/null 2>&1; then
  $PY manage.py compilemessages --ignore=.venv -v0   # refresh .mo files (they are committed too)
fi
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo
$PY manage.py collectstatic --noinput -v0

STOP="$VAR/.run-stopping"   # exists while we shut down: a process that exits then is not restarted
rm -f "$STOP"
# shellcheck source=scripts/supervise.sh
source scripts/supervise.sh

supervisors=()
cleanup() {
  trap - INT TERM EXIT
  touch "$STOP"
  for pid in "${supervisors[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$STOP"
  note "stopped"
}
trap cleanup INT TERM EXIT

# A stable worker id lets the worker requeue, at its next start, the task its previous life
# was running when it died (helpdesk/services/task_recovery.py).
# TASK_WORKERS=N starts N of them (scaled out on PostgreSQL; SQLite has one write lock).
HOST_ID="$(hostname -s 2>/dev/null || echo local)"
# The task workers run at a lower CPU priority (WORKER_NICE, 0 turns it off): during a burst
# the web workers get the cores to accept requests, and the workers catch up afterwards
# (their work is queued in the database; docs/operations.md, "Submissions").
WORKER_NICE=${WORKER_NICE:-10}
for n in $(seq 1 "${TASK_WORKERS:-1}"); do
  WORKER_ID="${HOST_ID:0:48}-worker-$n"
  LOG="$VAR/worker.log"; [[ $n == 1 ]] || LOG="$VAR/worker-$n.log"
  supervise task_worker "$LOG" nice -n "$WORKER_NICE" \
    $PY manage.py task_worker --queue-name default --interval 1 --outbox-interval 10 --worker-id "$WORKER_ID" &
  supervisors+=($!)
done
supervise sla_watch "$VAR/sla_watch.log" $PY manage.py sla_watch --interval 30 &
supervisors+=($!)
# Inbound mail, when a mailbox to fetch is configured (the demo's Maildir is, under $VAR/maildir).
if $PY manage.py fetch_mail --check 2>/dev/null; then
  supervise fetch_mail "$VAR/fetch_mail.log" $PY manage.py fetch_mail --loop --interval "${MAIL_FETCH_INTERVAL:-5}" &
  supervisors+=($!)
fi
# Sync workers, one request each: gunicorn's --timeout is enforced by the arbiter when a
# worker stops heart-beating, which a sync worker stuck in a request does, so it is killed
# and SQLite rolls back its transaction. A gthread worker keeps heart-beating from its main
# loop while a request thread hangs, so there --timeout never ends a request.
# (helpdesk/tests/test_worker_gunicorn_timeout.py shows both.)
supervise web "$VAR/web.log" \
  .venv/bin/gunicorn config.wsgi:application --bind "$HOST:$PORT" \
  --worker-class sync --workers "$WEB_WORKERS" --timeout 30 --graceful-timeout 10 \
  --control-socket "$VAR/gunicorn.ctl" \
  --env DJANGO_SETTINGS_MODULE="$DJANGO_SETTINGS_MODULE" --access-logfile - --log-level warning &
supervisors+=($!)
supervise chat "$VAR/chat.log" \
  .venv/bin/daphne --bind "$HOST" --port "$CHAT_PORT" --proxy-headers config.asgi:application &
supervisors+=($!)

cat <<MSG

  Kuaixiang 快响 is running
    Portal         http://$HOST:$PORT/
    Agent admin    http://$HOST:$PORT/admin/
    REST API       http://$HOST:$PORT/api/v1/   (OpenAPI schema: /api/schema/)
    Live chat      ws://$HOST:$CHAT_PORT/ws/chat/   (agents: /admin/chat/)
  Demo logins (password: kuaixiang-demo)
    customer@example.com    customer, organization admin (华东纺织, Advanced plan)
    customer2@example.com   customer of another organization (深圳前海物流, Urgent plan)
    agent@example.com       agent
    manager@example.com     manager (SLA plans, calendars, teams)
    admin@example.com       superuser
  Mail is written to $VAR/mail/ (unless EMAIL_HOST is set); mail dropped into
  $VAR/maildir/new/ becomes tickets and replies. Links in mail: $PORTAL_BASE_URL
  Logs: $VAR/web.log, $VAR/worker.log, $VAR/sla_watch.log, $VAR/fetch_mail.log;
  restarts in $VAR/supervisor.log. Ctrl-C stops everything.

MSG
wait
