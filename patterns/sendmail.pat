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
# vary between versions and configurations, so the patterns take the ones
# they need and skip the others.
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
prefilter: : to=
regex: ^(?<queue_id>[0-9A-Za-z]+): to=(?<recipient>.*?)
  (?:, (?:delay=(?<delay>[\d+:]+)|relay=(?<relay>(?:[^@,\s\[]+@)?(?:(?<remote_host>[^\s,\[]+?)\.? ?)?
  (?:\[[^\]]*\] (?=\[))?(?:\[(?<remote_ip>[^\]]*)\])?(?: \(may be forged\))?)|dsn=(?<enhanced_code>\d\.\d{1,3}\.\d{1,3})|
  ctladdr=[^,]*|(?!stat=)[a-z_]+=[^,]*))*
  (?:, stat=(?:(?<status>Sent|Deferred)(?:: (?<reply>.*)| \((?<reply>.*?)\)?)?|(?<status>(?<reply>.*))))?$

# ---- a message entered the queue: "from=<a>, size=, class=, nrcpts=,
# msgid=<id>, [bodytype=, ]proto=, daemon=, relay=host [ip]". After
# rejected recipients, "nrcpts=0" means no message was accepted (refine()
# makes that line no event).
id: sendmail.from
mta: sendmail
programs: *
kind: arrival
prefilter: : from=
regex: ^(?<queue_id>[0-9A-Za-z]+): from=(?:<(?<sender>[^>]*)>|(?<sender>[^,]*)),
  (?: (?:size=(?<size>\d+)|nrcpts=(?<nrcpt>\d+)|msgid=(?<header_msgid>[^,]*)|proto=(?<protocol>[^,]*)|
  relay=(?<relay>(?:[^@,\s\[]+@)?(?:(?<remote_host>[^\s,\[]+?)\.? ?)?(?:\[[^\]]*\] (?=\[))?(?:\[(?<remote_ip>[^\]]*)\])?
  (?: \(may be forged\))?)|[a-z_]+=[^,]*)(?:,|$))*$

# ---- TLS and AUTH notes, as frequent as deliveries: no event
id: sendmail.tls-auth
mta: sendmail
programs: *
kind: none
regex: ^(?:[0-9A-Za-z]+: )?(?:STARTTLS|AUTH)=(?:server|client),

# ---- our server refusing at SMTP time. The session's queue ID is not the
# ID of a message (the from= line that follows says nrcpts=0 when nothing
# was accepted), so these lines are kept out of the message: x_qid.
id: sendmail.reject.rcpt
mta: sendmail
programs: *
kind: rejected
prefilter: ruleset=check_rcpt
regex: ^(?:(?<x_qid>[0-9A-Za-z]+): )?ruleset=check_rcpt, arg1=(?:<(?<recipient>[^>]*)>|(?<recipient>[^,]*)),
  (?: arg2=[^,]*,)?(?: relay=(?<relay>(?:[^@,\s\[]+@)?(?:(?<remote_host>[^\s,\[]+?)\.? ?)?(?:\[[^\]]*\] (?=\[))?
  (?:\[(?<remote_ip>[^\]]*)\])?(?: \(may be forged\))?),)? reject=(?<reply>.*)$

id: sendmail.reject.mail
mta: sendmail
programs: *
kind: rejected
prefilter: ruleset=check_mail
regex: ^(?:(?<x_qid>[0-9A-Za-z]+): )?ruleset=check_mail, arg1=(?:<(?<sender>[^>]*)>|(?<sender>[^,]*)),
  (?: arg2=[^,]*,)?(?: relay=(?<relay>(?:[^@,\s\[]+@)?(?:(?<remote_host>[^\s,\[]+?)\.? ?)?(?:\[[^\]]*\] (?=\[))?
  (?:\[(?<remote_ip>[^\]]*)\])?(?: \(may be forged\))?),)? reject=(?<reply>.*)$

# check_relay (at connect), check_compat, check_eoh, ...: no address
id: sendmail.reject.ruleset
mta: sendmail
programs: *
kind: rejected
prefilter: ruleset=check_
regex: ^(?:(?<x_qid>[0-9A-Za-z]+): )?ruleset=check_\w+,(?: arg1=[^,]*,)?(?: arg2=[^,]*,)?
  (?: relay=(?<relay>(?:[^@,\s\[]+@)?(?:(?<remote_host>[^\s,\[]+?)\.? ?)?(?:\[[^\]]*\] (?=\[))?
  (?:\[(?<remote_ip>[^\]]*)\])?(?: \(may be forged\))?),)? reject=(?<reply>.*)$

# A milter refusing the whole message after DATA: the message was queued
# (its from= line came first), so this reject belongs to it.
id: sendmail.milter.reject.data
mta: sendmail
programs: *
kind: rejected
prefilter: Milter
regex: ^(?<queue_id>[0-9A-Za-z]+): Milter(?: \([^)]*\))?: data, reject=(?<reply>.*)$

id: sendmail.milter.reject
mta: sendmail
programs: *
kind: rejected
prefilter: Milter
regex: ^(?:(?<x_qid>[0-9A-Za-z]+): )?Milter(?: \([^)]*\))?:
  (?: to=(?:<(?<recipient>[^>]*)>|(?<recipient>[^,]*))| from=(?:<(?<sender>[^>]*)>|(?<sender>[^,]*))|[^,]*), reject=(?<reply>.*)$

# "<addr>... User unknown", "<addr>... Relaying denied": a refused address
# at SMTP time. The code is there only when the text carries one.
id: sendmail.reject.address
mta: sendmail
programs: *
kind: rejected
prefilter: ...
regex: ^(?:(?<x_qid>[0-9A-Za-z]+): )?<?(?<recipient>[^<>\s]+?)>?\.\.\. (?<reply>.+)$

# "message size (12382169) exceeds maximum (10000000)": SIZE= over the limit
id: sendmail.reject.size
mta: sendmail
programs: *
kind: rejected
prefilter: exceeds maximum
regex: ^(?:(?<x_qid>[0-9A-Za-z]+): )?(?<reply>message size \(\d+\) exceeds maximum \(\d+\))$

id: sendmail.reject.tcpwrappers
mta: sendmail
programs: *
kind: rejected
prefilter: tcpwrappers
regex: ^(?:(?<x_qid>[0-9A-Za-z]+): )?(?<reply>tcpwrappers \((?<remote_host>[^,]*), (?<remote_ip>[^)]*)\) rejection)$

# ---- notices about a message, each a new message (dsnqid) sent back:
# "<qid>: <dsnqid>: DSN: User unknown" (or, in older versions and for a
# bounce of a bounce, "return to sender: ...") announces the bounce of
# <qid>; it counts as that bounce only where the log holds no failure of
# the message (correlate), and refine() makes "Return receipt" and
# "Warning: could not send message for past N hours" plain notifications.
id: sendmail.dsn
mta: sendmail
programs: *
kind: bounced
notice: failure
regex: ^(?<queue_id>[0-9A-Za-z]+): (?<new_queue_id>[0-9A-Za-z]+): (?:DSN|return to sender): (?<reply>.*)$

id: sendmail.notify
mta: sendmail
programs: *
kind: notify
prefilter: notify: 
regex: ^(?<queue_id>[0-9A-Za-z]+): (?<new_queue_id>[0-9A-Za-z]+): (?:sender|postmaster) notify: (?<reply>.*)$

# the queue file is gone (LogLevel > 9)
id: sendmail.done
mta: sendmail
programs: *
kind: removed
prefilter: done; 
regex: ^(?<queue_id>[0-9A-Za-z]+): done; 

# ---- counted, no event: system errors
id: sendmail.syserr
mta: sendmail
programs: *
kind: none
prefilter: SYSERR
regex: ^(?:[0-9A-Za-z]+: )?SYSERR(?:\([^)]*\))?: 

# ---- sessions, TLS, AUTH, the daemon: no event
id: sendmail.session
mta: sendmail
programs: *
kind: none
regex: ^(?:[0-9A-Za-z]+(?:\[\d+\])?: )?(?:STARTTLS=|STARTTLS: |AUTH=|AUTH failure|lost input channel from |
  timeout waiting for input from |.* did not issue [A-Z/]+ during connection|
  .*possible SMTP attack: |rejecting commands from |collect: |Milter|SMTP outgoing connect |ruleset=|
  .*: (?:EXPN|VRFY|expn|vrfy) .*\[rejected\]|.*: ETRN |.*: SMTP (?:DATA-\d )?protocol error|Fixed MIME |
  Syntax error in mailbox address|[0-9A-Za-z]+: clone: |connect from |Null connection from |
  headers too large|Authentication-Warning: |
  starting daemon |rejecting connections on daemon |accepting connections again |File descriptors missing |
  grew WorkList |alias database |/\S+: \d+ aliases|unable to qualify my own domain|My unqualified host name|
  daemon \S+: |restarting |stopping daemon|load average: |SMTP server:)

# a long line split by sm_syslog into "qid[1]: ...", "qid[2]: ..." chunks:
# the parts cannot be read alone
id: sendmail.split-line
mta: sendmail
programs: *
kind: none
regex: ^[0-9A-Za-z]+\[\d+\]: 
