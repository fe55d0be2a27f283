/** Small Markdown and shell helpers: commands must paste into a POSIX shell exactly as printed. */

/** A shell word: bare when safe, double-quoted when it expands variables, single-quoted otherwise. */
export function shellWord(value: string): string {
  if (/^[\w.:/=,@+%-]+$/.test(value)) return value;
  if (/\$[{(A-Za-z_]/.test(value)) return `"${value.replace(/(["\\`])/g, '\\$1')}"`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One option of a command: a flag alone, or a flag with one or more values. */
export type CommandOption = readonly [flag: string, ...values: string[]];

/**
 * An aws CLI command, one option per line joined with backslashes so a reader sees every argument and the shell
 * still receives one command. `--region` always comes last and is never omitted: runbooks run during incidents,
 * from whatever profile the engineer has, and a default region is how a restore lands in the wrong place.
 */
export function awsCommand(service: string, operation: string, options: readonly CommandOption[], region: string): string {
  const lines = [`aws ${service} ${operation}`];
  for (const [flag, ...values] of [...options, ['--region', region] as const]) {
    lines.push(`  ${[flag, ...values.map(shellWord)].join(' ')}`);
  }
  return lines.join(' \\\n');
}

/** `aws <service> wait <waiter>`: blocks until the resource reaches the state. */
export function awsWait(service: string, waiter: string, options: readonly CommandOption[], region: string): string {
  return awsCommand(service, `wait ${waiter}`, options, region);
}

export function codeBlock(lines: readonly string[], language = 'sh'): string {
  return `\`\`\`${language}\n${lines.join('\n')}\n\`\`\``;
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${headers.map(escape).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

export function code(text: string): string {
  return `\`${text}\``;
}

/** A block that changes things: run by `bash -euo pipefail`, so a failing command stops it without closing the shell. */
export function scriptBlock(lines: readonly string[]): string {
  return codeBlock(["bash -euo pipefail <<'STEPS'", ...lines, 'STEPS']);
}
