/** monitoring.snsTopicArn: optional, an SNS topic ARN when given. */
import assert from "node:assert/strict";
import { exampleDocument, problemLines, validateDocument } from "../support/stacks";

function withMonitoring(value: unknown) {
  const doc = exampleDocument("isatap");
  doc.config["vpc-ipip6-gateway:monitoring"] = value;
  return validateDocument(doc);
}

describe("config: monitoring", () => {
  it("is optional", () => {
    const result = validateDocument(exampleDocument("isatap"));
    assert.deepEqual(result.config?.monitoring, {});
  });

  it("takes an SNS topic ARN for the alarms", () => {
    const arn = "arn:aws:sns:ap-northeast-3:123456789012:netops-pager";
    assert.deepEqual(withMonitoring({ snsTopicArn: arn }).config?.monitoring, { snsTopicArn: arn });
  });

  it("refuses something else, and unknown keys, by key path", () => {
    assert.deepEqual(
      problemLines(withMonitoring({ snsTopicArn: "netops-pager", email: "x" }).problems),
      [
        "vpc-ipip6-gateway:monitoring.email: unknown key (known: snsTopicArn)",
        'vpc-ipip6-gateway:monitoring.snsTopicArn: "netops-pager" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)',
      ],
    );
  });
});
