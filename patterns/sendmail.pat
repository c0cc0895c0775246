# Sendmail log lines (sendmail, sm-mta, sm-msp-queue, ...) -> events.
# Format: see include/patterns.h. Entries are tried in this order, the most
# frequent shapes first; the first match wins. A prefilter literal is given
# where it lies deep in the line, and for to= and from=, which rule out the
# other frequent lines (STARTTLS, AUTH, each other's) more cheaply than a
# regex call does; elsewhere an anchored regex whose literal sits at a fixed
# early place fails sooner than the prefilter scans a line that lacks it.
#
# Queue IDs have had several lengths (8.12+ "j1K1Dm7B012345": 8 characters
# of date and sequence, then a 6-digit or longer pid; older ones shorter),
# and "NOQUEUE" stands in before there is one: [0-9A-Za-z]+, no fixed
# length. Fields are ", "-separated "name=value" items whose set and order
# vary between versions, configurations and anonymisers: a pattern here
# only tells the shape of a line, and an entry with a `fields:` attribute
# has recog_sendmail.c read its fields by name (delivery: to=, delay=,
# relay=, dsn=, stat=; envelope: from=, size=, nrcpts=, msgid=, proto=,
# relay=; ruleset and milter: arg1=/to=/from=, relay=, reject=).
#
# to= and from= usually come first; fields before them are passed over.
#
# Every regex is linear in the line: possessive quantifiers, anchors, and
# no two quantifiers that can match the same bytes one after the other.
#
# A regex continued on the next line is joined without the indentation, so
# a space needed at a join is written "[ ]".

# ---- delivery attempts: "to=<a>[,<b>...], [ctladdr=x (uid/gid), ]delay=,
# xdelay=, mailer=, pri=, [relay=host. [ip], ]dsn=x.y.z, stat=..."; one line
# may name several recipients (refine() marks the list). stat= is "Sent
# (remote text)", "Deferred: reason", "queued", or the text of a permanent
# failure ("User unknown", "Service unavailable", "Host unknown (...)");
# refine() turns it and the dsn= class into the kind.
id: sendmail.to
mta: sendmail
programs: *
kind: status
fields: delivery
prefilter: to=
regex: ^(?<queue_id>[0-9A-Za-z]++):[ ](?:(?!to=|from=|stat=|reject=)[a-z_]++=[^,]*+,[ ]?+)*+to=

# ---- a message entered the queue: "from=<a>, size=, class=, nrcpts=,
# msgid=<id>, [bodytype=, ]proto=, daemon=, relay=host [ip]". After
# rejected recipients, "nrcpts=0" means no message was accepted: the
# correlator keeps the transaction (its rejects share the queue ID) but
# counts no mail received.
id: sendmail.from
mta: sendmail
programs: *
kind: arrival
fields: envelope
prefilter: from=
regex: ^(?<queue_id>[0-9A-Za-z]++):[ ](?:(?!to=|from=|stat=|reject=)[a-z_]++=[^,]*+,[ ]?+)*+from=

# ---- TLS and AUTH notes, as frequent as deliveries: no event
# ---- daemon health: rows of the health table (see postfix.pat). SMTP AUTH
# failures by client (usersmtp.c/srvrsmtp.c: "AUTH failure (MECH): REASON
# (-13) SASL(-13): ..., user=NAME, relay=HOST [ip] (may be forged)"; the
# last relay= names the client).
id: sendmail.health.auth
mta: sendmail
programs: *
kind: health
category: sasl
prefilter: AUTH failure
regex: ^(?:[0-9A-Za-z]++: )?+(?<reply>AUTH failure \([^()]*+\): (?:(?:[^,]++,)*+ relay=(?:(?<remote_host>[^\s\[\],]++) )?+
  \[(?<remote_ip>[^\[\]]++)\])?.*+)$

# STARTTLS failures (tls.c, sm_tls.c): "STARTTLS=server, error: accept
# failed=-1, reason=..., relay=...", "STARTTLS=client, error: connect
# failed=...", "STARTTLS: read error=..." / "write error=...".
id: sendmail.health.tls
mta: sendmail
programs: *
kind: health
category: tls
prefilter: STARTTLS
regex: ^(?:[0-9A-Za-z]++: )?+(?<reply>STARTTLS(?:=(?:server|client), error: |: (?:read|write) error=).*+)$

id: sendmail.tls-auth
mta: sendmail
programs: *
kind: none
regex: ^(?:[0-9A-Za-z]++: )?+(?:STARTTLS|AUTH)=(?:server|client),

# ---- our client refusing a server: the rulesets tls_server (after
# STARTTLS, arg1 the ${verify} result) and tls_rcpt (before each RCPT) run
# when Sendmail delivers (cf/README), so their reject= ("ruleset=tls_server,
# arg1=SOFTWARE, relay=mx.example.com, reject=403 4.7.0 TLS handshake
# failed.", sonic.net's lines in a grok test) refuses no client: it is a TLS
# failure toward relay=, a row of the health table; the to= line that
# follows says the delivery was deferred. tls_client, run by the server,
# stays a refusal of the client.
id: sendmail.health.tls-ruleset
mta: sendmail
programs: *
kind: health
category: tls
prefilter: ruleset=tls_
regex: ^(?:NOQUEUE: ?+|[0-9A-Za-z]++: ?+)?+(?<reply>ruleset=tls_(?:server|rcpt),
  (?:(?:(?!relay=)[^,]*+,[ ]?)*+relay=(?:(?<remote_host>[^\s\[\],.]++(?:\.[^\s\[\],.]++)*+)\.?+ ?+)?+(?:\[(?<remote_ip>[^\[\]]++)\])?+)?+.*+)$

# ---- our server refusing at SMTP time: "ruleset=check_rcpt, arg1=<a>,
# relay=host [ip], reject=550 5.7.1 ...", check_mail (arg1 is the sender),
# check_relay at connect, check_compat, check_eoh... The ID is the SMTP
# transaction's (Sendmail assigns it at MAIL FROM), so the reject, the
# from= line that follows (nrcpts=0 when nothing was accepted) and the
# client's relay= are tied together by it; NOQUEUE or none before MAIL. A
# ruleset line without reject= (quarantine, discard) is no event.
id: sendmail.reject.ruleset
mta: sendmail
programs: *
kind: rejected
fields: ruleset
prefilter: ruleset=
regex: ^(?:NOQUEUE: ?+|(?<queue_id>[0-9A-Za-z]++): ?+)?ruleset=

# A milter that cannot be reached or does not answer (milter.c, LOG_ERR:
# "Milter (clamav): error connecting to filter: Connection refused by
# /var/run/clamav/clamav-milter.ctl", "Milter (x): timeout before data
# read"; srvrsmtp.c "Milter: initialization failed, temp failing commands"):
# the daemon's own trouble, a row of the health table; with the filter's
# F=T flag every client is told to try again later.
id: sendmail.health.milter
mta: sendmail
programs: *
kind: health
category: error
prefilter: Milter
regex: ^(?:NOQUEUE: ?+|[0-9A-Za-z]++: ?+)?+(?<reply>Milter(?: \([^()]*+\))?+: (?:error connecting to filter|initialization failed|timeout ).*+)$

# A milter refusing a recipient ("Milter: to=<a>, reject=..."), the sender
# ("from=") or the whole message after DATA ("Milter: data, reject=...",
# which closes the message); other Milter notes have no reject= and no
# event.
id: sendmail.milter
mta: sendmail
programs: *
kind: rejected
fields: milter
prefilter: Milter
regex: ^(?:NOQUEUE: ?+|(?<queue_id>[0-9A-Za-z]++): ?+)?Milter(?: \([^)]*+\))?+: 

# "<addr>... User unknown", "<addr>... Relaying denied": a refused address
# at SMTP time. The code is there only when the text carries one.
id: sendmail.reject.address
mta: sendmail
programs: *
kind: rejected
prefilter: ...
regex: ^(?:NOQUEUE: ?+|(?<queue_id>[0-9A-Za-z]++): ?+)?+<?+(?<recipient>[^<>\s.]++(?:\.(?!\.\.)[^<>\s.]*+)*+)>?+\.\.\.[ ](?<reply>.+)$

# "message size (12382169) exceeds maximum (10000000)": SIZE= over the limit
id: sendmail.reject.size
mta: sendmail
programs: *
kind: rejected
prefilter: exceeds maximum
regex: ^(?:NOQUEUE: ?+|(?<queue_id>[0-9A-Za-z]++): ?+)?+(?<reply>message size \(\d++\) exceeds maximum \(\d++\))$

id: sendmail.reject.tcpwrappers
mta: sendmail
programs: *
kind: rejected
prefilter: tcpwrappers
regex: ^(?:NOQUEUE: ?+|(?<queue_id>[0-9A-Za-z]++): ?+)?+(?<reply>tcpwrappers \((?<remote_host>[^,]*+), (?<remote_ip>[^)]*+)\) rejection)$

# ---- notices about a message, each a new message (dsnqid) sent back:
# "<qid>: <dsnqid>: DSN: User unknown" (or, in older versions and for a
# bounce of a bounce, "return to sender: ...") announces the bounce of
# <qid>; it counts as that bounce only where the log holds no failure of
# the message (correlate), and refine() makes "Return receipt" and
# "Warning: could not send message for past N hours" plain notifications.
# savemail.c returntosender() writes "sender notify" instead of "DSN" when
# the envelope carries EF_WARNING, which a delay warning sets and the queue
# file keeps (its 'w' flag): the warning itself, and any later notice of
# the same message ("sender notify: Cannot send message for 5 days", an
# Ubuntu sm-mta log on a forum), so its text decides too. "postmaster
# notify" is the postmaster's copy (RTSF_PM_BOUNCE), no notice to the
# sender.
id: sendmail.dsn
mta: sendmail
programs: *
kind: bounced
notice: failure
regex: ^(?<queue_id>[0-9A-Za-z]++): (?<new_queue_id>[0-9A-Za-z]++): (?:DSN|return to sender|sender notify): (?<reply>.*+)$

id: sendmail.notify
mta: sendmail
programs: *
kind: notify
prefilter: notify: 
regex: ^(?<queue_id>[0-9A-Za-z]++): (?<new_queue_id>[0-9A-Za-z]++): postmaster notify: (?<reply>.*+)$

# deliver.c sendall() splits the envelope when a recipient's alias has an
# owner ("owner-list"): those recipients go on as a new message, whose
# envelope sender is the owner, logged "<qid>: <newqid>: clone:
# owner=<owner>" (LogLevel > 4) and delivered under <newqid>, with no from=
# line of its own. A copy of the message, linked like a .forward copy.
id: sendmail.clone
mta: sendmail
programs: *
kind: notify
split: envelope
prefilter: : clone: owner=
regex: ^(?<queue_id>[0-9A-Za-z]++): (?<new_queue_id>[0-9A-Za-z]++): clone: owner=(?<sender>[^\s,]++)$

# the queue file is gone (LogLevel > 9)
id: sendmail.done
mta: sendmail
programs: *
kind: removed
prefilter: done; 
regex: ^(?<queue_id>[0-9A-Za-z]++): done; 

# deliver.c sendall(): a message that a ruleset ($#discard) or a milter
# marked EF_DISCARD is dropped unsent, "<qid>: discarded" (LogLevel 5 to
# 9; above 9 logundelrcpts() writes a "to=..., stat=discarded" line per
# recipient instead, no delivery): a discard by policy
id: sendmail.discarded
mta: sendmail
programs: *
kind: policy
regex: ^(?<queue_id>[0-9A-Za-z]++): (?<action>discard)ed$

# ---- daemon health: system errors (SYSERR), rows of the health table as errors
id: sendmail.syserr
mta: sendmail
programs: *
kind: health
category: error
prefilter: SYSERR
regex: ^(?:[0-9A-Za-z]++: ?+)?+SYSERR(?:\([^)]*+\))?+: (?<reply>.*+)$

# A queue file set aside: queue.c loseqfile() renames qf to Qf and logs
# "Losing ./qfID: WHY" at LOG_ALERT (a savemail panic, an unreadable
# envelope): the message stays in the queue unsent until someone acts.
id: sendmail.health.lose
mta: sendmail
programs: *
kind: health
category: error
prefilter: Losing 
regex: ^(?:[0-9A-Za-z]++: )?+(?<reply>Losing [^\s:]++: .++)$

# The daemon's own trouble, rows of the health table as errors: a second
# daemon on a taken port (daemon.c opendaemonsocket(), after its SYSERR:
# "daemon NAME: problem creating SMTP socket", LOG_ALERT, every 5 seconds
# until "server SMTP socket wedged: exiting"); a queue file of the wrong
# owner or mode (queue.c readqf(), LOG_ALERT: "bogus queue file, uid=N,
# gid=N, mode=N", then its "Losing" line); a pid file it cannot write
# (util.c, LOG_ERR: "unable to write pid to PATH: WHY").
id: sendmail.health.daemon
mta: sendmail
programs: *
kind: health
category: error
regex: ^(?:NOQUEUE: ?+|[0-9A-Za-z]++: ?+)?+(?<reply>daemon [^\s:]++: problem creating SMTP socket|
  bogus queue file, .*+|unable to write pid to .*+)$

# A start-up warning: an address of an interface has no name (conf.c, the
# names of the interfaces, "gethostbyaddr(127.0.0.2) failed: 1")
id: sendmail.health.warning
mta: sendmail
programs: *
kind: health
category: warning
prefilter: gethostbyaddr(
regex: ^(?:NOQUEUE: ?+)?+(?<reply>gethostbyaddr\([^()\s]*+\) failed: .*+)$

# ---- sessions, TLS, AUTH, the daemon: no event. alias.c logs "<file>: N
# aliases, longest N bytes, N bytes total" when it rebuilds the aliases
# (LogLevel > 7) and "<qid>: alias <addr> => <list>" (LogLevel > 10).
# milter.c logs each filter's answer, "milter=<name>, action=<stage>,
# accepted|continue|skip|discard|tempfail|reject[=<reply>]" (MilterLogLevel
# > 10): the refusal itself is the "Milter: ..., reject=" line that follows.
# queue.c notes its queue runs ("runqueue: Aborting queue run: load average
# too high"); headers.c shortens an over-long MIME header ("Truncated MIME
# Content-Type header due to field size (length = N) (possible attack)").
id: sendmail.session
mta: sendmail
programs: *
kind: none
regex: ^(?:[0-9A-Za-z]++(?:\[\d++\])?+: )?(?:STARTTLS=|STARTTLS: |AUTH=|AUTH failure|lost input channel from |
  timeout waiting for input from |rejecting commands from |collect: |Milter|SMTP outgoing connect |
  Fixed MIME |Syntax error in mailbox address|connect from |Null connection from |
  headers too large|Authentication-Warning: |
  starting daemon |rejecting connections on daemon |accepting connections again |File descriptors missing |
  grew WorkList |alias database |/[^\s:]++: \d++ aliases, |alias (?:(?!=> )[^ ]++ )++=> |
  milter=[^,\s]++, action=[a-z]++, |
  unable to qualify my own domain|My unqualified host name|
  daemon [^\s:]++: |restarting |stopping daemon|load average: |SMTP server:|runqueue: |
  Truncated (?:long )?MIME )

# What Sendmail says about an SMTP client, "<client>: <note>" or
# "<client> did not issue ...", where <client> is "[user@]host [ip]
# [(may be forged)]", "[ip]" or "host" (srvrsmtp.c, CurSmtpClient). Each
# searched from its literal, so that a long line costs one pass.
id: sendmail.session.quiet
mta: sendmail
programs: *
kind: none
prefilter: did not issue 
regex: did not issue [A-Z/]++ during connection

id: sendmail.session.attack
mta: sendmail
programs: *
kind: none
prefilter: possible SMTP attack: 
regex: possible SMTP attack: 

# srvrsmtp.c: a client past BadRcptThrottle refused recipients is slowed
# down, "<client>: Possible SMTP RCPT flood, throttling." (LogLevel > 5)
id: sendmail.session.flood
mta: sendmail
programs: *
kind: none
prefilter: RCPT flood, throttling
regex: : Possible SMTP RCPT flood, throttling\.$

id: sendmail.session.etrn
mta: sendmail
programs: *
kind: none
prefilter: : ETRN 
regex: ^(?:[0-9A-Za-z]++: )?+(?:[^\s\[:]++(?: |(?=:)))?+(?:\[[^\]]*+\])?+(?: \(may be forged\))?+: ETRN 

id: sendmail.session.protocol
mta: sendmail
programs: *
kind: none
prefilter: protocol error
regex: : SMTP (?:DATA-\d )?protocol error

# "[ip]: EXPN root [rejected]": the command refused, the last word of the line
id: sendmail.session.expn
mta: sendmail
programs: *
kind: none
prefilter: [rejected]
regex: ^(?:[0-9A-Za-z]++: )?+(?:[^\s\[:]++(?: |(?=:)))?+(?:\[[^\]]*+\])?+(?: \(may be forged\))?+:
  [ ](?:EXPN|VRFY|expn|vrfy) .*+(?<=\[rejected\])$

# a long line cut by sm_syslog (conf.c) into "qid[1]: ... ...", "qid[2]:
# ..." pieces ("NOQUEUE[1]:" without a queue ID, "[1]:" for the daemon's
# own notes): logline_pieces.c joins them, and the last piece's line is read
# as the whole line; the pieces before it, and a piece whose run was not
# seen from its start, cannot be read alone
id: sendmail.split-line
mta: sendmail
programs: *
kind: none
regex: ^[0-9A-Za-z]*+\[\d++\]: 
