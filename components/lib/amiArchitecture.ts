/** The check that an explicit `gateway.amiId` can boot on `gateway.instanceType` (docs/lifecycle.md). */

/**
 * Refuses an image whose architecture the instance type does not support, naming both settings:
 * EC2 would refuse it only at RunInstances, after the standby gateway was already deleted (the
 * instance is deleted before it is replaced), so the refusal must come at preview.
 */
export function checkAmiArchitecture(
  amiId: string,
  imageArchitecture: string,
  instanceType: string,
  supportedArchitectures: readonly string[],
): void {
  if (supportedArchitectures.includes(imageArchitecture)) return;
  throw new Error(
    `vpc-ipip6-gateway:gateway.amiId ${amiId} is an ${imageArchitecture} image, but ` +
      `gateway.instanceType ${instanceType} runs ${supportedArchitectures.join(", ") || "no"} ` +
      "images: nothing was changed. Set a gateway.amiId of that architecture, or remove " +
      "gateway.amiId to boot the latest Amazon Linux 2023 for the instance type.",
  );
}
