import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRequirements, RequirementsError } from '../../src/spec';

const dir = path.join(__dirname, '..', '..', 'examples', 'invalid');
const examples = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('examples/invalid', () => {
  it('has examples, each paired with its expected errors', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
    for (const file of examples) expect(fs.existsSync(path.join(dir, file.replace(/\.json$/, '.expected.txt')))).toBe(true);
  });

  it.each(examples)('%s yields exactly its expected lines', (file) => {
    const expected = fs.readFileSync(path.join(dir, file.replace(/\.json$/, '.expected.txt')), 'utf8').trimEnd().split('\n');
    let error: unknown;
    try {
      loadRequirements(path.join(dir, file));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RequirementsError);
    const { message, issues } = error as RequirementsError;
    expect(message.split('\n').slice(1)).toEqual(expected);
    expect(issues.length).toBe(expected.length);
  });
});
