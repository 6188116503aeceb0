#!/usr/bin/env bash
# Mail servers for the mail tests (issue 3): Dovecot (IMAP + LMTP) and Postfix (SMTP), run as private instances by
# the tests themselves (tests/SalesOrleans.Tests/Support). This only installs the Debian packages when missing.
#   source deploy/mail.sh; mail_ensure_installed

mail_ensure_installed() {
    if [[ -x /usr/sbin/dovecot && -x /usr/sbin/postfix && -x /usr/lib/dovecot/lmtp ]]; then
        return 0
    fi

    if [[ $EUID -ne 0 ]]; then
        echo "mail.sh: dovecot/postfix are not installed and installing them needs root" >&2
        return 1
    fi

    local log
    log=$(mktemp)
    # "No configuration": the packages must not start or configure a system mail server.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postfix dovecot-imapd dovecot-lmtpd ssl-cert; } >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "mail.sh: apt-get install postfix dovecot failed" >&2
        return 1
    fi
    rm -f "$log"
}
