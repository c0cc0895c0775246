# Reasons: why a server refused, recognized in the text of its reply.
# Format: see include/patterns.h. Every entry has mta "reason", kind
# "reason", and a "reason:" attribute naming a record of data/reasons/
# (the title, diagnosis and remedy shown to the user). Optional "codes:"
# restricts an entry to replies with these codes: "4xx", "550 554",
# "5.7.1"; an entry applies when the caller does not know the code.
# Entries are tried in order and the first match wins, so specific causes
# (DMARC, a named blocklist) come before general ones (policy, user unknown).
# Servers vary in case, so most regexes use (?i); a prefilter is given only
# where the literal is certain in that exact case.

# ---- the queue's own state: no server refused anything
# Exim deliver.c logs "retry time not reached [for any host]" (errno -51 to
# -54) when it skips an address whose retry time has not come.
id: reason.retry-wait
mta: reason
programs: *
kind: reason
reason: retry-wait
prefilter: etry time not
regex: (?i)retry time not (?:yet )?reached(?! for any host after a long failure period)

# Exim's queue_smtp_domains (or -odqs): the address is routed now and sent
# at the next queue run, "defer (-1): domain matches queue_smtp_domains, or
# -odqs set" (deliver.c), in later Exims "first-pass only routing due to
# -odqs, queue_smtp_domains or control=queue"; queue_domains holds it
# before routing, "routing defer (-56): domain is in queue_domains": no
# attempt was made either
id: reason.retry-wait.queued
mta: reason
programs: *
kind: reason
reason: retry-wait
prefilter: queue_
regex: domain matches queue_smtp_domains|first-pass only routing due to |domain is in queue_domains

# ---- the address cannot receive mail at all: RFC 7505 null MX (556 5.1.10
# for a recipient, 550 5.7.27 for a sender domain); Postfix dns_lookup.c
# "Domain %s does not accept mail (nullMX)"; Exim's dnslookup router "an MX
# or SRV record indicated no SMTP service"
id: reason.null-mx
mta: reason
programs: *
kind: reason
reason: null-mx
regex: (?i)\bnull ?mx\b|\b5\.1\.10\b|\b5\.7\.27\b|an mx or srv record indicated no smtp service

# ---- checks of the sender and loops, before the words they quote (a
# callout's "User unknown", a loop's "host not found")
id: reason.sender-verify
mta: reason
programs: *
kind: reason
reason: sender-verify-failed
regex: (?i)sender verif(?:y|ication) (?:failed|fail\b|defer)|could not complete sender verify|sender address verification
  |sender address rejected: undeliverable address|unverified sender|callback setup failed while verifying

id: reason.mail-loop
mta: reason
programs: *
kind: reason
reason: mail-loop
regex: (?i)loops back to myself|mail (?:forwarding )?loop|too many hops|hop count exceeded|routing loop
  |too many "?received"? headers|\b[45]\.4\.6\b

# ---- sender authentication: DMARC before SPF and DKIM, which it mentions
id: reason.dmarc
mta: reason
programs: *
kind: reason
reason: dmarc-fail
regex: (?i)\bdmarc\b|sender is unauthenticated|unauthenticated (?:e-?)?mail|mail is unauthenticated|\b[45]\.7\.26\b
  |does not have authentication information|fails to pass authentication checks

id: reason.spf
mta: reason
programs: *
kind: reason
reason: spf-fail
regex: (?i)\bspf\b|sender policy framework|not designated as permitted sender|\b[45]\.7\.2[34]\b

id: reason.dkim
mta: reason
programs: *
kind: reason
reason: dkim-fail
regex: (?i)\bdkim\b|domainkeys|\b[45]\.7\.2[0-2]\b

# ---- blocklists, by name first
id: reason.dnsbl.spamhaus
mta: reason
programs: *
kind: reason
reason: dnsbl-spamhaus
regex: (?i)spamhaus

id: reason.dnsbl.spamcop
mta: reason
programs: *
kind: reason
reason: dnsbl-spamcop
regex: (?i)spamcop(?:\.net|\s+(?:bl\b|blacklist|blocklist|rbl))|bl\.spamcop

id: reason.dnsbl.barracuda
mta: reason
programs: *
kind: reason
reason: dnsbl-barracuda
regex: (?i)barracudacentral|barracuda\s+(?:rbl|reputation|block)|\bbrbl\b

id: reason.dnsbl.sorbs
mta: reason
programs: *
kind: reason
reason: dnsbl-sorbs
regex: (?i)sorbs\.net|\bsorbs\b

# Microsoft's own block list (S3140, S3150) says "block list" too
id: reason.blocked-ip.microsoft
mta: reason
programs: *
kind: reason
reason: blocked-ip
regex: \bS31[45]0\b

# A list operator's own site named in the refusal is a DNSBL too, when the
# text says neither "listed" nor "blocked using" (NJABL's dynablock,
# rfc-ignorant.org, DSBL, UCEPROTECT, the CBL at abuseat.org, PSBL,
# backscatterer.org, Mailspike)
id: reason.dnsbl
mta: reason
programs: *
kind: reason
reason: dnsbl
regex: (?i)blocked using\b|\blisted (?:at|in|on|by)\b|is in an? (?:rbl|dnsbl|black ?list|block ?list)
  |\b(?:dnsbl|rbl|dnsrbl)\b|black ?listed|block ?listed|\bblack ?list\b|\bblock ?list\b
  |\b(?:njabl|rfc-ignorant|dsbl|uceprotect|abuseat|psbl\.surriel|backscatterer|mailspike)\.(?:org|net|com)\b

# ---- the receiver's own blocks, throttling and reputation
id: reason.blocked-ip
mta: reason
programs: *
kind: reason
reason: blocked-ip
regex: (?i)banned sending ip|banned sender|\b5\.7\.(?:511|6(?:0[6-9]|[1-3]\d|4\d)|708)\b|traffic not accepted from this ip
  |not authorized to send (?:e-?mail|mail) directly
  |\b(?:your|sending|client) ip\b[^;]{0,40}\b(?:is |has been )?(?:blocked|banned|blacklisted)\b
  |\bis currently blocked by\b|\berror: mail refused - <

id: reason.rate-limit.microsoft
mta: reason
programs: *
kind: reason
reason: rate-limit
regex: \(AS\d{3,5}\)|\bAS\(\d{3,5}\)|\b4\.7\.650\b

# Yahoo "553 5.7.2 [TSS09] All messages from IP will be permanently deferred"
id: reason.blocked-ip.yahoo
mta: reason
programs: *
kind: reason
reason: blocked-ip
prefilter: TSS09
regex: \[TSS09\]

id: reason.rate-limit.yahoo
mta: reason
programs: *
kind: reason
reason: rate-limit
prefilter: TSS0
regex: \bTSS0[1-9]\b

# Plesk's Outgoing Mail Control: "The limit on the number of allowed
# outgoing messages was exceeded" (Plesk support article on the outgoing
# limit); the sending quotas of policy daemons (cluebringer's quotas
# module: "Policy rejection; Message count quota exceeded")
id: reason.rate-limit
mta: reason
programs: *
kind: reason
reason: rate-limit
regex: (?i)unusual rate|rate.?limit|throttl|too many (?:messages|mails|e-?mails|recipients from)|sending rate
  |mail flood|unexpected volume|\b[45]\.7\.28\b|temporarily deferred due to|receiving mail (?:too quickly|at a rate)
  |limit on the number of (?:allowed )?outgoing (?:messages|e-?mails)
  |policy rejection[;,] message (?:count|cumulative size) quota exceeded|\bsender quota\b

id: reason.too-many-connections
mta: reason
programs: *
kind: reason
reason: too-many-connections
regex: (?i)too many (?:[\w-]++ ){0,2}(?:connections|sessions)|server (?:is )?(?:too )?busy
  |connection (?:count )?limit (?:exceeded|reached)|max(?:imum)? (?:number of )?connections
  |all (?:server|screening) ports (?:are )?busy

# Plesk's mail filter (psa-pc-remote, its 'grey' handler) defers a first
# contact with "451 4.7.1 Service unavailable - try again later" at DATA
# (Plesk support article 214013: "the expected behavior of Greylisting").
id: reason.greylisting
mta: reason
programs: *
kind: reason
reason: greylisting
codes: 4xx
regex: (?i)gr[ea]y-?list|postgrey|\b4\.7\.1 service unavailable - try again later\b

id: reason.reputation
mta: reason
programs: *
kind: reason
reason: reputation
regex: (?i)likely unsolicited|(?:low|poor|bad) (?:sender |ip |domain )?reputation|reputation of the sending
  |sender reputation

# ---- content
id: reason.virus
mta: reason
programs: *
kind: reason
reason: virus
regex: (?i)\bvirus|malware|\binfected\b|\bmalicious\b|clamav|banned attachment|attachment[^;]{0,20}(?:not allowed|blocked|rejected)

id: reason.spam.163
mta: reason
programs: *
kind: reason
reason: policy-spam
prefilter: DT:SPM
regex: DT:SPM

id: reason.spam
mta: reason
programs: *
kind: reason
reason: policy-spam
regex: (?i)(?<![\w.@<-])spam(?![\w@-]|\.\w)|unsolicited|junk ?mail|content (?:rejected|filter)|message content rejected|spam score|\bUBE\b
  |spamassassin|\bhits=-?\d++(?:\.\d++)? required=

# ---- transport security and authentication
# Postfix's smtp client whose policy requires TLS (smtp_tls_security_level
# encrypt or verify) defers when it cannot have it: "Cannot start TLS:
# handshake failure", "Server certificate not verified" (smtp_proto.c)
id: reason.tls-required
mta: reason
programs: *
kind: reason
reason: tls-required
regex: (?i)must issue a starttls|starttls (?:command )?(?:is )?required|(?:tls|encryption) (?:is )?required
  |requires? (?:tls|encryption)|\b[45]\.7\.1[01]\b
  |^(?:delivery temporarily suspended: )?(?:cannot start tls: |server certificate not (?:verified|trusted))

id: reason.relay-denied
mta: reason
programs: *
kind: reason
reason: relay-denied
regex: (?i)relay(?:ing)? (?:access )?(?:is )?(?:denied|not permitted|prohibited|not allowed)|we do not relay
  |(?:not permitted|unable) to relay|no relaying

id: reason.auth-failed
mta: reason
programs: *
kind: reason
reason: auth-failed
regex: (?i)authentication (?:failed|failure|unsuccessful)|incorrect authentication data|invalid credentials
  |credentials invalid|username and password not accepted|\b[45]\.7\.8\b

id: reason.auth-required
mta: reason
programs: *
kind: reason
reason: auth-required
regex: (?i)authentication (?:is )?required|must (?:be )?authenticate|requires? (?:smtp )?auth|auth(?:entication)? needed
  |not logged in|sender address rejected: not (?:logged|authenticated)|\bauth (?:is )?required|client (?:was )?not authenticated
  |\b5\.7\.57\b

# ---- addresses, names and DNS
id: reason.sender-domain
mta: reason
programs: *
kind: reason
reason: sender-domain-unresolvable
regex: (?i)sender address rejected: domain not found|domain of sender address \S++ (?:does not exist|does not resolve)
  |sender domain (?:not found|does not exist|must (?:exist|resolve))|unresolvable sender|\b[45]\.1\.8\b

id: reason.reverse-dns
mta: reason
programs: *
kind: reason
reason: reverse-dns-missing
regex: (?i)cannot find your (?:reverse )?hostname|reverse (?:dns|hostname|lookup)|\bptr\b|\brdns\b
  |ip name lookup failed|\b[45]\.7\.25\b

# Exim's smtp_in.c logs a HELO or EHLO argument that is no host name as
# "rejected EHLO from <host>: syntactically invalid argument(s): <arg>", the
# reply (exim.reject.helo-syntax) its middle part.
id: reason.helo
mta: reason
programs: *
kind: reason
reason: helo-rejected
regex: (?i)helo command rejected|(?:helo|ehlo)\b[^;]{0,40}\b(?:rejected|invalid|not allowed|forged)
  |need fully-qualified hostname|(?:invalid|bad) (?:helo|ehlo)|^syntactically invalid argument\(s\)

id: reason.user-not-local
mta: reason
programs: *
kind: reason
reason: user-not-local
regex: (?i)user not local|user has moved|please try <

# local(8) past mailbox_size_limit: "cannot update mailbox ... error writing
# message: File too large" (the mailbox file cannot grow, EFBIG); the VDA
# quota patch's "maildir has overdrawn his diskspace quota"
id: reason.mailbox-full
mta: reason
programs: *
kind: reason
reason: mailbox-full
regex: (?i)mailbox (?:is )?full|mailbox (?:<[^>\s]{1,254}>|\S{1,254}@\S{1,254}) is full|full mailbox|over[ -]?quota|quota (?:exceeded|exceed)|exceeded (?:the |their |its |his |her )?(?:storage|quota)
  |mailbox size limit|disk ?(?:space )?quota|insufficient user storage|\b[45]\.2\.2\b
  |error writing message: file too large

id: reason.mailbox-disabled
mta: reason
programs: *
kind: reason
reason: mailbox-disabled
regex: (?i)(?:mailbox|account|user)\b[^;.]{0,40}\b(?:is |has been )?(?:disabled|inactive|suspended|deactivated)\b
  |\b[45]\.2\.1\b

id: reason.message-too-large
mta: reason
programs: *
kind: reason
reason: message-too-large
regex: (?i)(?:message|mail|file)(?: size)? (?:exceeds|is too (?:big|large)|too (?:big|large))|size (?:limit )?exceed
  |exceeds (?:the )?(?:maximum|fixed|size)|message too big|too large|\b[45]\.3\.4\b|\b[45]\.2\.3\b

id: reason.user-unknown
mta: reason
programs: *
kind: reason
reason: user-unknown
regex: (?i)user unknown|unknown user|no such (?:user|mailbox|recipient|address|account|person)|unknown (?:recipient|mailbox|local.part)
  |mailbox unavailable|no mailbox here by that name|doesn'?t have an? \S++ account
  |(?:user|mailbox|recipient|address|account)\b[^;]{0,60}\bdoes(?: not|n't) exist|user not found|recipient not found
  |recipient address rejected: undeliverable|invalid (?:recipient|mailbox)|\b[45]\.1\.1\b
  |(?:^|[\s#])5\.1\.0 address rejected\b

# Postfix reject_non_fqdn_*, Sendmail's address parser (parseaddr.c)
id: reason.address-invalid
mta: reason
programs: *
kind: reason
reason: address-invalid
regex: (?i)need fully-qualified address|invalid (?:host ?name|route address|address syntax)|address syntax
  |(?:bad|malformed|illegal) (?:address|mailbox|recipient|sender)(?: address)? (?:syntax|format)|\b[45]\.1\.[37]\b

id: reason.host-not-found
mta: reason
programs: *
kind: reason
reason: host-not-found
regex: (?i)host or domain name not found|host not found|host unknown|name service error|no such domain|nxdomain|domain not found
  |unroutable|unrouteable|no mx (?:record|host)|point to non-existent hosts?|host name lookup failure
  |lookup of host "[^"]*+" failed in|all mxs point to missing a records
  |\b[45]\.4\.4\b|\b[45]\.1\.2\b

# ---- what is left of a refusal: the server's own state and rules
# Sendmail "451 4.3.5 Server configuration problem", "Local configuration
# error" (EX_CONFIG), a map or directory it cannot read; Postfix "Temporary
# lookup failure"; the command of Postfix's pipe(8) or local(8) failing
# ("Command died with status 127: ...", "Command time limit exceeded")
id: reason.server-config
mta: reason
programs: *
kind: reason
reason: server-config
regex: (?i)server configuration (?:problem|error)|local configuration error|configuration error|misconfigur
  |incorrectly configured|can'?t contact (?:the )?ldap|ldap_\w+|\bldap (?:error|server)|temporary lookup failure
  |alias database unavailable|mail transport unavailable|unknown mail transport error|internal (?:server )?error|permission denied
  |queue file write error|insufficient (?:system storage|disk space)|\b[45]\.3\.[15]\b
  |temporary local problem|temporary system failure|exited with EX_TEMPFAIL|collect: cannot write
  |command died with status|command time limit exceeded|child process of \S++ transport (?:returned|\(running command)

# Postfix "Protocol error", "Multi-recipient bounce" (reject_multi_recipient_bounce),
# Sendmail "Remote protocol error", Exim's synchronization errors
id: reason.protocol-error
mta: reason
programs: *
kind: reason
reason: protocol-error
regex: (?i)protocol (?:error|violation)|synchronization error|bad sequence of commands|multi-recipient bounce
  |improper (?:use of smtp )?command pipelining|unrecognized command|command unrecognized|syntax error|line too long

# Microsoft Exchange Online 550 5.4.1 "Recipient address rejected: Access
# denied": directory-based edge blocking, the recipient is not in the
# directory ("Fix NDR error 550 5.4.1", learn.microsoft.com)
id: reason.user-unknown.microsoft
mta: reason
programs: *
kind: reason
reason: user-unknown
regex: (?i)\b5\.4\.1\b[^;]{0,60}recipient address rejected: access denied

# A local access list: Postfix check_*_access ("Client host rejected:
# Access denied", or the map's own text after "Sender address rejected: "),
# Sendmail's access database ("Access denied"), Gmail Workspace "IP not in
# whitelist for RCPT domain". Late: the specific causes quoted after those
# words ("Sender address rejected: Domain not found") come first.
id: reason.access-denied
mta: reason
programs: *
kind: reason
reason: access-denied
regex: (?i)access denied|\b(?:client host|sender address|recipient address|helo command|etrn command) rejected:[ ]
  |not in (?:the )?(?:white|allow) ?list|\bcountry (?:is )?(?:banned|blocked|not allowed)

# A server that answers 4xx "Service currently unavailable" (postscreen
# after its deep protocol tests, a server shutting down): busy for now. The
# 4xx must be in the text: Sendmail's bare "Service unavailable" (EX_UNAVAILABLE)
# is a permanent failure of the mailer, not a busy server.
id: reason.server-busy
mta: reason
programs: *
kind: reason
reason: too-many-connections
codes: 4xx
regex: (?i)\b4\d\d[ -](?:4\.\d{1,3}\.\d{1,3} )?service (?:is )?(?:currently |temporarily )?(?:unavailable|not available)
  |\b4\.3\.2\b

# ---- connections
id: reason.connection-lost
mta: reason
programs: *
kind: reason
reason: connection-lost
regex: (?i)lost connection|connection (?:was )?(?:reset|dropped|closed|broken|lost)|remote host closed
  |closed connection|broken pipe|unexpected (?:eof|end of file|disconnect)|\bI/O error\b

# strerror texts after "connect to host[ip]:25: " (Postfix smtp_connect.c),
# Exim and Sendmail alike
id: reason.network-unreachable
mta: reason
programs: *
kind: reason
reason: network-unreachable
regex: (?i)network is unreachable|no route to host|host is unreachable|host unreachable

id: reason.connection-refused
mta: reason
programs: *
kind: reason
reason: connection-refused
regex: (?i)connection refused

id: reason.connection-timeout
mta: reason
programs: *
kind: reason
reason: connection-timeout
regex: (?i)timed out|(?<!retry )\btime-?out\b

# ---- the queue gave up: last, so that a cause named before it wins
# ("Connection timed out: retry timeout exceeded"). Exim "retry timeout
# exceeded" and the smtp transport's failure of an address whose hosts are
# all past their retry cutoff ("retry time not reached for any host after a
# long failure period", "all hosts have been failing for a long time and
# were last tried after this message arrived"), Postfix qmgr
# "status=expired, returned to sender", Sendmail "Cannot send message for 5
# days"
id: reason.retry-expired
mta: reason
programs: *
kind: reason
reason: retry-expired
regex: (?i)retry timeout exceeded|\bexpired, returned to sender|cannot send message for \d|message expired
  |delivery time expired|for any host after a long failure period|failing for a long time and were last tried

# A 551 whose text names no other cause is RFC 5321's "User not local":
# last, because servers send 551 for other refusals too ("551 5.1.1
# <a@b>: Recipient address rejected: Failed recipient validation check",
# a bounce quoted on linux-kernel, 2023).
id: reason.user-not-local.code
mta: reason
programs: *
kind: reason
reason: user-not-local
regex: ^\s*551\b|said: 551\b
