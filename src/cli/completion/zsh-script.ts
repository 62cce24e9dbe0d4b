/**
 * The zsh completion script: a `_envboot` function for compsys that asks `envboot
 * __complete` (see `formatReply`) and offers the words with their notes, or leaves file
 * names to `_files`. Works autoloaded from $fpath or sourced after compinit. (In this
 * template literal `\${` is the script's `${` and `\\` its backslash.)
 */
export const zshScript = `#compdef envboot
# zsh completion for envboot
# Save it as a file named _envboot in a directory of $fpath, before compinit runs, e.g.
#   envboot completion zsh > ~/.zfunc/_envboot   and in ~/.zshrc: fpath=(~/.zfunc $fpath)
# or load it after compinit with: source <(envboot completion zsh)
_envboot() {
    local cmd=\${(Q)words[1]} out kind line
    local -a lines described
    [[ $cmd == '~/'* ]] && cmd=$HOME/\${cmd#'~/'}
    out=$("$cmd" __complete -- $((CURRENT - 1)) "\${(@Q)words[1,CURRENT]}" 2>/dev/null) || return 1
    lines=("\${(@f)out}")
    kind=$lines[1]
    [[ $PREFIX == --*=* ]] && compset -P '*='
    case $kind in
    files) _files ;;
    dirs) _files -/ ;;
    words)
        for line in "\${(@)lines[2,-1]}"; do
            # _describe reads "word:note"; a colon in the word itself is escaped.
            described+=("\${\${line%%$'\\t'*}//:/\\\\:}\${\${(M)line#*$'\\t'}:+:\${line#*$'\\t'}}")
        done
        (( $#described )) && _describe -t envboot 'envboot' described
        ;;
    esac
}
if [[ $funcstack[1] == _envboot ]]; then
    _envboot "$@"
else
    compdef _envboot envboot
fi
`;
