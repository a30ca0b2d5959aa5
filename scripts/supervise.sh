# Restart loops for scripts/run.sh (sourced). The caller sets VAR (the log directory) and
# STOP (a file that exists while it shuts down, so a process exiting then is not restarted).

note() {   # a supervisor event: on the terminal and in var/supervisor.log
  printf '%s %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*" | tee -a "$VAR/supervisor.log" >&2
}

describe_exit() {
  local rc=$1
  if ((rc > 128)); then
    echo "was killed by signal $((rc - 128)) ($(kill -l $((rc - 128)) 2>/dev/null || echo '?'))"
  else
    echo "exited with exit code $rc"
  fi
}

# supervise NAME LOG CMD...: run CMD, and run it again whenever it exits, until we stop.
# The pause before a restart doubles from 1 s to 30 s while it keeps dying within a minute,
# so a process that cannot start (a bad setting, the database gone) does not spin.
supervise() {
  local name=$1 log=$2 child="" delay=1 started ran rc
  shift 2
  trap '[[ -n $child ]] && kill -TERM "$child" 2>/dev/null; [[ -n $child ]] && wait "$child"; exit 0' TERM INT
  while true; do
    started=$SECONDS
    "$@" >>"$log" 2>&1 &
    child=$!
    note "$name started (pid $child), log $log"
    rc=0
    wait "$child" || rc=$?
    child=""
    ran=$((SECONDS - started))
    # Ctrl-C reaches the children as well as us: give the stop flag a moment to appear.
    sleep 0.5 &
    wait $! || true
    [[ -e $STOP ]] && exit 0
    if ((ran >= 60)); then delay=1; fi
    note "$name $(describe_exit "$rc") after $ran s; restarting in $delay s"
    printf '%s supervisor: %s %s; restarting\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$name" \
      "$(describe_exit "$rc")" >>"$log"
    sleep "$delay" &
    wait $! || true
    [[ -e $STOP ]] && exit 0
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

