import assert from "node:assert/strict";
import { DEFAULT_STACK_FILE, parseLabArgs } from "../../lab/args";
import { moduleClosure } from "../../lab/initramfs";
import { cleanConsoleLine, qemuArgs } from "../../lab/qemu";

describe("lab: command line, QEMU and initramfs helpers", () => {
  it("defaults to the isatap example and reads --stack-file and --json", () => {
    const defaults = { stackFile: DEFAULT_STACK_FILE, cpus: 2, kernel: "6.1", repeat: 1 };
    assert.deepEqual(parseLabArgs([]), defaults);
    assert.deepEqual(parseLabArgs(["--stack-file", "s.yaml", "--json", "r.json"]), {
      ...defaults,
      stackFile: "s.yaml",
      jsonFile: "r.json",
    });
    assert.deepEqual(parseLabArgs(["--kernel", "6.12", "--repeat", "5"]), {
      ...defaults,
      kernel: "6.12",
      repeat: 5,
    });
    assert.throws(() => parseLabArgs(["--kernel", "6.6"]), /--kernel takes 6\.1 or 6\.12/);
    assert.throws(() => parseLabArgs(["--repeat", "0"]), /--repeat takes 1\.\.20/);
    assert.throws(() => parseLabArgs(["--json"]), /--json needs a value/);
    assert.throws(() => parseLabArgs(["--stak-file", "x"]), /unknown argument --stak-file/);
  });

  it("boots TCG with a small translation cache and the serial console", () => {
    const args = qemuArgs({
      vmlinuz: "/k",
      initrd: "/i",
      memoryMb: 512,
      cpus: 2,
      append: "labtrace=1",
    });
    assert.deepEqual(args.slice(0, 2), ["-accel", "tcg,tb-size=64"]);
    assert.ok(args.includes("console=ttyS0 panic=-1 quiet labtrace=1"));
  });

  it("strips terminal escapes and carriage returns from console lines", () => {
    assert.equal(cleanConsoleLine("\x1bc\x1b[?7l\x1b[2J@@LAB progress x\r"), "@@LAB progress x");
  });

  it("takes wanted modules, every nft_* module and their dependencies from modules.dep", () => {
    const dep = [
      "kernel/net/ipv6/sit.ko: kernel/net/ipv4/ip_tunnel.ko kernel/net/ipv4/tunnel4.ko",
      "kernel/net/netfilter/nft_exthdr.ko: kernel/net/netfilter/nf_tables.ko",
      "kernel/drivers/net/bonding/bonding.ko:",
    ].join("\n");
    assert.deepEqual(moduleClosure(dep, ["sit"]), [
      "kernel/net/ipv4/ip_tunnel.ko",
      "kernel/net/ipv4/tunnel4.ko",
      "kernel/net/ipv6/sit.ko",
      "kernel/net/netfilter/nf_tables.ko",
      "kernel/net/netfilter/nft_exthdr.ko",
    ]);
  });
});
