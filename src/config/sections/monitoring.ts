/** `monitoring`: where the per-site CloudWatch alarms notify (docs/operations.md). */

import { fullKey, keysOf } from "../contract";
import { ConfigReader } from "../reader";
import { MonitoringConfig } from "../types";

/** Alarm notifications: an SNS topic ARN, optional (alarms still show in the console without). */
export function readMonitoring(r: ConfigReader, value: unknown): MonitoringConfig {
  const p = fullKey("monitoring");
  const o = r.object(p, value, keysOf("monitoring")) ?? {};
  const snsTopicArn = r.string(
    `${p}.snsTopicArn`,
    o.snsTopicArn,
    /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
    "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)",
  );
  return snsTopicArn ? { snsTopicArn } : {};
}
