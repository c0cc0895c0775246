id: x
mta: postfix
programs: *
kind: delivered
regex: ^(?<queue_id>[0-9A-F]+): (?<recipent>.*)$

id: y
mta: postfix
kind: status
regex: (?<reply>(a|a)*b)
