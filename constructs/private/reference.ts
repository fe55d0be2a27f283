import type { IConstruct } from 'constructs';
import { IResolvable, IResolveContext, TerraformDataSource, TerraformResource, TerraformStack, Token } from 'cdktf';

/**
 * References between resources a Lifeboat construct creates itself, in its own stack.
 *
 * Reading a provider attribute (`bucket.arn`) makes a cdktf `Reference` token, which captures a complete stack trace
 * when it is made (tens of microseconds each; a 200-store plan reads about 4,500 of them), and `dependsOn` entries
 * become tokens of the same kind. The tokens made here resolve to the same `${<type>.<logical id>.<attribute>}` text
 * without that cost. The logical id is read when the stack is synthesized, not when the token is made, so an
 * `overrideLogicalId` on an inner resource after construction (by hand or from an Aspect) renames its references
 * too. They are for references inside one stack only: resolving one in another stack throws (cdktf's own tokens would
 * make a cross-stack reference there). Values a user passes in, and every public property a user reads, stay cdktf's
 * own tokens, so cross-stack references keep working for them.
 *
 * Each call registers exactly one token, as the attribute read it replaces did: cdktf numbers its tokens in order,
 * and the synthesized output must not depend on which kind of token was made.
 */

type Element = TerraformResource | TerraformDataSource;

/** The names of an element's string attributes (camelCase, as its provider class spells them). */
export type StringAttribute<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T] & string;

/** `keyId` -> `key_id`: the Terraform attribute behind a provider class getter. */
function terraformName(attribute: string): string {
  return attribute.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `aws_s3_bucket.<logical id>` or `data.aws_partition.<logical id>`, read at synth time. */
function address(element: Element): string {
  const prefix = element instanceof TerraformDataSource ? 'data.' : '';
  return `${prefix}${element.terraformResourceType}.${element.friendlyUniqueId}`;
}

/**
 * The stack of each construct a reference was resolved from or points to. A construct never moves in the tree, so
 * its stack is looked up once: each resolution would otherwise walk both paths up to their stack, and a 200-store
 * stack resolves about 25,000 of these references per synth.
 */
const stacks = new WeakMap<IConstruct, TerraformStack>();

function stackOf(construct: IConstruct): TerraformStack {
  let stack = stacks.get(construct);
  if (stack === undefined) {
    stack = TerraformStack.of(construct);
    stacks.set(construct, stack);
  }
  return stack;
}

/** A token of an element's address or attribute, valid in the element's own stack. */
class SameStackReference implements IResolvable {
  /** Empty: a stack trace per token is what these tokens avoid (cdktf only shows it in some error messages). */
  public readonly creationStack: string[] = [];

  /** The Terraform name of the attribute (`key_id`), or undefined for the address alone (a `depends_on` entry). */
  private readonly attribute: string | undefined;

  constructor(
    private readonly element: Element,
    attribute: string | undefined,
    private readonly use: string,
  ) {
    this.attribute = attribute === undefined ? undefined : terraformName(attribute);
  }

  public resolve(context: IResolveContext): string {
    const stack = stackOf(context.scope);
    if (stack !== stackOf(this.element)) {
      throw new Error(
        `${this.element.node.path}: Lifeboat's internal ${this.use} to this ${this.element.terraformResourceType} was resolved in stack ` +
          `'${stack.node.path}', but the resource is in stack '${this.element.cdktfStack.node.path}'. Internal references stay within ` +
          `one stack; to use the resource in another stack, read its attribute from the resource itself (e.g. \`bucket.arn\`), which ` +
          'cdktf turns into a cross-stack reference.',
      );
    }
    // As cdktf's Reference: nested expressions get the bare expression, a value on its own gets `${...}`.
    const suppressBraces = context.suppressBraces;
    context.suppressBraces = true;
    const target = address(this.element);
    const expression =
      this.attribute === undefined ? target : `${target}${this.element.forEach ? '.*' : ''}.${this.attribute}`;
    return suppressBraces || this.attribute === undefined ? expression : `\${${expression}}`;
  }

  public toString(): string {
    return Token.asString(this);
  }
}

/**
 * The attribute `attribute` (as the provider class names it: `arn`, `keyId`) of a resource or data source this
 * construct created, as a string token: `${aws_kms_key.<logical id>.key_id}` once synthesized.
 */
export function ref<T extends Element>(element: T, attribute: StringAttribute<T>): string {
  return Token.asString(new SameStackReference(element, attribute, 'reference'));
}

/**
 * Sets `resource.dependsOn` to `dependencies` (resources of the same stack), as the `dependsOn` config entry would,
 * with the tokens of this module. Call it right after creating `resource`.
 */
export function dependOn(resource: TerraformResource, dependencies: readonly TerraformResource[]): void {
  resource.dependsOn = dependencies.map((dependency) => Token.asString(new SameStackReference(dependency, undefined, 'depends_on entry')));
}
