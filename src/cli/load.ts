import { loadRequirements } from '../spec/requirements';
import { RequirementsError } from '../spec/errors';
import type { Requirements } from '../spec/types';
import type { CommandOutput } from './output';

/** Loads a requirements file, printing every problem to stderr; null when invalid. */
export function loadOrReport(file: string, output: CommandOutput): Requirements | null {
  try {
    return loadRequirements(file);
  } catch (error) {
    if (error instanceof RequirementsError) {
      output.err(`${file}: ${error.message}\n`);
      return null;
    }
    throw error;
  }
}
