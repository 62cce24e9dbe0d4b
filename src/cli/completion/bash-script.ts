/**
 * The bash completion script. It holds no knowledge of envboot's commands: it asks
 * `envboot __complete` (the envboot being completed, so the answers always match the
 * installed version) and turns the reply (see `formatReply`) into COMPREPLY. Needs bash
 * 4 or later, not the bash-completion package. (In this template literal `\${` is the
 * script's `${` and `\\` its backslash.)
 */
export const bashScript = `# bash completion for envboot
# Load it with: source <(envboot completion bash)   (e.g. in ~/.bashrc)
# or save it as ~/.local/share/bash-completion/completions/envboot
_envboot_complete() {
    local cur=\${COMP_WORDS[COMP_CWORD]} cmd=\${COMP_WORDS[0]} prefix='' out kind line
    COMPREPLY=()
    [[ $cmd == '~/'* ]] && cmd=$HOME/\${cmd#'~/'}
    out=$("$cmd" __complete -- "$COMP_CWORD" "\${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null) || return 0
    kind=\${out%%$'\\n'*}
    # "--flag=value" is split at "=" when = is in COMP_WORDBREAKS (the default), else kept whole.
    if [[ $cur == '=' ]]; then
        cur=''
    elif [[ $cur == --*=* ]]; then
        prefix=\${cur%%=*}= cur=\${cur#*=}
    fi
    case $kind in
    files | dirs)
        compopt -o filenames 2>/dev/null
        # The word as typed may be quoted ("my f, my\\ f); compgen matches the bare name.
        [[ $cur == [\\"\\']* ]] && cur=\${cur:1}
        cur=\${cur//\\\\/}
        local flag=-f
        [[ $kind == dirs ]] && flag=-d
        while IFS= read -r line; do
            COMPREPLY+=("$prefix$line")
        done < <(compgen "$flag" -- "$cur")
        ;;
    words)
        [[ $out == *$'\\n'?* ]] || return 0
        while IFS= read -r line; do
            line=\${line%%$'\\t'*}
            [[ $line == "$cur"* ]] && COMPREPLY+=("$prefix$line")
        done <<<"\${out#*$'\\n'}"
        ;;
    esac
    return 0
}
complete -F _envboot_complete envboot
`;
