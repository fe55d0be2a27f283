/**
 * Renders a procedure for a person: numbered steps, each block a script run by `bash -euo pipefail` (a failing
 * command stops the block without closing the engineer's shell), waits as polling loops with the real completion
 * condition and a timeout far above the expected time, Terraform with exact addresses.
 */
import { awsCommand, code, codeBlock, shellWord, type CommandOption } from './markdown';
import { FAILED_STATUSES } from './procedures/common';
import type { CallStep, CheckStep, Procedure, Step, TerraformStep, TfAddress, Value, WaitStep } from './procedures/types';
import { isRef } from './procedures/types';

/** cliName of each member seen: a pure function of the name, so nothing ever needs clearing. */
const CLI_NAMES = new Map<string, string>();

/** botocore's xform_name: `DBInstanceIdentifier` -> `db-instance-identifier`, as the AWS CLI spells members. */
export function cliName(member: string): string {
  // The same few dozen member names recur in every runbook of a plan; the two regular expressions are the cost.
  let name = CLI_NAMES.get(member);
  if (name === undefined) {
    name = member
      .replace(/(.)([A-Z][a-z]+)/g, '$1-$2')
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase();
    CLI_NAMES.set(member, name);
  }
  return name;
}

const CLI_SERVICE: Record<CallStep['service'], string> = { rds: 'rds', s3: 's3api', s3control: 's3control', backup: 'backup', sts: 'sts' };

function scalar(value: Value): string {
  if (isRef(value)) return `\${${value.ref}}`;
  if (typeof value === 'object') throw new Error(`not a scalar: ${JSON.stringify(value)}`);
  return String(value);
}

/** `{Key: a, Value: b}` -> `Key=a,Value=b`: the CLI's shorthand for one structure. */
function shorthand(value: Value): string {
  if (typeof value !== 'object' || isRef(value) || Array.isArray(value)) return scalar(value);
  return Object.entries(value)
    .map(([key, inner]) => `${key}=${scalar(inner as Value)}`)
    .join(',');
}

export function cliOptions(input: CallStep['input']): CommandOption[] {
  const options: CommandOption[] = [];
  for (const [member, value] of Object.entries(input)) {
    const flag = `--${cliName(member)}`;
    // A string map (AWS Backup's restore Metadata) goes as JSON: its values hold commas and brackets.
    if (member === 'Metadata' && typeof value === 'object' && !Array.isArray(value) && !isRef(value)) options.push([flag, JSON.stringify(value)]);
    else if (value === true) options.push([flag]);
    else if (value === false) options.push([`--no-${cliName(member)}`]);
    else if (Array.isArray(value)) options.push([flag, ...value.map((item: Value) => shorthand(item))]);
    else options.push([flag, shorthand(value as Value)]);
  }
  return options;
}

function cliOperation(step: CallStep): [string, string] {
  return [CLI_SERVICE[step.service], cliName(step.operation)];
}

function callLines(step: CallStep): string[] {
  const [service, operation] = cliOperation(step);
  const capture = step.capture?.[0];
  if (capture) {
    const command = awsCommand(service, operation, [...cliOptions(step.input), ['--query', capture.query], ['--output', 'text']], step.region);
    return [`export ${capture.name}="$(${command})"`, `echo "${capture.name}=$${capture.name}"`];
  }
  const command = awsCommand(service, operation, cliOptions(step.input), step.region);
  if (step.alreadyExistsOk) {
    return [`if ! out="$(${command} 2>&1)"; then`, `  case "$out" in *AlreadyExists*) echo "already exists, kept: ${step.title.replace(/["$`\\]/g, '')}" ;; *) echo "$out" >&2; exit 1 ;; esac`, 'fi'];
  }
  return [command];
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h${Math.round((seconds % 3600) / 60)}m`;
  return `${Math.round(seconds / 60)}m`;
}

/** The describe call and the text it must print when the condition holds (`--output text`, tabs turned to spaces). */
function waitProbe(step: WaitStep): { command: string; done: string; subject: string } {
  const one = (service: string, operation: string, options: CommandOption[]) =>
    awsCommand(service, operation, [...options, ['--output', 'text']], step.region).replace(/ \\\n\s*/g, ' ');
  const condition = step.condition;
  switch (condition.type) {
    case 'db-instance-available':
      return {
        command: one('rds', 'describe-db-instances', [
          ['--db-instance-identifier', condition.identifier],
          ['--query', condition.secretActive ? 'DBInstances[0].[DBInstanceStatus,MasterUserSecret.SecretStatus]' : 'DBInstances[0].DBInstanceStatus'],
        ]),
        done: condition.secretActive ? 'available active' : 'available',
        subject: condition.identifier,
      };
    case 'db-cluster-available':
      return {
        command: one('rds', 'describe-db-clusters', [
          ['--db-cluster-identifier', condition.identifier],
          ['--query', condition.secretActive ? 'DBClusters[0].[Status,MasterUserSecret.SecretStatus]' : 'DBClusters[0].Status'],
        ]),
        done: condition.secretActive ? 'available active' : 'available',
        subject: condition.identifier,
      };
    case 'db-instance-promoted':
      return {
        command: one('rds', 'describe-db-instances', [
          ['--db-instance-identifier', condition.identifier],
          ['--query', 'DBInstances[0].[DBInstanceStatus,ReadReplicaSourceDBInstanceIdentifier]'],
        ]),
        done: 'available None',
        subject: condition.identifier,
      };
    case 'global-writer':
      return {
        command: one('rds', 'describe-global-clusters', [
          ['--global-cluster-identifier', condition.globalClusterIdentifier],
          ['--query', `GlobalClusters[0].[FailoverState.Status,GlobalClusterMembers[?IsWriter].DBClusterArn|[0]]`],
        ]),
        done: `None *:cluster:${condition.writerClusterIdentifier}`,
        subject: condition.globalClusterIdentifier,
      };
    case 'automated-backups-replicating':
      return {
        command: one('rds', 'describe-db-instance-automated-backups', [
          ['--db-instance-identifier', condition.sourceIdentifier],
          ['--query', 'DBInstanceAutomatedBackups[0].Status'],
        ]),
        done: 'replicating',
        subject: `replicated backups of ${condition.sourceIdentifier}`,
      };
    case 'db-snapshot-available':
      return {
        command: condition.cluster
          ? one('rds', 'describe-db-cluster-snapshots', [['--db-cluster-snapshot-identifier', condition.identifier], ['--query', 'DBClusterSnapshots[0].Status']])
          : one('rds', 'describe-db-snapshots', [['--db-snapshot-identifier', condition.identifier], ['--query', 'DBSnapshots[0].Status']]),
        done: 'available',
        subject: condition.identifier,
      };
    case 'backup-restore-job':
      return {
        command: one('backup', 'describe-restore-job', [['--restore-job-id', condition.restoreJobId], ['--query', 'Status']]),
        done: 'COMPLETED',
        subject: `restore job ${condition.restoreJobId}`,
      };
  }
}

/** Final states of an AWS Backup restore job other than COMPLETED. */
const BACKUP_JOB_FAILED = ['FAILED', 'ABORTED'];

/**
 * Polls a describe command until its text output matches a pattern. "Not found" is not yet (a renamed resource
 * answers under its new name only after a while); an API error or a status after which RDS gives up fails at once.
 */
export const WAIT_FUNCTION = [
  'wait_for() {  # wait_for <what> <done pattern> <timeout s> <poll s> <describe command...>',
  '  local what="$1" done="$2" timeout="$3" poll="$4" state deadline',
  '  shift 4',
  '  deadline=$(( $(date +%s) + timeout ))',
  '  while :; do',
  `    state="$("$@" 2>&1 | tr '\\t' ' ')" || true`,
  '    # shellcheck disable=SC2254',
  '    case "$state" in $done) echo "$what: $state"; return 0 ;; esac',
  `    case "$state" in *NotFound*) ;; *"An error occurred"*|${[...FAILED_STATUSES, ...BACKUP_JOB_FAILED].map((status) => `${status}*`).join('|')}) echo "$what: $state" >&2; return 1 ;; esac`,
  '    [ "$(date +%s)" -lt "$deadline" ] || { echo "$what: not done after $timeout s (last: $state)" >&2; return 1; }',
  '    sleep "$poll"',
  '  done',
  '}',
];

function waitLines(step: WaitStep): string[] {
  const probe = waitProbe(step);
  return [
    `# Usually ${duration(step.expectedSeconds)}; gives up after ${duration(step.timeoutSeconds)} (the CLI's own waiters stop after 30 minutes, shorter than a large restore).`,
    `wait_for ${shellWord(probe.subject)} ${shellWord(probe.done)} ${step.timeoutSeconds} ${step.pollSeconds} \\\n  ${probe.command}`,
  ];
}

/** A jq expression that finds the address in $TF_STACK_DIR/cdk.tf.json by the same rule `stackAddresses` uses. */
function addressLookup(target: TfAddress): string {
  if (target.resolved) return shellWord(target.resolved);
  const value = typeof target.equals === 'string' ? shellWord(target.equals) : `"\\\${$(${lookupCommand(target.equals.address)}).${target.equals.suffix}}"`;
  return `"$(tf_address ${target.type} ${target.attribute} ${value})"`;
}

function lookupCommand(target: TfAddress): string {
  if (target.resolved) return `echo ${shellWord(target.resolved)}`;
  const value = typeof target.equals === 'string' ? shellWord(target.equals) : `"\\\${$(${lookupCommand(target.equals.address)}).${target.equals.suffix}}"`;
  return `tf_address ${target.type} ${target.attribute} ${value}`;
}

const TF_ADDRESS_FUNCTION =
  `tf_address() { jq -er --arg t "$1" --arg a "$2" --arg v "$3" '.resource[$t] // {} | to_entries[] | select(.value[$a] == $v) | "\\($t).\\(.key)"' cdk.tf.json | head -n 1; }`;

export const PLAN_NO_DESTROY_LINES = [
  'terraform plan -input=false -out=reconcile.tfplan',
  `terraform show -json reconcile.tfplan | jq -e '[.resource_changes[]? | select(.change.actions | index("delete"))] | length == 0' >/dev/null \\`,
  `  || { echo "STOP: the plan destroys or replaces a resource; do not apply it" >&2; terraform show -json reconcile.tfplan | jq -r '.resource_changes[]? | select(.change.actions | index("delete")) | .address' >&2; exit 1; }`,
  'echo "the plan destroys nothing: review it, then terraform apply reconcile.tfplan"',
];

function terraformLines(step: TerraformStep): string[] {
  const lines = ['cd "$TF_STACK_DIR"'];
  if (step.commands.some((command) => (command.type === 'state-rm' || command.type === 'import') && !command.address.resolved)) lines.push(TF_ADDRESS_FUNCTION);
  for (const command of step.commands) {
    switch (command.type) {
      case 'init':
        lines.push('terraform init -input=false   # state commands need the backend and providers');
        break;
      case 'state-rm':
        lines.push(`terraform state rm ${addressLookup(command.address)}   # ${command.why}`);
        break;
      case 'import':
        lines.push(`terraform import -input=false ${addressLookup(command.address)} ${shellWord(typeof command.id === 'string' ? command.id : `\${${command.id.ref}}`)}   # ${command.why}`);
        break;
      case 'plan-no-destroy':
        lines.push(...PLAN_NO_DESTROY_LINES);
        break;
    }
  }
  return lines;
}

export interface RenderHooks {
  /** Markdown for a check step (the runbook's verify section); default: a pointer to the command. */
  check?: (step: CheckStep) => string;
}

function stepLines(step: Step): string[] {
  switch (step.kind) {
    case 'call':
      return [...(step.note ? [`# ${step.note}`] : []), ...callLines(step)];
    case 'wait':
      return waitLines(step);
    case 'shell':
      return step.lines;
    case 'terraform':
      return terraformLines(step);
    default:
      return [];
  }
}

function variablesUsed(lines: readonly string[]): Set<string> {
  const used = new Set<string>();
  for (const line of lines) for (const match of line.matchAll(/\$\{?([A-Z][A-Z0-9_]*)\}?/g)) used.add(match[1] as string);
  return used;
}

/** A script block: the steps' commands, preceded by re-reading any value an earlier block captured. */
function block(steps: readonly Step[], all: readonly Step[], numbering: Map<Step, number>): string {
  const body: string[] = [];
  for (const step of steps) {
    body.push(`# ${numbering.get(step)}. ${step.title}`, ...stepLines(step), '');
  }
  const capturedHere = new Set(steps.flatMap((step) => (step.kind === 'call' ? (step.capture ?? []).map((capture) => capture.name) : [])));
  const needed = [...variablesUsed(body)].filter((name) => !capturedHere.has(name));
  const recapture = all.filter(
    (step): step is CallStep => step.kind === 'call' && !steps.includes(step) && (step.capture ?? []).some((capture) => needed.includes(capture.name)),
  );
  const preamble = [
    ...(steps.some((step) => step.kind === 'wait') ? WAIT_FUNCTION : []),
    ...recapture.flatMap((step) => [`# (again: ${step.title})`, ...callLines(step)]),
  ];
  const lines = [...preamble, ...(preamble.length > 0 ? [''] : []), ...body];
  while (lines.at(-1) === '') lines.pop();
  return codeBlock(["bash -euo pipefail <<'STEPS'", ...lines, 'STEPS']);
}

/** The procedure as Markdown: the lifeboat command first, then every step by hand. */
export function renderProcedure(procedure: Procedure, heading: string, hooks: RenderHooks = {}, intro: string[] = []): string {
  const numbering = new Map<Step, number>(procedure.steps.map((step, index) => [step, index + 1]));
  const parts: string[] = [heading, '', ...intro, ...(intro.length > 0 ? [''] : []), procedure.summary, ''];
  const needed = procedure.variables.filter((variable) => variable.name !== 'RESTORE_TIME' && variable.name !== 'TF_STACK_DIR');
  if (needed.length > 0) {
    parts.push(codeBlock(needed.map((variable) => `export ${variable.name}="..."   # ${variable.description}`)), '');
  }
  if (procedure.command) {
    parts.push(
      `**With Lifeboat** (checks the window and the target first, prints every step, changes nothing without \`--execute\`):`,
      '',
      codeBlock([procedure.command, `${procedure.command} --execute`]),
      '',
      '**By hand**, the same steps (each block runs under `bash -euo pipefail`: a failing command stops it):',
      '',
    );
  }
  let pending: Step[] = [];
  const flush = () => {
    if (pending.length > 0) parts.push(block(pending, procedure.steps, numbering), '');
    pending = [];
  };
  for (const step of procedure.steps) {
    if (step.kind === 'note') {
      flush();
      parts.push(`${numbering.get(step)}. ${step.title}`, '');
    } else if (step.kind === 'check') {
      flush();
      parts.push(hooks.check ? hooks.check(step) : `${numbering.get(step)}. ${step.title}: \`lifeboat restore\` runs them, or see the verify section.`, '');
    } else if (step.kind === 'terraform' || step.kind === 'shell') {
      flush();
      parts.push(`${numbering.get(step)}. ${step.title}${step.kind === 'terraform' ? ` (in ${code('$TF_STACK_DIR')})` : ''}:`, '');
      pending = [step];
      flush();
    } else {
      pending.push(step);
    }
  }
  flush();
  while (parts.at(-1) === '') parts.pop();
  return parts.join('\n');
}
