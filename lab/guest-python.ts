/**
 * The part of Debian's Python the guest needs to run the EC2/IMDS stand-in (lab/aws-standin/) and
 * the gateways' resident route mover (src/gateway/route-mover.py): the interpreter and only the
 * standard-library files they import, found by asking Debian's own
 * python3.11 which files those imports load (not the whole of libpython3.11-stdlib: it would triple
 * the initramfs).
 */

import * as path from "path";
import { ROUTE_MOVER_SOURCE } from "../src/gateway/route-mover";
import { run } from "./shell";

/** Debian 12's interpreter (python3-minimal); not whatever `python3` is first on PATH. */
export const GUEST_PYTHON = "/usr/bin/python3.11";
export const STANDIN_SCRIPT = path.resolve(__dirname, "aws-standin", "aws_standin.py");

/**
 * Modules the stand-in's code imports only when it first runs a path, not at import time:
 * datetime.strptime (SigV4's X-Amz-Date) imports _strptime; argparse's help formatter, built by
 * add_argument, imports shutil; http.server's bind looks its address up (socket.getfqdn), which
 * encodes the name with the idna codec.
 */
export const LAZY_IMPORTS = ["_strptime", "shutil", "encodings.idna"];

/**
 * Imports SCRIPT as a module (its top-level imports, not its main) and LAZY_IMPORTS in a python
 * run without site (-S) and isolated (-I), as the guest runs it, and prints every file the loaded
 * modules came from, plus os.py, the landmark by which python finds its library at start.
 */
const LIST_FILES = String.raw`
import importlib.util, os, sys
scripts = sys.argv[1].split(":")
for i, script in enumerate(scripts):
    spec = importlib.util.spec_from_file_location(f"script{i}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
for name in sys.argv[2:]:
    __import__(name)
files = {getattr(m, "__file__", None) for m in list(sys.modules.values())}
files.add(os.__file__)
print("\n".join(sorted(f for f in files if f and f not in scripts)))
`;

/** Absolute paths of the standard-library files (.py and extension modules) the stand-in loads. */
export function standinPythonFiles(
  python = GUEST_PYTHON,
  scripts: readonly string[] = [STANDIN_SCRIPT, ROUTE_MOVER_SOURCE],
): string[] {
  const out = run(python, ["-B", "-I", "-S", "-c", LIST_FILES, scripts.join(":"), ...LAZY_IMPORTS]);
  const files = out.split("\n").filter(Boolean);
  const outside = files.filter((f) => !f.startsWith("/usr/lib/python3"));
  if (outside.length > 0)
    throw new Error(
      `the stand-in loads modules from outside Debian's stdlib: ${outside.join(", ")}`,
    );
  return files;
}
