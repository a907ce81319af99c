/**
 * The AWS preflight: every mismatch between the stack file and the account, found from facts
 * read before any resource is declared, reported at once (docs/deploy.md "Preflight").
 */

import { StackConfig } from "../config/types";
import { AwsFacts, PreflightProblem } from "./facts";
import { routeVerdict } from "./routes";
import { subnetProblems } from "./subnets";

export interface AwsPreflight {
  problems: PreflightProblem[];
  /** Import ids of the existing routes the program declares with the `import` option. */
  routeImports: string[];
  /** Advice that does not stop the deployment. */
  notes: string[];
}

export function awsPreflight(config: StackConfig, facts: AwsFacts): AwsPreflight {
  const routes = routeVerdict(config, facts);
  return {
    problems: [...subnetProblems(config, facts), ...routes.problems],
    routeImports: routes.imports,
    notes: routes.alreadyOurs.map(
      (ref) =>
        `vpc-ipip6-gateway:vpc.adoptRoutes: ${ref} already points at this site's gateways; the entry can be removed`,
    ),
  };
}

/** The preflight's verdict in words: every problem, one per line, each starting with its stack key. */
export function preflightMessage(problems: PreflightProblem[]): string {
  return (
    `AWS preflight: ${problems.length} problem(s); nothing was created or changed:\n` +
    problems.map((p) => `${p.path}: ${p.message}`).join("\n")
  );
}
