# Postfix log lines -> events. Format: see include/patterns.h.
# Entries are tried in this order; the first match wins, so specific shapes
# come before general ones. Group names are event fields; x_* groups fill
# nothing. Queue IDs are never assumed to have a fixed length: short hex IDs
# and enable_long_queue_ids both match [0-9A-Za-z]+.

# ---- delivery agents: one line per recipient and attempt
# smtp/lmtp/local/virtual/pipe/error/retry/discard, and probes of address
# verification (status=deliverable/undeliverable). The reply, when there is
# one, is inside the parentheses: "host X said: 451 4.7.1 ... (in reply to
# RCPT TO command)", "refused to talk to me: 421 ...", "connect to X:
# Connection refused" (then only dsn= carries a code). A line quoted in a
# mail that a client turned into text shows an address as "a@b
# <mailto:a@b>" (a GitHub issue's mailed reply: "to=info@domain.de
# <mailto:info@domain.de>, relay=none, ..."): the address before it. A page
# served through Cloudflare hides the address as "[email protected]", and
# its pattern takes "to=<" and ">" with it when the page escaped them
# ("8875414912DE: [email protected], relay=none, ...", a hosting company's
# knowledge-base article): the recipient is unknown then. A paste that hides
# part of the relay's name in brackets ("relay=[redacted]-br.mail.protection
# .outlook.com[207.46.163.74]:25", a GitHub issue's bounce) keeps it in the
# name: a bracketed piece that a name character follows.
id: postfix.delivery.status
mta: postfix
programs: *
kind: status
prefilter: status=
regex: ^(?<queue_id>[0-9A-Za-z]++): (?:to=<?(?<recipient>[^<>,]*+)>?(?:<mailto:[^<>,]*+>)?+|\[email(?: |\xc2\xa0)protected\]),
  (?: orig_to=<?(?<orig_recipient>[^<>,]*+)>?(?:<mailto:[^<>,]*+>)?+,)?
  (?: relay=(?<relay>(?<remote_host>(?:[^\[\],\s]++|\[[^\[\],\s]*+\](?=[^\[\],\s:]))*+)(?:\[(?<remote_ip>[^\[\]]*+)\](?::\d++)?)?),)?
  (?: conn_use=\d++,)?(?: delay=(?<delay>[\d.]++),)?(?: delays=[\d./]++,)?(?: tls=[^,]*+,)?
  (?: dsn=(?<enhanced_code>\d\.\d{1,3}\.\d{1,3}),)? status=(?<status>[\w-]++)
  (?:\s*+\((?<reply>(?:[^)\s]++|\s++(?!$)|\)(?!\s*+$))*+)\)?)?\s*+$

# ---- queue manager. An expiry carries no reply; its status text is kept as
# the reply, so that the reasons rules can name it.
id: postfix.qmgr.expired
mta: postfix
programs: *
kind: expired
prefilter: expired, returned to sender
regex: ^(?<queue_id>[0-9A-Za-z]++): from=<(?<sender>[^<>]*+)>, status=(?<reply>(?<status>(?:force-)?expired), returned to sender)

# A forum or a web page that takes "<...>" for a markup tag shows
# "from=, size=366" (or "from= , size=2000"): the line stays the message's
# arrival, its sender unknown (the delivery agents' "to=, orig_to=,"
# likewise, above).
id: postfix.qmgr.queued
mta: postfix
programs: qmgr nqmgr oqmgr
kind: queued
prefilter: , size=
regex: ^(?<queue_id>[0-9A-Za-z]+): from=(?:<(?<sender>[^>]*+)>)?+ ?+, size=(?<size>\d+), nrcpt=(?<nrcpt>\d+)

id: postfix.removed
mta: postfix
programs: *
kind: removed
prefilter: : removed
regex: ^(?<queue_id>[0-9A-Za-z]+): removed$

# ---- message arrival and headers
id: postfix.smtpd.client
mta: postfix
programs: smtpd qmqpd
kind: arrival
prefilter: : client=
regex: ^(?<queue_id>[0-9A-Za-z]+): client=(?<remote_host>[^\[\s,]*)\[(?<remote_ip>[^\]]*)\](?::\d+)?(?:,|$)

id: postfix.pickup.uid
mta: postfix
programs: pickup
kind: arrival
prefilter: : uid=
regex: ^(?<queue_id>[0-9A-Za-z]+): uid=-?\d+ from=(?:<(?<sender>[^>]*+)>|$)

# The header's value as the message has it: blanks after it are not part
# of the ID (kdent/postfix_log_analysis mail.log has "message-id=<x@y> ").
id: postfix.cleanup.message-id
mta: postfix
programs: cleanup
kind: header_id
prefilter: message-id=
regex: ^(?<queue_id>[0-9A-Za-z]+): (?:resent-)?message-id=(?<header_msgid>(?:\S++|\s++(?!$))*+)\s*+$

# ---- postscreen refusing a connection it cannot serve now. postscreen.c
# logs "reject: connect from [ip]:port: all screening ports busy" and
# answers "421 4.3.2 All screening ports are busy" (likewise "all server
# ports busy"), and answers "too many connections" with "421 4.7.0 Error:
# too many connections from ip". The line holds no code: reply-code names
# the one sent, and makes the refusal transient.
id: postfix.postscreen.busy
mta: postfix
programs: postscreen
kind: action
reply-code: 421 4.3.2
prefilter: ports busy
regex: ^(?:NOQUEUE: )?(?<action>reject): (?<x_stage>CONNECT|connect) from \[(?<remote_ip>[^\[\]]*+)\](?::\d++)?:
  [ ](?<reply>all (?:server|screening) ports busy)$

id: postfix.postscreen.too-many
mta: postfix
programs: postscreen
kind: action
reply-code: 421 4.7.0
prefilter: too many connections
regex: ^(?:NOQUEUE: )?(?<action>reject): (?<x_stage>CONNECT|connect) from \[(?<remote_ip>[^\[\]]*+)\](?::\d++)?:
  [ ](?<reply>too many connections)$

# ---- our own server refusing or acting on mail
# smtpd/postscreen access decisions: NOQUEUE (no queue file yet) or a queue
# id; reject/defer/warn/hold/discard/filter/redirect, milter and proxy
# (before-queue filter) results. The client part is absent for proxy-*.
# After the reply, smtpd_check.c (log_whatsup) appends "from=<S>", "to=<R>",
# "proto=P" and "helo=<H>" in that order, each only when the session has it:
# a reject at CONNECT or EHLO has no from= ("; proto=SMTP"), one at MAIL no
# to= ("; from=<s> proto=ESMTP helo=<h>"); postscreen separates them by ", ".
# The reply ends at the first "; " that one of them follows.
id: postfix.smtpd.action
mta: postfix
programs: smtpd postscreen cleanup
kind: action
regex: ^(?:(?<queue_id>NOQUEUE|[0-9A-Za-z]++): )?(?<action>reject|reject_warning|defer|defer_if_permit|defer_if_reject|warn|hold|discard|filter|redirect|milter-reject|milter-discard|milter-hold|proxy-reject):
  (?: (?<x_stage>[A-Z][A-Z-]*+))?(?: from (?<remote_host>[^\[\]\s]*+)\[(?<remote_ip>[^\[\]]*+)\](?::\d++)?)?:
  (?: (?<reply>(?:[^;]++|;(?!\s*+(?=from=<|to=<|proto=|helo=<)
  (?:from=<(?:[^<>;]++|<[^<>;]*+>)*+>,?\s*+)?(?:to=<(?:[^<>;]++|<[^<>;]*+>)*+>,?\s*+)?
  (?:proto=[\w-]++,?\s*+)?(?:helo=<[^<>]*+>?)?\s*+$))*+))?
  (?:;\s*+(?:from=<(?<sender>(?:[^<>;]++|<[^<>;]*+>)*+)>,?\s*+)?(?:to=<(?<recipient>(?:[^<>;]++|<[^<>;]*+>)*+)>,?\s*+)?
  (?:proto=(?<protocol>[\w-]++),?\s*+)?(?:helo=<(?<helo>[^<>]*+)>?)?)?\s*+$

# cleanup header_checks/body_checks and milters acting on content:
# "reject: header Subject: x from host[ip]; from=<a> to=<b> proto=ESMTP helo=<h>: 5.7.1 text"
id: postfix.cleanup.content-check
mta: postfix
programs: cleanup
kind: action
regex: ^(?:(?<queue_id>[0-9A-Za-z]++): )?(?<action>(?:milter-(?:header-|body-)?)?(?:reject|warning|hold|discard|filter|redirect|replace|prepend|info|bcc|dunno|ignore)):
  (?<x_what> (?:header|body|end-of-header|end-of-message))
  [ ](?:[^ ]++| (?!from (?:local|[^\[\]\s]*+\[[^\[\]]*+\](?::\d++)?);))*+
  [ ]from (?:local|(?<remote_host>[^\[\]\s]*+)\[(?<remote_ip>[^\[\]]*+)\](?::\d++)?);
  \s*+from=<(?<sender>[^<>]*+)>(?: to=<(?<recipient>[^<>]*+)>)?(?: proto=(?<protocol>[\w-]++))?(?: helo=<(?<helo>[^<>]*+)>)?
  (?::\s*+(?<reply>.*+))?$

# a before-queue content filter accepted the message
id: postfix.smtpd.proxy-accept
mta: postfix
programs: smtpd
kind: none
prefilter: proxy-accept:
regex: ^(?:NOQUEUE|[0-9A-Za-z]+): proxy-accept:

# ---- notifications: the bounce daemon queued a message to the sender
id: postfix.bounce.notification
mta: postfix
programs: bounce defer trace
kind: notify
prefilter: notification:
regex: ^(?<queue_id>[0-9A-Za-z]+): (?:sender|postmaster) (?:non-delivery|delivery status|delay|success) notification: (?<new_queue_id>[0-9A-Za-z]+)

# ---- lines about a queued message that carry no event of their own (the
# status line that follows carries the code): the smtp client's notes
# ("Cannot start TLS: handshake failure", "TLS is required, but was not
# offered by host ...")
id: postfix.queue.info
mta: postfix
programs: *
kind: none
regex: ^[0-9A-Za-z]+: (?:host \S+ (?:said|refused to talk to me):|lost connection with|conversation with|enabling PIX|
  breaking line|skipped, still being delivered|requeued|placed on hold|released from hold|
  (?:Trusted|Untrusted|Verified|Anonymous) TLS connection|SASL authentication failed|
  replace: |prepend: |bcc: |info: |dropped|Cannot start TLS|(?:TLS|SMTPUTF8) is required, but )

# ---- daemon health: rows of the health table, by category (the entry's
# category:, else the severity word in the status group) and the shape of
# the reply group. Postfix's msg(3) prefixes a daemon's own problems with
# "warning: ", "error: ", "fatal: " or "panic: " (msg_warn, msg_error,
# msg_fatal, msg_panic); they come after the entries above, which read the
# shapes that share a prefix (header_checks "warning: header ...").
#
# SASL authentication failures, by client: smtpd_sasl_glue.c logs
# "warning: HOST[ADDR]: SASL MECH authentication failed: REASON", with
# ":PORT" after the address when smtpd_client_port_logging is on, and a
# ", sasl_username=NAME" tail since Postfix 3.
id: postfix.health.sasl
mta: postfix
programs: smtpd
kind: health
category: sasl
prefilter: authentication failed
regex: ^warning: (?<remote_host>[^\[\]\s]++)\[(?<remote_ip>[^\[\]]++)\](?::\d++)?+: (?<reply>SASL [^\s:]++ authentication failed.*+)$

# TLS failures (tls_server.c, tls_client.c, tls_misc.c, tls_verify.c):
# "SSL_accept error from HOST[ADDR]: REASON", "SSL_connect error to
# HOST[ADDR]:PORT: REASON", "warning: TLS library problem: ...",
# "certificate verification failed for HOST[ADDR]:PORT: REASON",
# "Server certificate not verified" / "not trusted".
id: postfix.health.tls
mta: postfix
programs: smtpd smtp lmtp postscreen tlsproxy
kind: health
category: tls
regex: ^(?:warning: )?+(?<reply>(?:SSL_accept error from |SSL_connect error to |TLS library problem|
  (?:[Ss]erver )?certificate verification failed for |Server certificate not (?:verified|trusted)).*+)$

# postscreen's verdicts, counted by word (postscreen(8)): CONNECT, PASS
# NEW/OLD, PREGREET, DNSBL rank, HANGUP, the allow and deny lists (named
# WHITELISTED/BLACKLISTED before Postfix 3.6), the deep protocol tests.
id: postfix.health.postscreen
mta: postfix
programs: postscreen
kind: health
category: postscreen
regex: ^(?<reply>CONNECT|PASS NEW|PASS OLD|PREGREET|DNSBL rank|HANGUP|BLACKLISTED|WHITELISTED|DENYLISTED|
  ALLOWLISTED|WHITELIST VETO|ALLOWLIST VETO|COMMAND TIME LIMIT|COMMAND COUNT LIMIT|COMMAND LENGTH LIMIT|
  COMMAND PIPELINING|BARE NEWLINE|NON-SMTP COMMAND)(?: |$)

# The postfix command's notes as its standard error carries them into the
# journal (the unit's output, under the program "postfix"): postlog's
# "postfix/postlog: starting the Postfix mail system", and its warnings and
# fatal errors ("postfix/postlog: fatal: the Postfix mail system is already
# running"). A daemon-health row by severity; the notes are no event.
id: postfix.postlog
mta: postfix
programs: postfix
kind: health
prefilter: /postlog:
regex: ^[\w.-]++/postlog: (?:(?<status>warning|error|fatal|panic): )?(?<reply>.*+)$

# Everything else a daemon reports about itself, by severity.
id: postfix.health.severity
mta: postfix
programs: *
kind: health
regex: ^(?<status>warning|error|fatal|panic): (?<reply>.*+)$

# ---- session, TLS, postscreen and daemon lines: recognized, no event.
# smtp_tls_note_starttls_offer = yes adds the smtp client's "Host offered
# STARTTLS: [mx.example.com]" (smtp_proto.c).
id: postfix.session
mta: postfix
programs: *
kind: none
regex: ^(?:connect from |disconnect from |lost connection after |timeout after |too many errors after |
  improper command pipelining after |setting up TLS connection |(?:Anonymous|Trusted|Untrusted|Verified) TLS connection |
  SSL_accept error |SSL_connect error |TLS library problem|NOQUEUE: lost connection|
  connect to |warning: |fatal: |error: |panic: |statistics: |
  (?:CONNECT|DISCONNECT|HANGUP|PASS NEW|PASS OLD|PREGREET|DNSBL rank|BLACKLISTED|WHITELISTED|DENYLISTED|ALLOWLISTED|
  WHITELIST VETO|ALLOWLIST VETO|COMMAND TIME LIMIT|COMMAND COUNT LIMIT|COMMAND LENGTH LIMIT|COMMAND PIPELINING|BARE NEWLINE|
  NON-SMTP COMMAND|NOQUEUE: reject: CONNECT) |
  addr \S+ listed by domain |daemon started|reload |terminating on signal|
  Released from hold|(?:Deleted|Requeued|Placed on hold|Released from hold): \d+ messages?$|bare <LF> received|
  discarding EHLO keywords|cache \S+ (?:full|partial) cleanup|
  table \S+ has changed|mapping DSN status|(?:re)?starting (?:the Postfix )?mail system|stopping the Postfix mail system|
  (?:server |client )?certificate (?:verification failed|not trusted)|
  refreshing the Postfix mail system|Postfix is (?:running|using)|helo=\d|ehlo=\d|
  See http://www\.postfix\.org/COMPATIBILITY_README\.html|To disable backwards compatibility use |
  host \S+ said: |host \S+ refused to talk to me|proxy-accept: |Host offered STARTTLS: \[)

# ---- verbose logging (-v in master.cf, debug_peer_list, smtp[d]_tls_loglevel
# 2 and up): the msg_info() of the daemons' inner steps, which starts with
# the function's name ("smtp_get: EOF", "match_hostname: ..."), attribute
# exchanges with other daemons ("send attr status = 4.4.2", "input attribute
# name: status", "private/tlsmgr: wanted attribute: status", "connect to
# subsystem private/defer"), the SMTP transcript of a debug peer
# (smtp_chat.c: "> mx.example.com[192.0.2.1]:25: QUIT", "< ...: 250 2.0.0
# Ok") and OpenSSL's state callbacks ("SSL_connect:SSLv3/TLS write client
# hello"), the Milter protocol's steps (milter8.c: "reply: SMFIR_REJECT data
# 0 bytes", "event: SMFIC_RCPT; macros: ...", as Plesk's greylisting
# article quotes them), milter.c's "report helo to all milters", the
# server skeletons' (single_server.c, trigger_server.c) "connection
# established", "process generation: 14 (14)", "connection closed",
# "idle timeout -- exiting", dict_db.c's "Compiled against Berkeley DB:
# 5.1.25?", smtpd_check.c's "unverified_sender_tempfail_action =
# defer_if_permit", a function with its nesting level ("deliver_alias[3]:
# ", local -v), attr_scan's "local socket: wanted attribute: "; forum
# threads quote them (Ubuntu Forums' smtpd -v of Mar 13 "andromeda" and
# local -v of Nov 12 "rvs001"): recognized, no event. Tried last: nothing
# else is such a line.
id: postfix.debug
mta: postfix
programs: *
kind: none
regex: ^(?:[a-z][a-z0-9]*+(?:_[a-z0-9]++)++(?:\[\d++\])?: |send attr [\w-]++ = |input attribute (?:name|value): |
  [\w.-]++(?:/[\w.-]++)?(?: socket)?: wanted attribute: |connect to subsystem |[<>] [^\s\[\]]*+\[[^\[\]]*+\](?::\d++)?: |
  SSL_(?:accept|connect):[^ ]|certificate verification depth=|(?:reply|event): SMFI[RC]_|
  (?:report (?:connect|helo|sender|recipient|data|unknown command) to|inspect content by|abort|
  disconnect event to|free) all milters$|query milter states for other event$|
  connection (?:established|closed)(?: fd \d++)?$|idle timeout -- exiting$|process generation: \d|
  (?:Compiled against|Run-time linked against) Berkeley DB: |[a-z][a-z0-9]*+(?:_[a-z0-9]++)++ = )

# local(8)'s deliver_attr_dump (local/deliver_attr.c) under -v: one
# attribute a line, "level: 0" to "why: buffer"; its "recipient: " and
# "sender: " are no event.
id: postfix.debug.local-attr
mta: postfix
programs: local
kind: none
regex: ^(?:level|path|fp|queue_name|queue_id|offset|sender|recipient|domain|local|user|extension|unmatched|
  owner|delivered|relay|exp_type|exp_from|why): 
