import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TerraformBody, TerraformDocument } from '../../src/policy';

const CLEAN_PATH = path.join(__dirname, 'fixtures', 'clean.tf.json');
const clean = JSON.parse(fs.readFileSync(CLEAN_PATH, 'utf8')) as TerraformDocument;

export const CLEAN_FIXTURE = CLEAN_PATH;

/** A fresh copy of the clean document, safe to mutate. */
export function cleanDocument(): TerraformDocument {
  return structuredClone(clean);
}

/** The body of `resource.<type>.<name>`; throws when the fixture does not have it, so a typo cannot pass. */
export function resource(doc: TerraformDocument, type: string, name: string): TerraformBody {
  const body = doc.resource?.[type]?.[name];
  if (body === undefined) throw new Error(`fixture has no resource ${type}.${name}`);
  return body;
}

export function dataSource(doc: TerraformDocument, type: string, name: string): TerraformBody {
  const body = doc.data?.[type]?.[name];
  if (body === undefined) throw new Error(`fixture has no data source ${type}.${name}`);
  return body;
}

export function removeResource(doc: TerraformDocument, type: string, name: string): void {
  resource(doc, type, name);
  delete doc.resource?.[type]?.[name];
}

/** Adds a resource with construct metadata, as cdktf would write it. */
export function addResource(doc: TerraformDocument, type: string, name: string, body: TerraformBody): void {
  doc.resource ??= {};
  doc.resource[type] ??= {};
  doc.resource[type][name] = { '//': { metadata: { path: `lifeboat/added/${name}`, uniqueId: name } }, ...body };
}

/** First element of a block list, whether cdktf wrote the block as an object or an array. */
export function first<T = Record<string, unknown>>(value: unknown): T {
  return (Array.isArray(value) ? value[0] : value) as T;
}
