/**
 * Exact Terraform addresses of a store's resources, read from the synthesized `cdk.tf.json`. Resources are matched by
 * their physical identifiers (which the plan decides), never by construct paths, so a stack that nests Lifeboat's
 * constructs under other ids still resolves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

type TerraformJson = { resource?: Record<string, Record<string, Record<string, unknown>>> };

export interface StackAddresses {
  /** Stack directory Terraform runs in (the directory of cdk.tf.json). */
  stackDir: string;
  /** `type.name` of the resource whose `attribute` equals `value`, or undefined. */
  find(type: string, attribute: string, value: string): string | undefined;
  /** Addresses of `type` whose `attribute` references `${<address>.<anything>}`. */
  referencing(type: string, attribute: string, address: string): string[];
}

export function stackAddresses(json: TerraformJson, stackDir: string): StackAddresses {
  const resources = json.resource ?? {};
  return {
    stackDir,
    find(type, attribute, value) {
      const matches = Object.entries(resources[type] ?? {})
        .filter(([, body]) => body[attribute] === value)
        .map(([name]) => `${type}.${name}`);
      return matches.sort()[0];
    },
    referencing(type, attribute, address) {
      return Object.entries(resources[type] ?? {})
        .filter(([, body]) => typeof body[attribute] === 'string' && (body[attribute] as string).startsWith(`\${${address}.`))
        .map(([name]) => `${type}.${name}`)
        .sort();
    },
  };
}

/** Reads `cdk.tf.json` (a file, a stack directory, or a `cdktf.out` with one stack). */
export function loadStackAddresses(location: string): StackAddresses {
  let file = location;
  if (fs.statSync(location).isDirectory()) {
    const direct = path.join(location, 'cdk.tf.json');
    if (fs.existsSync(direct)) {
      file = direct;
    } else {
      const stacks = path.join(location, 'stacks');
      const names = fs.existsSync(stacks) ? fs.readdirSync(stacks).filter((name) => fs.existsSync(path.join(stacks, name, 'cdk.tf.json'))) : [];
      if (names.length !== 1) throw new Error(`${location}: expected cdk.tf.json or cdktf.out with exactly one stack, found ${names.length}`);
      file = path.join(stacks, names[0] as string, 'cdk.tf.json');
    }
  }
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as TerraformJson;
  return stackAddresses(json, path.dirname(file));
}
