import { EXIT, usageError } from './cli-kit.js';
import { type CommandSpec, optionsOf } from './command-tree.js';

/** Each command path (`users.add`; `` for the top) with the words that may follow: its commands, then its options. */
function completionWords(specs: readonly CommandSpec[]): Map<string, string[]> {
  const nodes = new Map<string, Set<string>>([['', new Set(['--help'])]]);
  for (const spec of specs) {
    for (let depth = 0; depth < spec.path.length; depth++) {
      const key = spec.path.slice(0, depth).join('.');
      if (!nodes.has(key)) nodes.set(key, new Set());
      nodes.get(key)!.add(spec.path[depth]!);
    }
    const key = spec.path.join('.');
    if (!nodes.has(key)) nodes.set(key, new Set());
    for (const flag of Object.keys(optionsOf(spec))) nodes.get(key)!.add(`--${flag}`);
  }
  return new Map([...nodes].map(([key, words]) => [key, [...words]]));
}

/** A bash completion function for `roster` (zsh loads it through bashcompinit). */
export function bashCompletion(specs: readonly CommandSpec[]): string {
  const nodes = completionWords(specs);
  const cases = [...nodes].map(([key, words]) => `    '${key}') words='${words.join(' ')}' ;;`).join('\n');
  return `# roster completion for bash: eval "$(roster completion bash)", or save it in /etc/bash_completion.d/roster
_roster() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path='' words='' next i
  for ((i = 1; i < COMP_CWORD; i++)); do
    next="\${path:+$path.}\${COMP_WORDS[i]}"
    case " $_roster_paths " in *" $next "*) path="$next" ;; esac
  done
  case "$path" in
${cases}
  esac
  if [[ "$cur" != -* ]]; then words="$(printf '%s\\n' $words | grep -v '^--')"; fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_roster_paths='${[...nodes.keys()].filter(Boolean).join(' ')}'
complete -F _roster roster
`;
}

export const COMPLETION_COMMAND: CommandSpec = {
  path: ['completion'],
  summary: 'print shell completion for bash or zsh',
  args: 'bash|zsh',
  positionals: { min: 1, max: 1 },
  noWorkspace: true,
  examples: ['eval "$(roster completion bash)"   # in ~/.bashrc', 'eval "$(roster completion zsh)"    # in ~/.zshrc'],
  // Filled in by run-cli.ts, which knows every command.
  noRuntime: () => EXIT.done,
};

/** `roster completion bash|zsh`: the script on standard output. */
export function completionCommand(shell: string, specs: readonly CommandSpec[], write: (text: string) => void, problem: (line: string) => void): number {
  if (shell === 'bash') write(bashCompletion(specs));
  else if (shell === 'zsh')
    write(`# roster completion for zsh: eval "$(roster completion zsh)" in ~/.zshrc\nautoload -U +X bashcompinit && bashcompinit\n${bashCompletion(specs)}`);
  else return usageError(problem, `no completion for "${shell}": bash or zsh`);
  return EXIT.done;
}
