import { blockList, isNonEmptyString, isRecord, type BlockRef } from './document';

/**
 * The region a resource is managed in, as far as the document tells: a literal region (`eu-west-1`), or an
 * expression Terraform evaluates later (`${var.dr_region}`), or the region of a provider configuration that sets
 * none (then AWS_REGION or the profile decides, the same for every resource of that configuration).
 */
export interface Region {
  /** The literal region, the expression, or `provider aws[.alias] (no region set)`. */
  value: string;
  /** Whether `value` is a literal region name. */
  literal: boolean;
}

/** Two regions are certainly the same: the same literal, or the same expression or provider configuration. */
export function sameRegion(a: Region, b: Region): boolean {
  return a.value === b.value;
}

/**
 * Resolves regions the way the AWS provider (version 6) does: a resource's own `region` argument wins; otherwise the
 * region of the provider configuration it uses (`provider = "aws.<alias>"`, else the default configuration without
 * an alias).
 */
export class RegionResolver {
  /** Provider configurations by alias (`''` for the default one), with the region each sets, if any. */
  private readonly configurations = new Map<string, string | undefined>();

  constructor(providers: unknown) {
    const aws = isRecord(providers) ? providers.aws : undefined;
    for (const configuration of blockList(aws)) {
      const alias = isNonEmptyString(configuration.alias) ? configuration.alias : '';
      this.configurations.set(alias, isNonEmptyString(configuration.region) ? configuration.region : undefined);
    }
  }

  regionOf(block: BlockRef): Region {
    if (isNonEmptyString(block.body.region)) return regionValue(block.body.region);
    const alias = providerAlias(block.body.provider);
    const configured = this.configurations.get(alias);
    if (configured !== undefined) return regionValue(configured);
    return { value: `provider aws${alias === '' ? '' : `.${alias}`} (no region set)`, literal: false };
  }
}

/** `aws.dr`, `${aws.dr}` -> `dr`; no provider, or `aws`, -> the default configuration. */
function providerAlias(provider: unknown): string {
  if (typeof provider !== 'string') return '';
  const match = /^(?:\$\{)?aws\.([\w-]+)\}?$/.exec(provider.trim());
  return match ? (match[1] as string) : '';
}

function regionValue(value: string): Region {
  return { value, literal: !value.includes('${') };
}
