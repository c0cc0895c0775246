# Exim log lines -> events. Format: see include/patterns.h.
# The message is what follows Exim's own stamp ("2026-11-23 06:25:01[.mmm]
# [+hhmm] [[pid]] ") or the syslog tag ("exim[123]: "); through syslog a
# +pid selector leaves "[123] " in front, hence the optional "(?:\[\d+\] )?".
# Message IDs: the classic 6-6-2 base-62 form (1vAbCd-0001Xy-Ab) and the
# 6-11-4 form of Exim 4.97 and later (10HmaX-000000005vi-0000), no other
# lengths:
#   [0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4})
# Entries are tried in this order, the most frequent shapes first; the first
# match wins. A prefilter literal is given where it lies deep in the line,
# and where it rules out the frequent lines of other shapes cheaply (the
# '>' of an arrow is in few arrival lines, "<=" in few other lines:
# one memchr instead of a regex call); elsewhere an anchored regex fails
# sooner than the prefilter scans. Line shapes follow Exim's
# deliver.c (delivery_log, deferral_log, failure_log), receive.c (the "<="
# line) and acl.c (rejections).
#
# The fields after the address of a delivery line come in a fixed order,
# but most are optional and log_selector adds more (F=, Q=, P=, R=, T=, S=,
# H=, I=, X=, CV=, DN=, K, L, PRDR, C=, QT=, DT=; an arrival's M8S= of the
# 8bitmime selector: a name may hold a digit), so the patterns walk them
# as a list of "NAME=value" items, picking out H= (which holds a space:
# "H=name [ip]:port") and C="reply". A bare flag may carry marks: the
# pipelining selector's "L" of an arrival (receive.c add_host_info_for_log)
# is followed by "*" (early pipelining used) or "." (offered), then "-"
# when the client did not pipeline ("L-", "L.-"); a delivery's "L*"; a TCP
# Fast Open arrival's "TFO*".
#
# A regex continued on the next line is joined without the indentation, so
# a space needed at a join is written "[ ]".

# ---- deliveries: "=>" first address, "->" further addresses of the same
# delivery, ">>" cutthrough. "=> userx <userx@test.ex>": a local delivery
# logs the local part, then the original address in <>; a pipe logs its
# command, spaces and all ("=> |/usr/bin/procmail -d bob <bob@example.org>"), and so
# does any first item that the parents "(a, b)" or the address "<a>" follow (a
# cPanel "=> /home/u/mail/d/sam/.Server Status/ <a@d>", "=> sales+spam
# |/usr/local/cpanel/bin/autorespond ... (sales@d) <sales@d>"). "=> blackhole
# (DATA ACL discarded recipients)" and deliver.c's "=> discarded (system
# filter)" (a system filter's "seen finish") are no delivery
# (exim.message.info). The
# arrow may be followed by more than one space ("->  foo@bar.tld <...>",
# intelmq's Exim parser tests).
id: exim.delivery
mta: exim
programs: *
kind: delivered
prefilter: >
regex: ^(?:\[\d++\] )?(?<queue_id>[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4}))
  [ ](?:=>|->|>>)[ ]++(?!blackhole(?: [^<]|$)|discarded \(system filter\)$)(?:(?<recipient>[^<\s(](?:[^<\s]++|\s(?![<(]|[A-Za-z][A-Za-z0-9]*+=))*+)(?=[ ][<(])|(?<recipient>\S++))
  (?: \([^()]*+\))?(?: <(?<orig_recipient>[^<>]*+)>)?
  (?: (?:F=<(?<sender>[^<>]*+)>|H=(?<remote_host>[^\s\[\]]*+)(?: DS)?(?: \[(?<remote_ip>[^\[\]]++)\](?::\w++)?\*?)?|
  C="(?<reply>(?:[^"\\]++|\\.)*+)"|[A-Za-z][A-Za-z0-9]*+=(?:"(?:[^"\\]++|\\.)*+"|\S++)|[A-Z]{1,4}[-.*]{0,2}))*+

# ---- arrivals: "<= sender R=ref H=host (helo) [ip]:port ... P=proto ...
# S=size id=msgid". A bounce has sender <> and R= names the message it
# reports on (refine() moves it to origin_queue_id). A quoted local part
# may hold spaces ('<= "name with spaces"@test.ex H=...').
id: exim.arrival
mta: exim
programs: *
kind: arrival
prefilter: <=
regex: ^(?:\[\d++\] )?(?<queue_id>[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4}))
  [ ]<= (?:<(?<sender>)>|(?<sender>"(?:[^"\\]++|\\.)*+"@\S*+)|(?<sender>\S++))
  (?: R=(?<new_queue_id>[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4})))?
  (?: (?:H=(?:(?<remote_host>[^\s()\[\]]++) ?)?(?:\((?<helo>[^()]*+)\) ?)?(?:\[(?<remote_ip>[^\[\]]++)\](?::\d++)?)?|
  P=(?<protocol>\S++)|S=(?<size>\d++)|id=(?<header_msgid>\S++)|[A-Za-z][A-Za-z0-9]*+=(?:"(?:[^"\\]++|\\.)*+"|\S++)|[A-Z]{1,4}[-.*]{0,2}))*+

id: exim.completed
mta: exim
programs: *
kind: removed
regex: ^(?:\[\d+\] )?(?<queue_id>[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4})) Completed(?: |$)

# ---- our server refusing. receive.c: a message refused while it was
# read ("rejected from <a> H=...: message too big", "...: Non-CRLF-terminated
# header, under CHUNKING: message abandoned")
id: exim.reject.receive
mta: exim
programs: *
kind: rejected
prefilter: rejected from <
regex: ^(?:\[\d++\] )?(?:(?<queue_id>[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4})) )?
  (?<action>rejected) from <(?<sender>[^<>]*+)>
  (?: H=(?:(?<remote_host>[^\s()\[\]]++) )?(?:\((?<helo>[^()]*+)\) )?\[(?<remote_ip>[^\[\]]++)\](?::\d++)?)?[^:]*+: (?<reply>.*+)$

# smtp_in.c: a HELO or EHLO whose argument is no host name or address
# literal is answered 501 and logged "rejected EHLO from <host> [ip]:
# syntactically invalid argument(s): <argument>" (an Exim rejectlog quoted
# on a Q&A page: "rejected EHLO from mail.mra.mu [196.27.73.162]: ...").
id: exim.reject.helo-syntax
mta: exim
programs: *
kind: rejected
prefilter: syntactically invalid
regex: ^(?:\[\d++\] )?(?<action>rejected) (?:EHLO|HELO|ehlo|helo) from (?:(?<remote_host>[^\s()\[\]]++) )?(?:\([^()]*+\) )?
  \[(?<remote_ip>[^\[\]]++)\](?::\d++)?: (?<reply>syntactically invalid argument\(s\)): (?:(?<helo>[^\s()]\S*+)|.*+)$

# acl.c writes "<host and ident> [F=<sender> ][temporarily ]rejected
# <what>[: <log message>]", where <what> is
# "RCPT <addr>", "MAIL <addr>", "after DATA", "connection in "connect" ACL",
# "EHLO or HELO x", "by non-SMTP ACL", ... Exim logs no code of its own:
# refine() keeps a code only where the ACL's message starts with one, and
# the class follows "temporarily" (a defer verb), not a guess. "MAIL <a>"
# names the sender. With the incoming_interface selector (on in cPanel's
# configuration) host_and_ident adds " I=[ip]:port" after the client.
id: exim.reject
mta: exim
programs: *
kind: rejected
prefilter: rejected
regex: ^(?:\[\d++\] )?(?:(?<queue_id>[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4})) )?
  (?:(?:H=(?:(?<remote_host>[^\s()\[\]]++) )?(?:\((?<helo>[^()]*+)\) )?\[(?<remote_ip>[^\[\]]++)\](?::\d++)?|
  F=(?:<(?<sender>[^<>]*+)>|(?<sender>\S++))|[A-Za-z][A-Za-z0-9]*+=(?:"(?:[^"\\]++|\\.)*+"|\S++)) )*+
  (?<action>(?:temporarily )?rejected) (?:RCPT (?:<(?<recipient>[^<>]*+)>|(?<recipient>[^\s:<>]++))|MAIL <(?<sender>[^<>]*+)>(?=:|$)|(?<x_what>[^:]*+))
  (?:: (?<reply>.*+))?$

# A client refused for its whole connection. smtp_in.c: a command sent
# before the greeting or pipelined where that was not advertised is
# answered "554 SMTP synchronization error" and the connection closed:
# "SMTP protocol synchronization error (<why>): rejected connection from
# <host and ident> input=..." or "...: rejected "<command>" <host> next
# input=...". And the drop verb of a connect ACL, as its logwrite names it:
# "H=[ip]:port dropped by 'connect' ACL: <message>".
id: exim.reject.sync
mta: exim
programs: *
kind: rejected
prefilter: synchronization error
regex: ^(?:\[\d++\] )?(?<reply>SMTP protocol synchronization error \([^()]*+\)):
  [ ](?<action>rejected) (?:connection from |"(?:[^"\\]++|\\.)*+" )?(?:H=(?:(?<remote_host>[^\s()\[\]]++) )?(?:\((?<helo>[^()]*+)\) )?\[(?<remote_ip>[^\[\]]++)\](?::\d++)?)?

id: exim.reject.dropped
mta: exim
programs: *
kind: rejected
prefilter: dropped by '
regex: ^(?:\[\d++\] )?(?:(?:H=(?:(?<remote_host>[^\s()\[\]]++) )?(?:\((?<helo>[^()]*+)\) )?\[(?<remote_ip>[^\[\]]++)\](?::\d++)?|[A-Za-z][A-Za-z0-9]*+=(?:"(?:[^"\\]++|\\.)*+"|\S++)) )*+
  (?<action>dropped) by '[^']*+' ACL(?:: (?<reply>.*+))?$

# ---- deferrals: deliver.c deferral_log writes "== addr [<top>] R=r T=t
# defer (errno)[: strerror][ H=host [ip]][: message]" ("routing defer" when
# routing itself was deferred). "retry time not reached [for any host]"
# (errno -51 to -54) means no attempt was made this time: it is still a
# deferral (eximstats counts it among the "==" lines), with no code; the
# reasons rules name it a wait. Where no message follows the host, the
# errno's text is the reply ("defer (110): Connection timed out H=mx [ip]").
id: exim.defer
mta: exim
programs: *
kind: deferred
regex: ^(?:\[\d++\] )?(?<queue_id>[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4}))
  [ ]== (?:(?<recipient>\|(?:[^<\s]++|\s(?!<))*+)(?= <)|(?<recipient>[^<\s(|:](?:[^<\s:]++|:(?!\s)|\s(?![<(]|[A-Za-z][A-Za-z0-9]*+=))*+)(?=[ ][<(])|(?<recipient>\S++))(?: \([^()]*+\))?(?: <(?<orig_recipient>[^<>]*+)>)?
  (?: (?:F=<(?<sender>[^<>]*+)>|[A-Za-z][A-Za-z0-9]*+=(?:<[^<>]*+>|\S++)))*+(?: routing)? defer \((?:-?\d++|\w++)\)
  (?:: (?<reply>(?:[^: ]++| (?!H=))*+) H=(?<remote_host>[^\s\[\]]++)(?: DS)? \[(?<remote_ip>[^\[\]]++)\](?::\w++)?|
  : (?:[^: ]++| (?!H=))*+ H=(?<remote_host>[^\s\[\]]++)(?: DS)? \[(?<remote_ip>[^\[\]]++)\](?::\w++)?(?:: (?<reply>.*+))?|
  (?: H=(?<remote_host>[^\s\[\]]++)(?: DS)? \[(?<remote_ip>[^\[\]]++)\](?::\w++)?
  (?: [A-Za-z][A-Za-z0-9]*+=(?:\[[^\[\]]*+\](?::\w++)?|[^\s:\[\]]++))*+)?(?:: (?<reply>.*+))?)$

# ---- permanent failures: failure_log writes "** addr [<top>] [F=<>] R=r
# T=t [H=host [ip]...]: message" (older Exims put a space before the
# colon). "retry timeout exceeded" is an expiry: Exim gave up retrying.
# The first item of a "**" or "==" line is written as a delivery's is
# (string_log_address), so it may hold spaces when "(parents)" or "<top>"
# follows: a cPanel "sales+spam |/usr/local/cpanel/bin/autorespond ...
# (sales@d) <sales@d>".
id: exim.expired
mta: exim
programs: *
kind: expired
prefilter: retry timeout exceeded
regex: ^(?:\[\d++\] )?(?<queue_id>[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4}))
  [ ]\*\* (?:(?<recipient>\|(?:[^<\s]++|\s(?!<))*+)(?= <)|(?<recipient>[^<\s(|:](?:[^<\s:]++|:(?!\s)|\s(?![<(]|[A-Za-z][A-Za-z0-9]*+=))*+)(?=[ ][<(])|(?<recipient>(?:[^\s:]++|:(?![\s]|$))++))(?: \([^()]*+\))?(?: <(?<orig_recipient>[^<>]*+)>)?
  (?: (?:F=<(?<sender>[^<>]*+)>|H=(?<remote_host>[^\s\[\]]*+)(?: DS)?(?: \[(?<remote_ip>[^\[\]]++)\](?::\w++)?\*?)?|
  [A-Za-z][A-Za-z0-9]*+=(?:"(?:[^"\\]++|\\.)*+"|<[^<>]*+>|(?:[^\s:]++|:(?!\s|$))++)|[A-Z]{1,4}[-.*]{0,2}))*+
  [ ]?: (?<reply>.*+)(?<=: retry timeout exceeded)$

id: exim.bounce
mta: exim
programs: *
kind: bounced
regex: ^(?:\[\d++\] )?(?<queue_id>[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4}))
  [ ]\*\* (?:(?<recipient>\|(?:[^<\s]++|\s(?!<))*+)(?= <)|(?<recipient>[^<\s(|:](?:[^<\s:]++|:(?!\s)|\s(?![<(]|[A-Za-z][A-Za-z0-9]*+=))*+)(?=[ ][<(])|(?<recipient>(?:[^\s:]++|:(?![\s]|$))++))(?: \([^()]*+\))?(?: <(?<orig_recipient>[^<>]*+)>)?
  (?: (?:F=<(?<sender>[^<>]*+)>|H=(?<remote_host>[^\s\[\]]*+)(?: DS)?(?: \[(?<remote_ip>[^\[\]]++)\](?::\w++)?\*?)?|
  [A-Za-z][A-Za-z0-9]*+=(?:"(?:[^"\\]++|\\.)*+"|<[^<>]*+>|(?:[^\s:]++|:(?!\s|$))++)|[A-Z]{1,4}[-.*]{0,2}))*+
  (?: ?: (?<reply>.*+))?$

# "(=": a fakereject (the client was told 550, the message was kept)
id: exim.arrival.fakereject
mta: exim
programs: *
kind: arrival
regex: ^(?:\[\d++\] )?(?<queue_id>[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4}))
  [ ]\(= (?:<(?<sender>)>|(?<sender>"(?:[^"\\]++|\\.)*+"@\S*+)|(?<sender>\S++))
  (?: (?:H=(?:(?<remote_host>[^\s()\[\]]++) ?)?(?:\((?<helo>[^()]*+)\) ?)?(?:\[(?<remote_ip>[^\[\]]++)\](?::\d++)?)?|
  P=(?<protocol>\S++)|S=(?<size>\d++)|id=(?<header_msgid>\S++)|[A-Za-z][A-Za-z0-9]*+=(?:"(?:[^"\\]++|\\.)*+"|\S++)|[A-Z]{1,4}[-.*]{0,2}))*+

# ---- daemon health: rows of the health table (see postfix.pat). SMTP
# authentication failures, by client (smtp_in.c: "NAME authenticator failed
# for H [ip]:port: 535 Incorrect authentication data (set_id=USER)"; the
# host and HELO parts are optional, H= appears with some log selectors).
id: exim.health.auth
mta: exim
programs: *
kind: health
category: sasl
prefilter: authenticator failed for
regex: ^(?:\[\d++\] )?+(?<reply>\S++ authenticator failed for (?:H=)?+(?:(?<remote_host>[^\s()\[\]]++) )?+
  (?:\([^()]*+\) )?+\[(?<remote_ip>[^\[\]]++)\].*+)$

# Exim's own warnings are bare "Warning: ..." lines (tls-openssl.c: "Warning:
# No server certificate defined; will use a selfsigned one."; exim.c:
# "Warning: purging the environment"); an ACL's warn verb logs
# "H=... Warning: ..." instead, which stays a note (exim.session).
id: exim.health.warning
mta: exim
programs: *
kind: health
category: warning
prefilter: Warning: 
regex: ^(?:\[\d++\] )?+Warning: (?<reply>.*+)$

# Debian's exim4 init script and daily cron job (exim4-base) log through
# logger -t exim4 that the panic log is not empty: "ALERT: exim paniclog
# /var/log/exim4/paniclog has non-zero size, mail system possibly broken"
id: exim.health.paniclog-alert
mta: exim
programs: *
kind: health
category: error
prefilter: ALERT: exim paniclog 
regex: ^(?<reply>ALERT: exim paniclog \S++ (?:on \S++ )?+has non-zero size, mail system .*+)$

# TLS failures (tls-openssl.c, tls-gnu.c): "TLS error on connection from
# H (HELO) [ip] (SSL_accept): REASON", "TLS error on connection to H [ip]",
# and "[ip] SSL verify error: ...", with or without a message ID in front.
id: exim.health.tls
mta: exim
programs: *
kind: health
category: tls
regex: ^(?:\[\d++\] )?+(?<reply>(?:(?!TLS error on |SSL verify error)\S++ )*+(?:TLS error on |SSL verify error).*+)$

# ---- lines about a message that carry no event of their own: "*>" (a
# delivery suppressed by -N), "=> blackhole" (recipients discarded by an
# ACL), a system filter's verdicts (deliver.c: "=> discarded (system
# filter)", "original recipients ignored (system filter)", "Delivery
# deferred by system filter"), a spool file deliver.c could not read
# ("Format error in spool file ID-H", "Spool error: no recipients for
# ..."), freezing, the host-level error that the "=="/"**" lines after it
# repeat per address, TLS, DKIM and SpamAssassin notes. The smtp
# transport's write_logs() writes a host's error as "H=name [ip][:port]:
# text" or "H=name [ip][:port] <errno text>" ("Network is unreachable",
# "No route to host"): any such text. Exim 4.84 and older wrote the same
# line without the "H=" ("1cImAN-0001CD-0m ASPMX.L.GOOGLE.COM
# [74.125.192.26] Connection timed out", a Debian 4.84_2 mainlog). cPanel's configuration logs each
# message sent out as "SMTP connection outbound <time> <id> <domain>
# <recipient>" (a logwrite of its own), the "Sender identification"
# of its outgoing mail likewise; Sophos UTM's "ctasd reports 'Unknown'
# RefID:..." (its Commtouch spam classifier's verdict). The smtp
# transport's check_response() names the host in its timeout and format
# errors ("SMTP timeout while connected to NAME [IP] after ...",
# "Malformed SMTP response from NAME [IP] after ..."), which the host-level
# note carries too; a pipe's output is logged as "<addr>: NAME transport
# output: TEXT" (deliver.c, the transport's log_output options).
id: exim.message.info
mta: exim
programs: *
kind: none
regex: ^(?:\[\d+\] )?[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4})
  [ ](?:\*> |=> blackhole(?: |$)|=> discarded \(system filter\)$|original recipients ignored|
  Delivery deferred by system filter|Format error in spool file |Error reading spool file |Spool error: |
  Message removed because older than |Frozen|Message is frozen|frozen by |Unfrozen by |cancelled by |
  removed by |\S+(?: <[^<>]*>)?: error ignored|no IP address found for host |no host name found for IP address |recipient <[^>]*> added by |no immediate delivery:|Spool file is locked|
  (?:H=\S+(?: \([^)]*\))?(?: \[[^\]]*\])?(?::\S+)?:? )?(?:SMTP error from remote mail server|LMTP error after|
  SMTP timeout after|LMTP timeout after|SMTP timeout while connected to |Malformed SMTP response from |Remote host (?:\S+ \[[^\]]*\] )?closed connection|
  Connection refused|Connection timed out|TLS session|TLS error|PRDR error)|
  (?:H=)?+\S++ \[[^\]]*+\](?::\d++)?(?::[ ]|[ ][A-Z][a-z])|
  (?:\[[^\]]*\](?::\d+)? )?SSL verify error|TLS error|DKIM: (?!signing failed: )|SA: |DMARC |ARC: |
  SMTP connection from .* (?:lost|closed by DROP)|SMTP data timeout|SMTP connection lost|
  qualify/rewrite: |Warning: |\S+ authenticator failed|(?:H=\S+(?: \([^)]*\))? \[[^\]]*\](?::\d+)?(?: I=\[[^\]]*\](?::\d+)?)?(?: U=\S+)?|U=\S+) Warning: |
  spam acl condition|malware acl condition|Sender identification |
  SMTP connection outbound |ctasd reports |<[^<>]*+>: \S++ transport output: )

# ---- a long line through syslog: log.c write_syslog cuts a line longer
# than 870 bytes, or one with a newline, into "[1/3] ...", "[2/3] ..." ('\'
# for '/' at a newline). The first piece is read as the line (logline.c);
# the others cannot be read alone.
id: exim.split-line
mta: exim
programs: *
kind: none
regex: ^\[(?:[2-9]|[1-9]\d++)[/\\]\d++\][ ]

# ---- connections, sessions, the daemon and queue runners: no event. A
# connection turned away before the greeting is a note like "Connection
# from [ip] refused: too many connections": smtp_in.c's "temporarily
# refused connection from HOST: not in reserve list: connected=N max=N
# reserve=N" and "[temporarily ]refused connection from HOST (tcp
# wrappers[ errno=N])". A
# VRFY the address did not pass is smtp_in.c's "VRFY failed for <addr>
# H=..." (the client got a 5xx; no mail was offered). Sophos UTM's Exim
# logs each recipient its ACLs passed as "[ip] F=<sender> R=<rcpt>
# Accepted: from relay" (its own logwrite; a refusal is Exim's usual
# "rejected RCPT" line).
id: exim.session
mta: exim
programs: *
kind: none
regex: ^(?:\[\d+\] )?(?:Start queue run|End queue run|exim \S+ daemon started|daemon started|
  SMTP connection from |SMTP connection lost|SMTP call from |SMTP protocol error|SMTP protocol synchronization error|
  SMTP syntax error|SMTP command timeout|SMTP data timeout|SMTP incomplete transaction|no MAIL in (?:TFO\*? )?SMTP connection|
  unexpected (?:disconnection|EOF) while reading|timed out while reading local message|TLS error on |TLS client disconnected|no host name found for|
  no IP address found for host|host name alias list truncated|\S* ?authenticator failed for |
  (?:H=\S+(?: \([^)]*\))?(?: \[[^\]]*\])?(?::\d+)? (?:[A-Za-z]+=\S+ )*|U=\S+ )?(?:sender|recipient) verify (?:fail|defer|succeeded)|
  recipient verify defer|Connection from \S+ refused|Connection from .* too many|(?:temporarily )?refused connection from |pid \d+: SIGHUP|SIGHUP received|
  cwd=\S+ \d+ args?:|\d+ args?:|spam acl condition|malware acl condition|DKIM: |SA: |
  configured error code starts with incorrect digit|bind of \[[^\]]*\](?::\d+)? failed|
  ignoring AUTH=|H=\S+(?: \([^)]*\))? \[[^\]]*\](?::\d+)?(?: I=\[[^\]]*\](?::\d+)?)?(?: U=\S+)? (?:Warning|dropped|incomplete transaction|rejected connection)|
  U=\S+ Warning: |
  rejected connection from |Message .* is not frozen|Spool file is locked|exim: |
  Connection refused by |tick check: |TLS session|Warning: |VRFY failed for |
  \[[^\]]*+\](?::\d++)? F=<[^<>]*+> R=<[^<>]*+> )

# search.c (Exim 4.96 and later) warns of a lookup query built from
# tainted data that is not quoted for its lookup type, in the main and
# panic logs: "tainted search query is not properly quoted (router r1,
# FILE 66): QUERY" (the lookup still runs)
id: exim.health.taint-quoting
mta: exim
programs: *
kind: health
category: warning
prefilter: tainted search query
regex: ^(?:\[\d++\] )?+(?:[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4}) )?+(?<reply>tainted search query is not properly quoted.*+)$

# ---- paniclog: what Exim writes to its panic log (and its main log):
# configuration and expansion errors, failed lookups, forks and binds,
# crashes. Rows of the health table as panics. deliver.c's common_error()
# logs a local delivery's set-up failures to both logs ("User 0 set for
# local_delivery transport is on the never_users list", "User set without
# group for ... transport", "Creation of pipe failed: ..."), and exim.c
# "exim user lost privilege for using -C option" when an alternate
# configuration file is not trusted; dkim.c "DKIM: signing failed: ..."
# (outgoing mail leaves unsigned, or is deferred under dkim_strict) goes to
# both logs too; a router whose host is this one freezes the message
# (rf_self_action.c: "lowest numbered MX record points to local host: D",
# "remote host address is the local host: D (while verifying <A> from host
# H)"), and so do Exim 4.94's refusals of a file name built from
# tainted data: exim_open2()'s "Tainted filename '%s'" and search_open()'s
# "Tainted filename for search: '%s'" (the lookup fails, the address is
# deferred), and acl.c's "ACL "warn" with "message" setting found in a
# non-message (%s) ACL: ... message ignored".
id: exim.panic
mta: exim
programs: *
kind: health
category: panic
regex: ^(?:\[\d+\] )?(?:[0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4}) )?
  (?<reply>(?:Failed to |failed to |Cannot |cannot |Couldn't |couldn't |Unable to |unable to |
  Exim configuration error|error in .*(?:ACL|router|transport|condition)|Temporary internal error|
  socket bind\(\) to port|daemon: fork|write failed|expansion of .* failed|[a-z_]+ lookup .* failed|
  SIGSEGV|SIGBUS|string_sprintf expansion|Message .* has too many|lowest numbered MX record points to local host|remote host address is the local host|
  exim user lost privilege for using |Error in system filter: |attempt to open journal |DKIM: signing failed: |User -?\d++ set for \S++ transport is on the |User set without group for |
  Creation of pipe failed|setrlimit\(|Tainted filename |ACL "warn" with "message" setting found in ).*+)$

# ---- rejectlog: the header dump after a rejection. These come as bare
# lines with no stamp; only shapes that can be nothing else are taken:
# "Envelope-from: <a>", "Envelope-to: <b>", further recipients indented by
# four spaces, each header as "<type letter or space> Name: value" (log.c
# writes "%c %s"), and a folded header line, which starts with a tab. A line
# that merely starts with spaces (the rest of a multi-line message) could be
# anyone's and stays unrecognized.
id: exim.rejectlog.envelope
mta: exim
programs: *
kind: none
regex: ^(?:Envelope-(?:from|to): <[^>]*>|[ ]{4}(?:<[^>]*>|\.\.\.))$

id: exim.rejectlog.header
mta: exim
programs: *
kind: none
regex: ^(?:[ A-Z*] [A-Za-z][A-Za-z0-9-]*:(?: |$)|\t[ \t]*\S)
