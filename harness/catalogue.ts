import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from './scenario.ts';

export const scenariosDir = join(import.meta.dirname, '..', 'scenarios');

/** Every scenario file in scenarios/, in name order; a file whose default export is not a scenario is an error. */
export async function loadCatalogue(dir = scenariosDir): Promise<Scenario[]> {
  const files = readdirSync(dir).filter((file) => file.endsWith('.ts')).sort();
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: Scenario };
    const scenario = module.default;
    if (!scenario || typeof scenario.name !== 'string' || !scenario.expect) {
      throw new Error(`scenarios/${file} does not export default defineScenario({...})`);
    }
    if (`${scenario.name}.ts` !== file) throw new Error(`scenarios/${file} is named "${scenario.name}": name the file after it`);
    scenarios.push(scenario);
  }
  return scenarios;
}

/** The named scenarios (all when none named); an unknown name is an error that lists the known ones. */
export async function selectScenarios(names: string[], dir = scenariosDir): Promise<Scenario[]> {
  const catalogue = await loadCatalogue(dir);
  if (names.length === 0) return catalogue;
  return names.map((name) => {
    const scenario = catalogue.find((candidate) => candidate.name === name);
    if (!scenario) throw new Error(`no scenario "${name}"; known: ${catalogue.map((s) => s.name).join(', ')}`);
    return scenario;
  });
}
