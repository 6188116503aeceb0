#!/usr/bin/env bash
# The real peers of the lead tests (issue 3): Dovecot (IMAP + LMTP), Postfix (SMTP), Kamailio (SIP proxy) and SIPp
# (SIP caller/callee). The tests run private instances themselves (tests/SalesOrleans.Tests/Support); this only
# installs the Debian packages when one is missing.
#   source deploy/peers.sh; peers_ensure_installed

peers_ensure_installed() {
    if [[ -x /usr/sbin/dovecot && -x /usr/sbin/postfix && -x /usr/lib/dovecot/lmtp && -x /usr/sbin/kamailio && -x /usr/bin/sipp \
        && -e /usr/lib/x86_64-linux-gnu/kamailio/modules/http_client.so && -e /usr/lib/x86_64-linux-gnu/kamailio/modules/jansson.so ]]; then
        return 0
    fi

    if [[ $EUID -ne 0 ]]; then
        echo "peers.sh: dovecot/postfix/kamailio/sipp are not installed and installing them needs root" >&2
        return 1
    fi

    local log
    log=$(mktemp)
    # "No configuration": the packages must not start or configure a system mail server.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            postfix dovecot-imapd dovecot-lmtpd ssl-cert kamailio kamailio-utils-modules kamailio-extra-modules sip-tester; } >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "peers.sh: apt-get install of the test peers failed" >&2
        return 1
    fi
    rm -f "$log"
}
