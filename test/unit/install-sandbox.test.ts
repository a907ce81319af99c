import assert from "node:assert/strict";
import { SWAP } from "../../src/gateway/dnf-memory";
import { knownBadKernel } from "../../src/gateway/known-bad-kernels";
import { renderGateway } from "../../src/gateway/render";
import { BASE_REPO, InstallSandbox, Machine } from "../support/install-sandbox";
import { exampleConfig } from "../support/stacks";

const GOOD_61 = "6.1.161-183.298.amzn2023.aarch64";
const GOOD_612 = "6.12.71-93.121.amzn2023.x86_64";
const KERNEL_MODULES = ["sit", "ip6_tunnel", "dummy", "nf_tables"];
/** MemTotal of a 512 MiB .nano and of a 4 GiB instance, as /proc/meminfo reads on them. */
const NANO_KIB = 458000;
const LARGE_KIB = 3900000;
const SWAP_UNIT_PATH = `/etc/systemd/system/${SWAP.unit}`;

const stacks = { isatap: exampleConfig("isatap"), native: exampleConfig("native") };
const rendered = (kind: keyof typeof stacks) => renderGateway(stacks[kind], 0);

function machine(over: Partial<Machine> = {}): Machine {
  return {
    kernel: GOOD_61,
    memTotalKib: LARGE_KIB,
    modules: KERNEL_MODULES,
    repo: BASE_REPO,
    ...over,
  };
}

describe("install script in a stand-in Amazon Linux 2023 (sudo bash -s)", function () {
  this.timeout(30000);
  const sandboxes: InstallSandbox[] = [];
  const sandbox = (m: Machine) => {
    const s = new InstallSandbox(m);
    sandboxes.push(s);
    return s;
  };
  after(() => sandboxes.forEach((s) => s.remove()));

  for (const kind of ["isatap", "native"] as const) {
    it(`installs ${kind} gw-a on a good kernel: every rendered file, packages, no swap on a large machine`, () => {
      const gw = rendered(kind);
      const s = sandbox(machine());
      const run = s.run(gw.installScript);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(s.files(), Object.keys(gw.files).sort());
      for (const [p, content] of Object.entries(gw.files)) assert.equal(s.read(p), content, p);
      assert.ok(run.calls.some((c) => /^dnf -y -q install keepalived nftables /.test(c)));
      assert.ok(
        !run.calls.some((c) => /^(fallocate|dd|mkswap|swapon) /.test(c)),
        run.calls.join("\n"),
      );
      assert.ok(!s.files().includes(SWAP.file));
    });
  }

  for (const kernel of ["6.1.163-186.299.amzn2023.aarch64", "6.12.68-90.120.amzn2023.x86_64"]) {
    it(`refuses the known-bad kernel ${kernel} before anything: no file, no dnf, exit 1`, () => {
      const s = sandbox(machine({ kernel, memTotalKib: NANO_KIB }));
      const run = s.run(rendered("isatap").installScript);
      assert.equal(run.status, 1);
      assert.match(run.stderr, new RegExp(`kernel ${kernel.replace(/\./g, "\\.")} is known-bad`));
      assert.match(run.stderr, /ipip6 receive is broken/);
      const pkg = kernel.startsWith("6.12.") ? "kernel6.12" : "kernel";
      assert.match(run.stderr, new RegExp(`dnf --releasever=RELEASE upgrade ${pkg} for a release`));
      assert.match(run.stderr, /gateway\.amiId/);
      assert.deepEqual(s.files(), []);
      assert.deepEqual(
        run.calls.map((c) => c.split(" ")[0]),
        ["uname"],
        "nothing but uname ran",
      );
    });
  }

  it("refuses exactly the kernels the list names (bash and TypeScript agree)", () => {
    const kernels = [
      "6.1.161-183.298.amzn2023.aarch64",
      "6.1.162-185.1.amzn2023.aarch64",
      "6.1.164-187.1.amzn2023.aarch64",
      "6.12.66-88.1.amzn2023.x86_64",
      "6.12.67-89.1.amzn2023.x86_64",
      "6.12.70-92.1.amzn2023.x86_64",
      GOOD_612,
      "6.6.122",
      "6.16.67-1.amzn2023.x86_64",
    ];
    for (const kernel of kernels) {
      const run = sandbox(machine({ kernel })).run(rendered("native").installScript);
      const refused = run.status === 1 && run.stderr.includes("is known-bad");
      assert.equal(refused, knownBadKernel(kernel) !== undefined, `${kernel}: ${run.stderr}`);
      if (!refused) assert.equal(run.status, 0, `${kernel}: ${run.stderr}`);
    }
  });

  it("installs kernel-modules-extra-$(uname -r) for a module the 6.1 kernel lacks, then goes on", () => {
    const extra = `kernel-modules-extra-${GOOD_61}`;
    const s = sandbox(
      machine({
        modules: ["ip6_tunnel", "dummy", "nf_tables"],
        repo: { ...BASE_REPO, [extra]: ["module sit"] },
      }),
    );
    const run = s.run(rendered("isatap").installScript);
    assert.equal(run.status, 0, run.stderr);
    const dnf = run.calls.filter((c) => c.startsWith("dnf "));
    assert.match(dnf[0], new RegExp(`^dnf -y -q install ${extra.replace(/\./g, "\\.")} \\|`));
    assert.deepEqual(
      s.stateLines("loaded").filter((m) => m === "sit"),
      ["sit"],
    );
    assert.ok(s.files().length > 0);
  });

  it("names the 6.12 stream's package kernel6.12-modules-extra-$(uname -r)", () => {
    const extra = `kernel6.12-modules-extra-${GOOD_612}`;
    const s = sandbox(
      machine({
        kernel: GOOD_612,
        modules: ["sit", "dummy", "nf_tables"],
        repo: { ...BASE_REPO, [extra]: ["module ip6_tunnel"] },
      }),
    );
    const run = s.run(rendered("native").installScript);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.calls.some((c) => c.startsWith(`dnf -y -q install ${extra} `)));
  });

  it("refuses a module that not even the extra package has, naming module and kernel; no file", () => {
    const s = sandbox(machine({ modules: ["sit", "dummy", "nf_tables"] }));
    const run = s.run(rendered("native").installScript);
    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`No match for argument: kernel-modules-extra-${GOOD_61}`));
    assert.match(
      run.stderr,
      new RegExp(
        `kernel ${GOOD_61} cannot load module ip6_tunnel \\(needed by tun0 \\(ipip6\\)\\)`,
      ),
    );
    assert.deepEqual(s.files(), []);
    assert.ok(!run.calls.some((c) => /^dnf .*keepalived/.test(c)), "no gateway package installed");
  });

  it("turns on a 1 GiB swap file before dnf on a 512 MiB machine, persisted by its unit", () => {
    const s = sandbox(machine({ memTotalKib: NANO_KIB }));
    const run = s.run(rendered("isatap").installScript);
    assert.equal(run.status, 0, run.stderr);
    const firstDnf = run.calls.findIndex((c) => c.startsWith("dnf "));
    assert.ok(firstDnf >= 0);
    assert.match(run.calls[firstDnf], new RegExp(`\\| swap=${SWAP.file} $`));
    const order = run.calls.map((c) => c.split(" ")[0]);
    assert.ok(order.indexOf("mkswap") < order.indexOf("swapon", order.indexOf("mkswap")));
    assert.match(run.calls.find((c) => c.startsWith("fallocate ")) ?? "", /-l 1073741824 /);
    assert.match(s.read(SWAP_UNIT_PATH), new RegExp(`^What=${SWAP.file}$`, "m"));
    assert.ok(s.stateLines("enabled").includes(SWAP.unit));
    assert.match(run.stderr, /MemTotal 458000 kB and no swap/);
  });

  it("falls back to dd where fallocate is not supported", () => {
    const s = sandbox(machine({ memTotalKib: NANO_KIB, fallocateUnsupported: true }));
    const run = s.run(rendered("isatap").installScript);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.calls.some((c) => c.startsWith("dd if=/dev/zero of=")));
    assert.deepEqual(s.stateLines("swaps"), [SWAP.file]);
  });

  it("makes the swap file again with dd when swapon refuses the fallocated one", () => {
    const s = sandbox(machine({ memTotalKib: NANO_KIB, fallocateHoles: true }));
    const run = s.run(rendered("isatap").installScript);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /appears to have holes/);
    const order = run.calls.map((c) => c.split(" ")[0]);
    assert.ok(order.indexOf("fallocate") < order.indexOf("dd"));
    assert.deepEqual(s.stateLines("swaps"), [SWAP.file]);
  });

  it("adds no swap where swap is already active, even on a small machine", () => {
    const again = sandbox(machine({ memTotalKib: NANO_KIB }));
    again.markSwapActive("/swap.img");
    const run = again.run(rendered("isatap").installScript);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(!run.calls.some((c) => /^(fallocate|dd|mkswap) /.test(c)));
    assert.ok(!again.files().includes(SWAP_UNIT_PATH));
  });

  it("changes nothing when run again: no dnf, no swap work, no file rewritten", () => {
    const s = sandbox(
      machine({
        memTotalKib: NANO_KIB,
        modules: ["ip6_tunnel", "dummy", "nf_tables"],
        repo: { ...BASE_REPO, [`kernel-modules-extra-${GOOD_61}`]: ["module sit"] },
      }),
    );
    const script = rendered("isatap").installScript;
    const first = s.run(script);
    assert.equal(first.status, 0, first.stderr);
    const filesAfterFirst = s.files();
    const second = s.run(script);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(s.files(), filesAfterFirst);
    assert.ok(
      !second.calls.some((c) => /^(dnf|fallocate|dd|mkswap) /.test(c) || /^swapon \//.test(c)),
      second.calls.join("\n"),
    );
    assert.match(second.stderr, /installed; changed files: none/);
  });
});
