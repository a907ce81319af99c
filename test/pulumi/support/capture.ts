/** The JSON a program host run writes: everything the tests assert on. */

export interface CapturedResource {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  /** URN of the parent ("" for children of the stack). */
  parent: string;
  /** Inputs as the mock received them; secrets as { __secret__: value }. */
  inputs: Record<string, unknown>;
  ignoreChanges: string[];
  /** URNs this resource depends on (explicit dependsOn and input dependencies). */
  dependencies: string[];
  additionalSecretOutputs: string[];
  deleteBeforeReplace: boolean;
  /** The `import` resource option ("" when the resource is created, not imported). */
  importId: string;
  /** Mocked id (custom resources). */
  id: string;
}

export interface CapturedInvoke {
  token: string;
  inputs: Record<string, unknown>;
}

export interface CapturedExport {
  value: unknown;
  secret: boolean;
}

export interface Capture {
  resources: CapturedResource[];
  invokes: CapturedInvoke[];
  exports: Record<string, CapturedExport>;
  /** URNs of the components that called registerOutputs. */
  registeredOutputs: string[];
  /** Why the run failed (the program's error and the host's verdict); absent when it passed. */
  failure?: string;
}
