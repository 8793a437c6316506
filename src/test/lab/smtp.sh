# shellcheck shell=bash
# The lab's SMTP server, sourced by lab.sh: aiosmtpd from Debian's python3-aiosmtpd, listening on
# 127.0.0.1:$LAB_SMTP_PORT and writing every message it accepts into the Maildir $LAB_DIR/mail (new/ one file per
# message), so tests read what the panel really sent over SMTP. It keeps nothing else and relays nothing.
# Properties: smtp.host, smtp.port, smtp.maildir.

LAB_SMTP_PORT=${LAB_SMTP_PORT:-2525}
SMTP_MAILDIR=$LAB_DIR/mail
SMTP_PID=$LAB_DIR/smtp.pid
SMTP_LOG=$LAB_DIR/smtp.log

smtp_stop() {
    if [[ -s $SMTP_PID ]] && kill -0 "$(<"$SMTP_PID")" 2>/dev/null; then
        kill "$(<"$SMTP_PID")" 2>/dev/null || true
        local i
        for i in $(seq 1 50); do kill -0 "$(<"$SMTP_PID")" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$SMTP_PID"
}

smtp_up() {
    smtp_stop
    install -d -m 700 "$SMTP_MAILDIR" "$SMTP_MAILDIR/new" "$SMTP_MAILDIR/cur" "$SMTP_MAILDIR/tmp"
    # -n: no setuid to nobody (the Maildir is root's, like the rest of the lab dir)
    # Debian's own python3: the package's module is not on the path of another python a machine may put first
    setsid /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$LAB_SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$SMTP_MAILDIR" \
        >"$SMTP_LOG" 2>&1 </dev/null &
    echo $! >"$SMTP_PID"
    local i
    for i in $(seq 1 100); do
        port_open "$LAB_SMTP_PORT" && { log "smtp on 127.0.0.1:$LAB_SMTP_PORT (Maildir $SMTP_MAILDIR)"; return 0; }
        sleep 0.1
    done
    die "the lab SMTP server did not start on 127.0.0.1:$LAB_SMTP_PORT (see $SMTP_LOG)"
}

smtp_properties() {
    echo "smtp.host=127.0.0.1"
    echo "smtp.port=$LAB_SMTP_PORT"
    echo "smtp.maildir=$SMTP_MAILDIR"
}
