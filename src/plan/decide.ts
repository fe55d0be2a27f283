/**
 * What every decider shares: objectives and options, the cheapest-option rule, scope verdicts, and the record a
 * decider returns. A decider is a pure function from the requirement (and what earlier deciders chose) to a
 * `Decision`: its value, the mechanisms it chose and the findings it raised. The store planner applies decisions in
 * order; no decider writes into another's state.
 */
import { formatSecondsOrZero } from '../spec/duration';
import { FAILURE_SCOPES, type FailureScope } from '../spec/types';
import type { CatalogueEntry } from './catalogue';
import { FINDING_CODES, type FindingCode } from './findings';
import { MECHANISM_KINDS, type DesignFigures, type Finding, type MechanismKind, type PlanDuration, type PlannedMechanism, type ScopePlan } from './types';

export const DAY = 86_400;
export const HOUR = 3_600;

// The records below list their keys in the order backup_plan.json does (serialize.ts), which then writes them as
// they are instead of copying them: a plan of 10,000 stores has hundreds of thousands.

export function duration(seconds: number): PlanDuration {
  return { human: formatSecondsOrZero(seconds), seconds };
}

export function design(rpoSeconds: number, rtoSeconds: number): DesignFigures {
  return { estimate: true, rpo: duration(rpoSeconds), rto: duration(rtoSeconds) };
}

export const human = (seconds: number) => formatSecondsOrZero(seconds);

export interface Objective {
  rpo: number | null;
  rto: number | null;
}

/** A candidate way of serving one scope. */
export interface Option {
  kinds: MechanismKind[];
  rpo: number;
  rto: number;
}

export function objectiveOf(store: { rpo: Record<FailureScope, number | null>; rto: Record<FailureScope, number | null> }, scope: FailureScope): Objective {
  return { rpo: store.rpo[scope], rto: store.rto[scope] };
}

export function meets(option: { rpo: number; rto: number }, objective: Objective): boolean {
  return (objective.rpo === null || option.rpo <= objective.rpo) && (objective.rto === null || option.rto <= objective.rto);
}

export function objectiveText(objective: Objective): string {
  const { rpo, rto } = objective;
  if (rpo !== null && rto !== null) return `RPO ${human(rpo)}, RTO ${human(rto)}`;
  if (rpo !== null) return `RPO ${human(rpo)}`;
  return rto !== null ? `RTO ${human(rto)}` : '';
}

export function optionText(option: Option): string {
  return `${option.kinds.join(' + ')} (design RPO ${human(option.rpo)}, RTO ${human(option.rto)})`;
}

export function scopePlan(scope: FailureScope, objective: Objective, chosen: Option | null, met: boolean, reason: string): ScopePlan {
  return {
    scope,
    design: chosen ? design(chosen.rpo, chosen.rto) : null,
    mechanisms: chosen ? [...chosen.kinds] : [],
    met,
    objective: {
      rpo: objective.rpo === null ? null : duration(objective.rpo),
      rto: objective.rto === null ? null : duration(objective.rto),
    },
    reason,
  };
}

/** Picks the first (cheapest) option meeting the objective; null when none does. */
export function cheapest(options: Option[], objective: Objective): Option | null {
  return options.find((option) => meets(option, objective)) ?? null;
}

export function chooseReason(chosen: Option, objective: Objective, cheaper: Option[]): string {
  if (objective.rpo === null && objective.rto === null) return `no objective set; ${optionText(chosen)} is always on`;
  const rejected = cheaper.filter((o) => o !== chosen && !meets(o, objective));
  const why = rejected.length > 0 ? `; cheaper ${rejected.map(optionText).join(', ')} would not meet it` : '';
  return `${optionText(chosen)} meets ${objectiveText(objective)}${why}`;
}

export const opt = (entry: CatalogueEntry): Option => ({ kinds: [entry.kind], rpo: entry.rpoSeconds, rto: entry.rtoSeconds });

/** One mechanism a decider chose: the catalogue entry, where, for which scope, and why. */
export interface MechanismChoice {
  entry: CatalogueEntry;
  region: string;
  scope: FailureScope | null;
  reason: string;
  figures?: DesignFigures;
}

/** One finding a decider raised (the store is added when the decision is applied). */
export interface FindingChoice {
  code: FindingCode;
  scope: FailureScope | null;
  message: string;
  fix: string;
}

/** What a decider returns: its value, plus the mechanisms and findings that come with it. */
export interface Decision<T> {
  value: T;
  mechanisms: MechanismChoice[];
  findings: FindingChoice[];
}

/** Builds a decision record inside a decider (local to the call, so the decider stays pure). */
export class DecisionRecord {
  readonly mechanisms: MechanismChoice[] = [];
  readonly findings: FindingChoice[] = [];

  mechanism(entry: CatalogueEntry, region: string, scope: FailureScope | null, reason: string, figures?: DesignFigures): void {
    this.mechanisms.push(figures ? { entry, region, scope, reason, figures } : { entry, region, scope, reason });
  }

  finding(code: FindingCode, scope: FailureScope | null, message: string, fix: string): void {
    this.findings.push({ code, scope, message, fix });
  }

  done<T>(value: T): Decision<T> {
    return { value, mechanisms: this.mechanisms, findings: this.findings };
  }
}

/** The mechanisms of one store, merged by kind and region so each appears once with every scope it serves. */
export class MechanismSet {
  // A list kept in plan order as mechanisms are added, not a map or a sort at the end: a store has a handful of
  // mechanisms, and a map per store with a joined key per mechanism, or a sort per store, costs more than a scan.
  private readonly mechanisms: PlannedMechanism[] = [];

  add({ entry, region, scope, reason, figures }: MechanismChoice): void {
    const existing = this.mechanisms.find((m) => m.kind === entry.kind && m.region === region);
    if (existing) {
      if (scope && !existing.scopes.includes(scope)) existing.scopes.push(scope);
      if (!existing.reason.includes(reason)) existing.reason = `${existing.reason}; ${reason}`;
      return;
    }
    const mechanism: PlannedMechanism = {
      kind: entry.kind,
      design: figures ?? design(entry.rpoSeconds, entry.rtoSeconds),
      reason,
      region,
      scopes: scope ? [scope] : [],
      source: entry.source,
    };
    // Insertion in order (catalogue order, then region): moved down past every later mechanism.
    const list = this.mechanisms;
    list.push(mechanism);
    for (let i = list.length - 1; i > 0 && compareMechanisms(mechanism, list[i - 1]) < 0; i -= 1) {
      list[i] = list[i - 1];
      list[i - 1] = mechanism;
    }
  }

  /** Mechanisms in catalogue order, then by region; each one's scopes in FAILURE_SCOPES order. */
  list(): PlannedMechanism[] {
    return this.mechanisms.map(withScopesInOrder);
  }
}

function withScopesInOrder(m: PlannedMechanism): PlannedMechanism {
  const scopes = m.scopes.length < 2 ? m.scopes.slice() : FAILURE_SCOPES.filter((s) => m.scopes.includes(s));
  return { kind: m.kind, design: m.design, reason: m.reason, region: m.region, scopes, source: m.source };
}

function compareMechanisms(a: PlannedMechanism, b: PlannedMechanism): number {
  return MECHANISM_KINDS.indexOf(a.kind) - MECHANISM_KINDS.indexOf(b.kind) || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0);
}

/** Collects one store's mechanisms and findings from its decisions, in the order they are applied. */
export class StoreDecisions {
  readonly mechanisms = new MechanismSet();

  constructor(
    private readonly out: Finding[],
    private readonly store: string | null,
  ) {}

  /** Records a decision's mechanisms and findings and returns its value. */
  apply<T>(decision: Decision<T>): T {
    for (const mechanism of decision.mechanisms) this.mechanisms.add(mechanism);
    for (const f of decision.findings) {
      this.out.push({ severity: FINDING_CODES[f.code].severity, code: f.code, store: this.store, scope: f.scope, message: f.message, fix: f.fix });
    }
    return decision.value;
  }
}
