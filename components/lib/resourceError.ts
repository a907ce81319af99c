/** Failures inside a component name the component: Pulumi prints a ResourceError with its URN. */
import * as pulumi from "@pulumi/pulumi";

/** Runs a pure step of a component; an error it throws becomes a ResourceError of `owner`. */
export function inComponent<T>(owner: pulumi.Resource, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof pulumi.ResourceError) throw error;
    throw new pulumi.ResourceError((error as Error).message, owner);
  }
}
