import assert from "node:assert/strict";
import { exampleDocument, problemLines, validateDocument } from "../support/stacks";

const NS = "vpc-ipip6-gateway";

function validateWith(vpc: Record<string, unknown>) {
  const document = exampleDocument("isatap");
  Object.assign(document.config[`${NS}:vpc`] as Record<string, unknown>, vpc);
  return validateDocument(document);
}

describe("config: vpc.adoptRoutes and vpc.overrideRoutes", () => {
  it("default to empty lists", () => {
    const { config } = validateWith({});
    assert.deepEqual(config?.vpc.adoptRoutes, []);
    assert.deepEqual(config?.vpc.overrideRoutes, []);
  });

  it("accept a managed table and a site CIDR in the Route import id form", () => {
    const { config, problems } = validateWith({
      adoptRoutes: ["rtb-0aaa1111_192.168.10.0/24"],
      overrideRoutes: ["rtb-0bbb2222_192.168.10.0/24"],
    });
    assert.deepEqual(problemLines(problems), []);
    assert.deepEqual(config?.vpc.adoptRoutes, ["rtb-0aaa1111_192.168.10.0/24"]);
    assert.deepEqual(config?.vpc.overrideRoutes, ["rtb-0bbb2222_192.168.10.0/24"]);
  });

  it("refuse a malformed entry, another table and host bits", () => {
    const { problems } = validateWith({
      adoptRoutes: [
        "rtb-0aaa1111 192.168.10.0/24",
        "rtb-0fff9999_192.168.10.0/24",
        "rtb-0aaa1111_192.168.10.1/24",
      ],
    });
    const lines = problemLines(problems);
    assert.equal(lines.length, 3, lines.join("\n"));
    assert.match(lines[0], /^vpc-ipip6-gateway:vpc\.adoptRoutes\[0\]: .*rtb-…_a\.b\.c\.d\/len/);
    assert.match(
      lines[1],
      /^vpc-ipip6-gateway:vpc\.adoptRoutes\[1\]: names rtb-0fff9999, which is not one of vpc\.routeTableIds/,
    );
    assert.match(lines[2], /^vpc-ipip6-gateway:vpc\.adoptRoutes\[2\]: .*host bits/);
  });

  it("refuse a CIDR that is not one of site.cidrs, and a duplicate", () => {
    const { problems } = validateWith({
      overrideRoutes: ["rtb-0aaa1111_10.9.0.0/16", "rtb-0aaa1111_10.9.0.0/16"],
    });
    assert.ok(
      problemLines(problems).includes(
        `${NS}:vpc.overrideRoutes[1]: duplicates overrideRoutes[0] (rtb-0aaa1111_10.9.0.0/16)`,
      ),
    );
    const { problems: notSite } = validateWith({ overrideRoutes: ["rtb-0aaa1111_10.9.0.0/16"] });
    assert.deepEqual(problemLines(notSite), [
      `${NS}:vpc.overrideRoutes[0]: names 10.9.0.0/16, which is not one of site.cidrs (192.168.10.0/24)`,
    ]);
  });
});
