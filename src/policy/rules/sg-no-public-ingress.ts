import { blockList, finding, stringList, type BlockRef } from '../document';
import type { Finding, PolicyRule } from '../types';

const ANYWHERE = ['0.0.0.0/0', '::/0'];

function openRanges(rule: Record<string, unknown>): string[] {
  return [...stringList(rule.cidr_blocks), ...stringList(rule.ipv6_cidr_blocks), ...stringList(rule.cidr_ipv4), ...stringList(rule.cidr_ipv6)].filter(
    (range) => ANYWHERE.includes(range),
  );
}

function describePorts(rule: Record<string, unknown>): string {
  const from = rule.from_port;
  const to = rule.to_port;
  const protocol = String(rule.protocol ?? rule.ip_protocol ?? '?');
  if (protocol === '-1' || protocol === 'all') return 'all traffic';
  return from === to ? `${protocol}/${String(from)}` : `${protocol}/${String(from)}-${String(to)}`;
}

function openFinding(block: BlockRef, rule: Record<string, unknown>): Finding[] {
  const ranges = openRanges(rule);
  if (ranges.length === 0) return [];
  return [finding(sgNoPublicIngress, block, `Ingress ${describePorts(rule)} is open to ${ranges.join(' and ')}.`)];
}

export const sgNoPublicIngress: PolicyRule = {
  id: 'sg-no-public-ingress',
  pack: 'network',
  severity: 'error',
  description: 'No security group ingress (inline, aws_security_group_rule or aws_vpc_security_group_ingress_rule) allows 0.0.0.0/0 or ::/0.',
  fix: 'Allow ingress only from the security groups or private CIDR ranges that need it.',
  check(index) {
    return [
      ...index.resources('aws_security_group').flatMap((group) => blockList(group.body.ingress).flatMap((rule) => openFinding(group, rule))),
      ...index.resources('aws_security_group_rule')
        .filter((rule) => rule.body.type === 'ingress')
        .flatMap((rule) => openFinding(rule, rule.body)),
      ...index.resources('aws_vpc_security_group_ingress_rule').flatMap((rule) => openFinding(rule, rule.body)),
    ];
  },
};
