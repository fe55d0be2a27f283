/**
 * How the verification function reaches the AWS APIs it calls (RDS and CloudWatch of its region, S3 of the evidence
 * bucket's region): HTTPS through NAT, or interface endpoints (and, beside an S3 gateway endpoint, its prefix list).
 * Construct ids are the construct's own, so resource addresses do not depend on this file.
 */
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { Construct } from 'constructs';
import type { VerificationRestoreProps } from '../verification-restore';
import { ref } from './reference';

/** Where one HTTPS rule of the function's security group leads: addresses, another security group, or a prefix list. */
type HttpsDestination = { cidrIpv4: string } | { referencedSecurityGroupId: string } | { prefixListId: string };

/** Lets the function's security group open HTTPS (443) connections to `destination`. */
function httpsEgress(
  scope: Construct,
  id: string,
  props: VerificationRestoreProps,
  functionGroup: SecurityGroup,
  destination: HttpsDestination,
  description: string,
): void {
  new VpcSecurityGroupEgressRule(scope, id, {
    region: props.region,
    securityGroupId: ref(functionGroup, 'id'),
    ...destination,
    ipProtocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    description,
    tags: props.tags,
  });
}

/** Creates the function's HTTPS egress rules and, with `createVpcEndpoints`, the endpoints and their security group. */
export function renderApiNetwork(scope: Construct, props: VerificationRestoreProps, functionGroup: SecurityGroup, endpointGroupName: string): void {
  const tags = props.tags;
  const evidenceRegion = props.evidence?.region ?? props.region;
  if (props.createVpcEndpoints) {
    // An S3 endpoint of this region serves only this region's buckets (like a gateway endpoint), so S3 joins the
    // endpoints only when the function runs in the evidence bucket's region (the DR region, the usual case).
    const services = evidenceRegion === props.region && props.s3PrefixListId === undefined ? ['rds', 'monitoring', 's3'] : ['rds', 'monitoring'];
    const endpointGroup = new SecurityGroup(scope, 'endpoints-sg', {
      region: props.region,
      name: endpointGroupName,
      // Kept as first deployed, although the group now also serves the S3 endpoint: AWS cannot change a group's
      // description in place, and replacing a group the endpoints use fails (the old one cannot be deleted first).
      description: 'Lifeboat verification: RDS and CloudWatch interface endpoints, HTTPS from the function only',
      vpcId: props.vpcId,
      tags,
    });
    new VpcSecurityGroupIngressRule(scope, 'endpoints-from-function', {
      region: props.region,
      securityGroupId: ref(endpointGroup, 'id'),
      referencedSecurityGroupId: ref(functionGroup, 'id'),
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'HTTPS from the verification function',
      tags,
    });
    httpsEgress(
      scope,
      'function-to-endpoints',
      props,
      functionGroup,
      { referencedSecurityGroupId: ref(endpointGroup, 'id') },
      services.includes('s3') ? 'HTTPS to the RDS, CloudWatch and S3 interface endpoints' : 'HTTPS to the RDS and CloudWatch interface endpoints',
    );
    for (const service of services) {
      new VpcEndpoint(scope, `endpoint-${service}`, {
        region: props.region,
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Interface',
        // Private DNS makes the SDK's default hostnames (rds.<region>.amazonaws.com, monitoring..., and for S3
        // s3.<region>.amazonaws.com and <bucket>.s3.<region>.amazonaws.com) resolve to the endpoint in this VPC.
        privateDnsEnabled: true,
        // For S3 (a service with gateway endpoints too) AWS reads an absent option as "inbound resolver only": that
        // needs an S3 gateway endpoint in the VPC and leaves in-VPC names on the gateway, which the function's group
        // does not reach. Pinned to all resolvers, so the function's S3 requests always go through this endpoint.
        ...(service === 's3' ? { dnsOptions: { privateDnsOnlyForInboundResolverEndpoint: false } } : {}),
        subnetIds: [...props.subnetIds],
        securityGroupIds: [ref(endpointGroup, 'id')],
        tags,
      });
    }
    if (props.s3PrefixListId !== undefined) {
      // The VPC's S3 gateway endpoint: its route sends the prefix list's addresses to S3 in this region.
      httpsEgress(scope, 'function-to-s3-gateway', props, functionGroup, { prefixListId: props.s3PrefixListId }, 'HTTPS to S3 for the evidence bucket, through the VPC gateway endpoint');
    } else if (!services.includes('s3')) {
      // The evidence bucket is in another region, which the endpoints above do not serve: its S3 goes through NAT.
      httpsEgress(
        scope,
        'function-to-evidence-s3',
        props,
        functionGroup,
        { cidrIpv4: props.apiEgressCidr ?? '0.0.0.0/0' },
        `HTTPS to S3 in ${evidenceRegion} for the evidence bucket (through NAT)`,
      );
    }
  } else {
    httpsEgress(
      scope,
      'function-to-aws-apis',
      props,
      functionGroup,
      { cidrIpv4: props.apiEgressCidr ?? '0.0.0.0/0' },
      'HTTPS to the RDS, CloudWatch and S3 APIs (through NAT)',
    );
  }
}
