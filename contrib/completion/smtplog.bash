# bash completion for smtplog. Commands, options and their values come from
# smtplog's own --help (printed from its command table), so this file never
# falls behind the program. Installed by `make install` into
# PREFIX/share/bash-completion/completions/smtplog.
_smtplog()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$(smtplog --help 2>/dev/null | sed -nE 's/^  ([a-z]+) .*/\1/p') help" -- "$cur"))
		return
	fi
	local cmd=${COMP_WORDS[1]} help arg
	[ "$cmd" = help ] && { COMPREPLY=($(compgen -W "$(smtplog --help 2>/dev/null | sed -nE 's/^  ([a-z]+) .*/\1/p')" -- "$cur")); return; }
	help=$(smtplog "$cmd" --help 2>/dev/null)
	# the value of an option: by its placeholder (choices, FILE, DIR, ZONE)
	if [[ $prev == --* ]]; then
		arg=$(sed -nE "s/^  (-[a-zA-Z], |    )$prev ([^ ]+).*/\2/p" <<<"$help" | head -1)
		case $arg in
		'') ;;
		*'|'*) COMPREPLY=($(compgen -W "${arg//|/ }" -- "$cur")); return ;;
		FILE|PATH) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		DIR) COMPREPLY=($(compgen -d -- "$cur")); return ;;
		ZONE) COMPREPLY=($(cd /usr/share/zoneinfo 2>/dev/null && compgen -f -- "$cur")); return ;;
		*) return ;;
		esac
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(sed -nE 's/^  (-[a-zA-Z], |    )(--[a-z-]+).*/\2/p' <<<"$help")" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _smtplog smtplog
