// `pm completion bash|zsh`: a shell completion script for the commands and, where a target goes,
// the names of the apps the daemon runs (asked of a running daemon only: completing never starts one).
import type { Command } from 'commander';
import { PmError } from '../../protocol/errors.js';
import { commandWords } from '../main.js';
import { withDaemon } from '../session.js';

function bashScript(words: string[]): string {
  return `# pm completion for bash: source <(pm completion bash), or save it in your bash_completion.d
_pm_complete() {
  local current=\${COMP_WORDS[COMP_CWORD]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${words.join(' ')}" -- "$current"))
  else
    COMPREPLY=($(compgen -W "$(pm completion --apps 2>/dev/null) all" -f -- "$current"))
  fi
}
complete -F _pm_complete pm
`;
}

function zshScript(words: string[]): string {
  return `#compdef pm
# pm completion for zsh: source <(pm completion zsh), or save it as _pm in your $fpath
_pm() {
  if (( CURRENT == 2 )); then
    compadd -- ${words.join(' ')}
  else
    compadd -- \${(f)"$(pm completion --apps 2>/dev/null)"} all
    _files
  fi
}
compdef _pm pm
`;
}

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a completion script: `source <(pm completion bash)` (or zsh)')
    .argument('[shell]', 'bash or zsh')
    .option('--apps', "print the names of the running daemon's apps, one per line (what the scripts call)")
    .action(async (shell: string | undefined, options: { apps?: boolean }) => {
      if (options.apps) {
        const names = await withDaemon((client) => client.request({ type: 'apps' }), {
          autoStart: false,
        }).catch(() => []);
        for (const app of names) process.stdout.write(`${app.name}\n`);
        return;
      }
      const words = commandWords();
      if (shell === 'bash') process.stdout.write(bashScript(words));
      else if (shell === 'zsh') process.stdout.write(zshScript(words));
      else
        throw new PmError(
          'bad-request',
          `${shell === undefined ? 'no shell given' : `found "${shell}"`}: expected bash or zsh`,
        );
    });
}
