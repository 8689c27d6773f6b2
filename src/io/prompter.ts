/** Asking the person at the terminal. Injected so command tests can answer without a terminal. */
export interface Prompter {
  input(question: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  confirm(question: { message: string; default?: boolean }): Promise<boolean>;
}

/** @inquirer/prompts on stderr (stdout carries results only). Ctrl-C rejects with ExitPromptError. */
export function inquirerPrompter(): Prompter {
  const context = { output: process.stderr, clearPromptOnDone: false };
  return {
    async input(question) {
      const { input } = await import('@inquirer/prompts');
      return input(
        {
          message: question.message,
          ...(question.default ? { default: question.default } : {}),
          ...(question.validate ? { validate: question.validate } : {}),
        },
        context,
      );
    },
    async confirm(question) {
      const { confirm } = await import('@inquirer/prompts');
      return confirm({ message: question.message, default: question.default ?? false }, context);
    },
  };
}
