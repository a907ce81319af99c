/** Loads the stack file and renders it, exactly as `npm run render -- --json` would. */

import { loadStackFile } from "../src/config/load";
import { StackConfig } from "../src/config/types";
import { renderSite } from "../src/render/site";
import { RenderedSite } from "../src/render/types";

export interface LoadedStack {
  config: StackConfig;
  site: RenderedSite;
}

export function loadAndRender(stackFile: string): LoadedStack {
  const loaded = loadStackFile(stackFile);
  if (!loaded.config || loaded.problems.length > 0) {
    const problems = loaded.problems.map((p) => `${p.path}: ${p.message}`).join("\n");
    throw new Error(`${stackFile} is not a valid stack:\n${problems}`);
  }
  return { config: loaded.config, site: renderSite(loaded.config) };
}
