/**
 * The fish completion script: one `complete` rule whose words come from `envboot
 * __complete` (see `formatReply`), notes after a tab as fish shows them, or the file
 * names that start with the word. (In this template literal `\\` is the script's backslash.)
 */
export const fishScript = `# fish completion for envboot
# Save it as ~/.config/fish/completions/envboot.fish:
#   envboot completion fish > ~/.config/fish/completions/envboot.fish
function __envboot_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    set -l cmd (string replace -r -- '^~/' "$HOME/" $words[1])
    set -l out ($cmd __complete -- (count $words) $words "$current" 2>/dev/null)
    or return 0
    # "--flag=value": the value is completed, the flag kept in front of it. File names are
    # listed for the name as typed, unquoted, with ~/ standing for the home directory.
    set -l prefix (string match -r -- '^--[^=]*=' "$current")
    set -l value (string replace -r -- '^--[^=]*=' '' "$current" | string unescape)
    set -l home
    if string match -q -- '~/*' "$value"
        set home '~/'
        set value "$HOME/"(string sub -s 3 -- "$value")
    end
    switch "$out[1]"
        case files dirs
            for path in "$value"*
                if test -d "$path"
                    set path "$path/"
                else if test "$out[1]" = dirs
                    continue
                end
                test -n "$home"; and set path $home(string sub -s (math (string length -- "$HOME/") + 1) -- "$path")
                printf '%s%s\\n' "$prefix" "$path"
            end
        case words
            for line in $out[2..-1]
                printf '%s%s\\n' "$prefix" "$line"
            end
    end
end
complete -c envboot -f -a '(__envboot_complete)'
`;
