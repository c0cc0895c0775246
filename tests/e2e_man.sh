#!/bin/bash
# The man pages and the shell completion: mandoc -T lint and man -l render
# them; smtplog(1) has a section for every command of `smtplog --help`, with
# exactly the options of its `--help`; the bash completion completes
# commands, options and option values; make install puts all of them in
# place. Run by `make e2e`; mandoc, man and zsh come with
# `tools/setup-debian.sh --man` (CI), and their checks say so when missing.
. "$(dirname "$0")/e2e_lib.sh"

# ---- the pages are well-formed and render
for page in man/smtplog.1 man/smtplog.5; do
	if command -v mandoc >/dev/null; then
		eq "mandoc -T lint $page" "$(mandoc -T lint -W warning "$page" 2>&1; echo $?)" 0
	else
		echo "e2e_man: mandoc missing (tools/setup-debian.sh --man): lint of $page not run"
	fi
	if command -v man >/dev/null; then
		MANWIDTH=80 man -l "$page" > "$T/page" 2>/dev/null
		eq "man -l $page: title" "$(head -1 "$T/page" | cut -d' ' -f1)" "SMTPLOG(${page##*.})"
		has "man -l $page: rendered" "$(cat "$T/page")" "DESCRIPTION"
		eq "man -l $page: no mdoc left" "$(grep -cE '^\.[A-Z][a-z] ' "$T/page")" 0
	else
		echo "e2e_man: man missing (tools/setup-debian.sh --man): $page not rendered"
	fi
done

# ---- smtplog(1) and --help agree: the commands, and each command's options
help_cmds=$("$SMTPLOG" --help | sed -nE 's/^  ([a-z]+) .*/\1/p' | sort)
man_cmds=$(sed -nE 's/^\.Ss ([a-z]+)$/\1/p' man/smtplog.1 | sort)
eq "the man page has every command, and no other" "$man_cmds" "$help_cmds"
for c in $help_cmds; do
	want=$("$SMTPLOG" "$c" --help | sed -nE 's/^  (-[a-zA-Z], |    )--([a-z-]+).*/\2/p' | grep -vx config | sort)
	got=$(awk -v c="$c" '/^\.S[sh] / { on = ($0 == ".Ss " c) } on' man/smtplog.1 |
		sed -nE 's/^\.It (Fl [a-zA-Z] , )?Fl -([a-z-]+).*/\2/p' | sort)
	eq "man page options of $c = --help" "$got" "$want"
	# short forms too
	want=$("$SMTPLOG" "$c" --help | sed -nE 's/^  -([a-zA-Z]), --([a-z-]+).*/\1 \2/p' | sort)
	got=$(awk -v c="$c" '/^\.S[sh] / { on = ($0 == ".Ss " c) } on' man/smtplog.1 |
		sed -nE 's/^\.It Fl ([a-zA-Z]) , Fl -([a-z-]+).*/\1 \2/p' | sort)
	eq "man page short options of $c = --help" "$got" "$want"
done
eq "--config in the man page" "$(grep -c '^\.It Fl -config Ar FILE' man/smtplog.1)" 1
for s in 0 1 64 65 66 70 74 75; do
	has "exit status $s in the man page" "$(sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' man/smtplog.1)" ".It $s"
done

# ---- bash completion, with this build's smtplog first on PATH
complete_words() {   # WORD... (the last is the one being completed)
	PATH=$(dirname "$SMTPLOG"):$PATH bash -c '. contrib/completion/smtplog.bash
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _smtplog; echo "${COMPREPLY[*]}"' _ "$@"
}
eq "bash: commands" "$(complete_words smtplog tr)" "trace"
eq "bash: options" "$(complete_words smtplog report --t)" "--tz --top"
eq "bash: choices" "$(complete_words smtplog query --format j)" "json jsonl"
eq "bash: named levels" "$(complete_words smtplog report --detail f)" "full"
eq "bash: zones" "$(complete_words smtplog analyze --tz Europe/Berl)" "Europe/Berlin"
eq "bash: directories" "$(complete_words smtplog analyze --patterns patter)" "patterns"
eq "bash: files" "$(complete_words smtplog analyze sample-logs/mail.log.2)" "sample-logs/mail.log.2.gz"
if command -v zsh >/dev/null; then
	eq "zsh completion parses" "$(zsh -n contrib/completion/_smtplog 2>&1; echo $?)" 0
else
	echo "e2e_man: zsh missing (tools/setup-debian.sh --man): zsh completion not parsed"
fi

# ---- make install puts the pages and the completion in place; uninstall removes them
make -s install DESTDIR="$T/dest" PREFIX=/usr >/dev/null
for f in share/man/man1/smtplog.1 share/man/man5/smtplog.5 share/bash-completion/completions/smtplog \
	share/zsh/site-functions/_smtplog; do
	eq "installed: $f" "$([ -f "$T/dest/usr/$f" ] && echo yes)" yes
done
make -s uninstall DESTDIR="$T/dest" PREFIX=/usr >/dev/null
eq "uninstalled" "$(find "$T/dest" -type f | wc -l | tr -d ' ')" 0

echo "e2e_man: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
