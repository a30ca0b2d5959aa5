# Restart loops for scripts/run.sh (sourced). The caller sets VAR (the log directory) and
# STOP (a file that exists while it shuts down, so a process exiting then is not restarted).

# No command substitution runs inside the loop below: bash 5.2 re-parses a `$(...)` when it
# runs it, and the TERM trap firing in the middle of that parse breaks it ("unexpected EOF while
# looking for matching `)'") and the loop exits 1 instead of 0. Times come from printf's own
# clock and signal names from a table filled here, before any trap is set.
SIGNAL_NAMES=()
for _n in {1..64}; do SIGNAL_NAMES[_n]=$(kill -l "$_n" 2>/dev/null); done
unset _n

note() {   # a supervisor event: on the terminal and in var/supervisor.log
  local now
  printf -v now '%(%Y-%m-%d %H:%M:%S)T' -1
  printf '%s %s\n' "$now" "$*" | tee -a "$VAR/supervisor.log" >&2
}

describe_exit() {   # sets EXIT_TEXT
  local rc=$1
  if ((rc > 128)); then
    EXIT_TEXT="was killed by signal $((rc - 128)) (${SIGNAL_NAMES[rc - 128]:-?})"
  else
    EXIT_TEXT="exited with exit code $rc"
  fi
}

# supervise NAME LOG CMD...: run CMD, and run it again whenever it exits, until we stop.
# The pause before a restart doubles from 1 s to 30 s while it keeps dying within a minute,
# so a process that cannot start (a bad setting, the database gone) does not spin.
supervise() {
  local name=$1 log=$2 child="" delay=1 started ran rc EXIT_TEXT
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
    describe_exit "$rc"
    note "$name $EXIT_TEXT after $ran s; restarting in $delay s"
    printf '%(%Y-%m-%d %H:%M:%S)T supervisor: %s %s; restarting\n' -1 "$name" "$EXIT_TEXT" >>"$log"
    sleep "$delay" &
    wait $! || true
    [[ -e $STOP ]] && exit 0
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

